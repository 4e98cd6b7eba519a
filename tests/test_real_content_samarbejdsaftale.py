"""Content real agreements have that the first schema had no place for (issue 16.2): a party's
postal address, Att. line, contact persons and description; target groups with only a description
or with a qualified count ("375 i helhedsplanens område"); counts that are approximate or not
given, and totals that never print a figure they do not have; section 3 in the author's order
of prose, organs and zones. Each field is filled in a copy of tests/sets/lille (2019-26) and of the
2015-18 example, and read back from the Word file (python-docx, footnotes from their part) and the
site's HTML; the rules' messages are checked at their file:line:column.
"""
from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import docx
import pytest

from conftest import ROOT, edit, line_of
from docx_reader import footnotes

VESTPARKEN = ROOT / "agreements" / "vestparken-2015-18"

PARTY = """    forkortelse: BoA
    att: Boligsocial chef
    adresse: |
      Nordvej 1
      9999 Testby
    kontaktpersoner:
      - navn: Anna Andersen
        titel: Projektleder
        email: anna@example.dk
        telefon: "11223344"
      - navn: Bent Berg
        titel: Driftschef
    beskrivelse: |
      Selskabet administrerer begge afdelinger.[^adm]

      [^adm]: Administrationsaftale fra 2020.
"""

GROUPS = """    - id: unge
      navn: Unge uden job
      antal: 75
      antal_tekst: i helhedsplanens område
      beskrivelse: Unge mellem 15 og 29 år.
    - id: foraeldre
      beskrivelse: Forældre, der ønsker støtte til skolelivet.
"""

ORDER = """  afsnit:
    - overskrift: Overordnet organisering
      tekst: |
        Indsatsen indgår i byens fælles struktur.[^struktur]

        [^struktur]: Aftalt mellem kommunen og boligselskabet.
    - organ: bestyrelsen
    - zone: zone-1
    - tekst: Lokalt mødes afdelingerne i to zoner.
    - organ: foelgegruppe
    - zone: zone-2
  organer:
"""

ORGAN = """      opgaver:
        - Følge op på mål
    - id: foelgegruppe
      navn: Følgegruppen
      type: foelgegruppe
      under: bestyrelsen
      beskrivelse: Beboere fra begge afdelinger.
"""

ZONES = """    - id: zone-1
      navn: Zone 1
      beskrivelse: Den nordlige del.
      afdelinger: [afd-nord]
    - id: zone-2
      navn: Zone 2
      beskrivelse: Den sydlige del.
      afdelinger: [afd-syd]
"""


def _filled(folder: Path) -> Path:
    """tests/sets/lille with every new field of the agreement filled."""
    path = folder / "samarbejdsaftale.yaml"
    edit(path, "    forkortelse: BoA\n", PARTY)
    edit(path, """    - id: unge
      navn: Unge uden job
      antal: 75
      beskrivelse: Unge mellem 15 og 29 år.
""", GROUPS)
    edit(path, "  beboere: 1234", "  beboere: {ca: 2300}")
    edit(path, "      lejemaal: 244", "      lejemaal: ikke oplyst")
    edit(path, "  organer:\n", ORDER)
    edit(path, "      opgaver:\n        - Følge op på mål\n", ORGAN)
    edit(path, """    - id: zone-1
      navn: Zone 1
      beskrivelse: Hele området.
      afdelinger: [afd-nord, afd-syd]
""", ZONES)
    return path


@pytest.fixture
def filled(small_set) -> Path:
    _filled(small_set)
    return small_set


def _findings(run, folder) -> tuple[int, list[dict]]:
    code, out, _ = run("validate", folder, "--format", "json")
    return code, json.loads(out)["fund"]


def _body(path: Path) -> list[str]:
    """The Word file's paragraphs in reading order, table cells included (python-docx)."""
    document = docx.Document(str(path))
    lines = []
    for block in document.element.body.iterchildren():
        if block.tag.endswith("}p"):
            lines.append(docx.text.paragraph.Paragraph(block, document).text)
        elif block.tag.endswith("}tbl"):
            table = docx.table.Table(block, document)
            for row in table.rows:
                for cell in row.cells:
                    lines += [p.text for p in cell.paragraphs]
    return lines


def _index(lines: list[str], text: str, start: int = 0) -> int:
    return next(i for i, line in enumerate(lines) if i >= start and text in line)


def _in_order(lines: list[str], *texts: str) -> None:
    at = -1
    for text in texts:
        found = _index(lines, text, at + 1)
        assert found > at, (text, lines)
        at = found


def _page_text(path: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8")))


# ---------------------------------------------------------------- the whole set, Word and site


def test_every_new_field_reaches_word_in_its_place(run, filled, tmp_path):
    code, found = _findings(run, filled)
    assert code == 0, found
    code, _, err = run("build", filled, "-o", tmp_path / "ud")
    assert code == 0, err
    word = tmp_path / "ud" / "lille" / "samarbejdsaftale.docx"
    lines = _body(word)

    # 1. the party: name, Att., the address line by line, both contact persons, the description
    _in_order(lines, "Aftalens parter:", "Boligselskabet A & Søn <test>", "Att.: Boligsocial chef",
              "Nordvej 1\n9999 Testby",
              "Kontaktperson: Anna Andersen, Projektleder, anna@example.dk, tlf. 11223344",
              "Kontaktperson: Bent Berg, Driftschef", "Selskabet administrerer begge afdelinger.", "Testby Kommune",
              "Samarbejdsaftalen gælder fra – til:")
    notes = footnotes(word)
    assert "Administrationsaftale fra 2020." in notes

    # 3. counts as written; the totals say what they lack, never a false sum
    assert ("Boligafdelinger i den boligsociale indsats (2 afdelinger, 1.056 lejemål i 1 af dem (ikke oplyst for 1) "
            "og ca. 2.300 beboere):") in lines
    table = next(t for t in docx.Document(str(word)).tables if t.rows[0].cells[0].text == "Nr.")
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[1] == ["101", "Nordparken", "BoA", "1.056"]
    assert rows[2] == ["", "Sydparken", "BoA", "ikke oplyst"]
    assert rows[3][1:] == ["I alt", "", "1.056 i 1 afdeling (ikke oplyst for 1)"]
    assert "1.300" not in "\n".join(lines) and "1.056 lejemål og" not in "\n".join(lines)

    # 2. target groups: the count with its qualifier; a group with only a description
    _in_order(lines, "Primære målgrupper:", "Unge uden job (75 i helhedsplanens område)", "Unge mellem 15 og 29 år.",
              "Forældre, der ønsker støtte til skolelivet.", "3. Organisering")

    # 4. section 3 in organisering.afsnit's order, prose between organs and zones
    _in_order(lines, "3. Organisering", "Overordnet organisering", "Indsatsen indgår i byens fælles struktur.",
              "Bestyrelsen", "Har det overordnede ansvar.", "Følge op på mål", "Zone 1", "1 afdeling, 1.056 lejemål: Nordparken.",
              "Den nordlige del.", "Lokalt mødes afdelingerne i to zoner.", "Følgegruppen",
              "Beboere fra begge afdelinger.", "Zone 2",
              "1 afdeling, et ikke oplyst antal lejemål: Sydparken.", "Den sydlige del.", "Medarbejdere",
              "4. Samspil")
    section = lines[_index(lines, "3. Organisering"):_index(lines, "4. Samspil")]
    assert "Zoner" not in section  # the form's table of zones gives way to the author's order
    assert sum("Bestyrelsen" == line for line in section) == 1
    assert "Aftalt mellem kommunen og boligselskabet." in notes
    headings = {p.text: p.style.name for p in docx.Document(str(word)).paragraphs}
    assert headings["Overordnet organisering"] == "Heading 2" and headings["Zone 2"] == "Heading 3"
    # the shipped template uses every new field as the model has it
    code, out, err = run("check-template", ROOT / "templates" / "samarbejdsaftale.docx", "--kind", "samarbejdsaftale",
                         "--saet", filled)
    assert code == 0 and "Skabelonen passer" in out + err, err


def test_every_new_field_reaches_the_site(run, filled, tmp_path):
    code, _, err = run("build", filled, "-o", tmp_path / "ud")
    assert code == 0, err
    page = tmp_path / "ud" / "site" / "lille" / "samarbejdsaftale.html"
    text = _page_text(page)
    for shown in ("Att.: Boligsocial chef", "Nordvej 1", "9999 Testby", "Anna Andersen, Projektleder",
                  "anna@example.dk", "tlf. 11223344", "Bent Berg, Driftschef", "Selskabet administrerer begge afdelinger.",
                  "Administrationsaftale fra 2020.", "(75 i helhedsplanens område)", "Forældre, der ønsker støtte",
                  "2 afdelinger, 1.056 lejemål i 1 af dem (ikke oplyst for 1) og ca. 2.300 beboere",
                  "1.056 i 1 afdeling (ikke oplyst for 1)", "Aftalt mellem kommunen og boligselskabet."):
        assert shown in text, shown
    raw = page.read_text(encoding="utf-8")
    assert "Nordvej 1<br" in raw  # the address keeps its lines
    assert 'href="mailto:anna@example.dk"' in raw
    section = text[text.rindex("3. Organisering"):text.rindex("4. Samspil")]  # the body, not the contents
    order = ["Overordnet organisering", "Indsatsen indgår", "Bestyrelsen", "Zone 1", "Lokalt mødes", "Følgegruppen",
             "Hører under Bestyrelsen", "Zone 2", "1 afdeling, et ikke oplyst antal lejemål: Sydparken.", "Medarbejdere"]
    assert [section.index(t) for t in order] == sorted(section.index(t) for t in order), section
    index = _page_text(tmp_path / "ud" / "site" / "lille" / "index.html")
    assert "2 afdelinger, 1.056 lejemål i 1 af dem (ikke oplyst for 1), ca. 2.300 beboere" in index


def test_the_public_site_leaves_out_contact_persons_and_the_att_line(run, filled, tmp_path):
    code, _, err = run("build", filled, "-o", tmp_path / "ud", "--public")
    assert code == 0, err
    text = _page_text(tmp_path / "ud" / "site" / "lille" / "samarbejdsaftale.html")
    assert "Nordvej 1" in text and "Projektleder" in text and "Selskabet administrerer" in text
    for personal in ("Anna Andersen", "anna@example.dk", "11223344", "Bent Berg", "Boligsocial chef"):
        assert personal not in text, personal
    assert "Kontaktpersoners navne, e-mailadresser og telefonnumre er udeladt" in text


def test_approximate_counts_print_with_ca_and_exact_sums_stay_exact(run, small_set, tmp_path):
    path = small_set / "samarbejdsaftale.yaml"
    edit(path, "      lejemaal: 244", "      lejemaal: {ca: 250}")
    edit(path, "  beboere: 1234", "  beboere: ikke oplyst")
    code, found = _findings(run, small_set)
    assert code == 0 and not [f for f in found if f["niveau"] != "info"], found
    code, _, err = run("build", small_set, "-o", tmp_path / "ud")
    assert code == 0, err
    lines = _body(tmp_path / "ud" / "lille" / "samarbejdsaftale.docx")
    assert ("Boligafdelinger i den boligsociale indsats (2 afdelinger, ca. 1.306 lejemål og et ikke oplyst antal "
            "beboere):") in lines
    assert "ca. 250" in lines and "ca. 1.306" in lines
    zone = next(t for t in docx.Document(str(tmp_path / "ud" / "lille" / "samarbejdsaftale.docx")).tables
                if t.rows[0].cells[0].text == "Zone")
    assert [c.text for c in zone.rows[1].cells] == ["Zone 1", "Nordparken, Sydparken", "ca. 1.306"]
    svg = (tmp_path / "ud" / "site" / "lille" / "grafer" / "organisationsdiagram.svg").read_text(encoding="utf-8")
    assert "ca. 1.306 lejemål" in html.unescape(svg)


def test_the_2015_18_form_prints_the_new_fields_too(run, tmp_path):
    folder = tmp_path / "vestparken"
    shutil.copytree(VESTPARKEN, folder)
    for file in folder.glob("*.yaml"):
        file.write_text(file.read_text(encoding="utf-8").replace("$schema=../../schemas/", f"$schema={ROOT}/schemas/"),
                        encoding="utf-8")
    path = folder / "samarbejdsaftale.yaml"
    edit(path, "    navn: Vestby Kommune\n    type: kommune\n", """    navn: Vestby Kommune
    type: kommune
    att: Socialforvaltningen
    adresse: |
      Rådhuspladsen 1
      9998 Vestby
    kontaktpersoner:
      - {navn: Carl Carlsen, titel: Konsulent}
    beskrivelse: |
      Kommunen leder bestyrelsen.[^leder]

      [^leder]: Aftalt i 2017.
""")
    edit(path, "      lejemaal: 224", "      lejemaal: {ca: 220}")
    edit(path, "  organer:\n", """  afsnit:
    - overskrift: Ledelsen
      tekst: Den daglige ledelse sidder i beboerhuset.
    - organ: bestyrelsen
    - tekst: Medarbejderne arbejder i begge afdelinger.
  organer:
""")
    code, found = _findings(run, folder)
    assert code == 0, found
    code, _, err = run("build", folder, "-o", tmp_path / "ud")
    assert code == 0, err
    word = tmp_path / "ud" / "vestparken" / "samarbejdsaftale.docx"
    lines = _body(word)
    _in_order(lines, "Vestby Kommune", "Att.: Socialforvaltningen", "Rådhuspladsen 1\n9998 Vestby",
              "Kontaktperson: Carl Carlsen, Konsulent", "Kommunen leder bestyrelsen.")
    assert "Aftalt i 2017." in footnotes(word)
    _in_order(lines, "2. Organisering", "Ledelsen", "Den daglige ledelse", "Bestyrelsen består af",
              "Medarbejderne arbejder i begge afdelinger.", "Medarbejdere", "3. Kort om boligområdet",
              "(2 afdelinger, ca. 608 lejemål og 1.480 beboere)", "ca. 220", "ca. 608")
    text = _page_text(tmp_path / "ud" / "site" / "vestparken" / "samarbejdsaftale.html")
    for shown in ("Att.: Socialforvaltningen", "Rådhuspladsen 1", "Carl Carlsen, Konsulent", "Aftalt i 2017.",
                  "Ledelsen", "Medarbejderne arbejder i begge afdelinger.", "ca. 608 lejemål"):
        assert shown in text, shown
    code, out, err = run("check-template", ROOT / "templates" / "samarbejdsaftale_2015_18.docx", "--kind",
                         "samarbejdsaftale", "--saet", folder)
    assert code == 0 and "Skabelonen passer" in out + err, err
    section = text[text.rindex("2. Organisering"):text.rindex("3. Kort om boligområdet")]
    assert section.index("Ledelsen") < section.index("Bestyrelsen består af") < section.index("Medarbejderne arbejder")


# ---------------------------------------------------------------- messages at their place


def _at(found: list[dict], words: str) -> list[tuple[int, int, str]]:
    return [(f["linje"], f["kolonne"], f["niveau"]) for f in found if words in f["besked"]]


def test_a_count_not_given_is_a_warning_at_the_count(run, filled):
    path = filled / "samarbejdsaftale.yaml"
    code, found = _findings(run, filled)
    assert code == 0
    line = line_of(path, "lejemaal: ikke oplyst")
    assert _at(found, "antal lejemål er ikke oplyst for afdelingen 'Sydparken', så lejemål i alt og i zonen 'Zone 2'") \
        == [(line, 17, "advarsel")]


def test_the_order_names_organs_and_zones_that_exist_once_each(run, filled):
    path = filled / "samarbejdsaftale.yaml"
    edit(path, "    - organ: bestyrelsen\n", "    - organ: bestyrelse\n")
    edit(path, "    - zone: zone-2\n", "    - zone: zone-1\n")
    code, found = _findings(run, filled)
    assert code == 1
    assert _at(found, "'bestyrelse' henviser ikke til et organ under organisering.organer; mente du 'bestyrelsen'?") \
        == [(line_of(path, "- organ: bestyrelse"), 14, "fejl")]
    lines = [n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "- zone: zone-1" in text]
    assert _at(found, "zonen 'zone-1' står allerede i organisering.afsnit (punkt 3)") == [(lines[1], 13, "fejl")]
    assert _at(found, "organisering.afsnit mangler organet 'bestyrelsen' og zonen 'zone-2'") \
        == [(line_of(path, "  afsnit:"), 3, "fejl")]


def test_an_item_of_the_order_is_one_thing(run, filled):
    path = filled / "samarbejdsaftale.yaml"
    edit(path, "    - organ: foelgegruppe\n", "    - organ: foelgegruppe\n      tekst: Og en tekst.\n")
    edit(path, "    - zone: zone-2\n", "    - zone: zone-2\n      overskrift: Syd\n")
    code, found = _findings(run, filled)
    assert code == 1
    both = line_of(path, "- organ: foelgegruppe")
    assert _at(found, "må kun have ét af felterne 'organ' og 'tekst'; del dem i hvert sit punkt") == [(both, 7, "fejl")]
    assert _at(found, "har 'overskrift' (Overskrift), men mangler 'tekst' (Tekst)") \
        == [(line_of(path, "overskrift: Syd"), 7, "fejl")]


def test_counts_and_target_groups_say_what_they_accept(run, small_set):
    path = small_set / "samarbejdsaftale.yaml"
    edit(path, "  beboere: 1234", "  beboere: mange")
    edit(path, "      lejemaal: 244", "      lejemaal: 0")
    edit(path, "      lejemaal: 1056", "      lejemaal: {ca: 1.100}")
    edit(path, "      antal: 75\n", "      antal_tekst: i området\n")
    code, found = _findings(run, small_set)
    assert code == 1
    assert _at(found, "«Antal beboere» (kort_om_boligomraadet.beboere) skal være et helt tal, ikke teksten 'mange'; "
                      "andre mulige former: {ca: …} eller 'ikke oplyst'") == [(line_of(path, "beboere: mange"), 12, "fejl")]
    assert _at(found, "(kort_om_boligomraadet.afdelinger.1.lejemaal) skal være mindst 1, ikke 0") \
        == [(line_of(path, "lejemaal: 0"), 17, "fejl")]
    assert _at(found, "«Ca.» (kort_om_boligomraadet.afdelinger.0.lejemaal.ca) er '1.100': skriv 1100") \
        == [(line_of(path, "lejemaal: {ca: 1.100}"), 22, "fejl")]
    assert _at(found, "har 'antal_tekst' (Tekst efter antallet), men mangler 'antal' (Antal i området)") \
        == [(line_of(path, "antal_tekst: i området"), 7, "fejl")]
    edit(path, "  beboere: mange", "  beboere: Ikke oplyst")
    code, found = _findings(run, small_set)
    assert _at(found, "'Ikke oplyst' er ikke en gyldig værdi for «Antal beboere»") and \
        _at(found, "mente du 'ikke oplyst'?")


def test_footnotes_in_the_new_texts_are_checked_like_every_text(run, filled):
    path = filled / "samarbejdsaftale.yaml"
    edit(path, "      [^adm]: Administrationsaftale fra 2020.\n", "")
    edit(path, "    - tekst: Lokalt mødes afdelingerne i to zoner.\n",
         "    - tekst: Lokalt mødes afdelingerne i to zoner.[^moede]\n")
    code, found = _findings(run, filled)
    assert code == 1
    assert _at(found, "fodnoten [^adm] har ingen tekst") == [(line_of(path, "administrerer begge"), 48, "fejl")]
    line = line_of(path, "[^moede]")
    column = path.read_text(encoding="utf-8").splitlines()[line - 1].index("[^moede]") + 1
    assert _at(found, "fodnoten [^moede] har ingen tekst") == [(line, column, "fejl")]


def test_a_note_under_the_goals_table_reaches_word_and_site(run, small_set, tmp_path):
    """A real agreement explains its baselines' labels at the head of the table (UP, AB): the note
    prints just above the table, with its footnote, in Word and on the site; the 2015-18 form has
    no such table, so there the field is refused, not lost."""
    note = ("maal_og_indikatorer_note: |\n  UP står for Nordbyen, AB for Sydbyen.[^kort]\n\n"
            "  [^kort]: Se kortet i afsnit 1.\n")
    edit(small_set / "samarbejdsaftale.yaml", "\nindsatsomraader:", "\n" + note + "indsatsomraader:")
    code, out, err = run("build", small_set, "-o", tmp_path / "ud")
    assert code == 0, err
    lines = _body(tmp_path / "ud" / "lille" / "samarbejdsaftale.docx")
    _in_order(lines, "5. Overordnede mål", "UP står for Nordbyen, AB for Sydbyen.", "Baseline boligområde",
              "6. Indsatsområder")
    assert "Se kortet i afsnit 1." in footnotes(tmp_path / "ud" / "lille" / "samarbejdsaftale.docx")
    page = _page_text(tmp_path / "ud" / "site" / "lille" / "samarbejdsaftale.html")
    body = page[page.rindex("5. Overordnede mål"):]  # after the page's table of contents
    assert 0 < body.index("UP står for Nordbyen, AB for Sydbyen.") < body.index("Baseline boligområde")
    assert "Se kortet i afsnit 1." in page

    folder = tmp_path / "vestparken"
    shutil.copytree(VESTPARKEN, folder)
    path = folder / "samarbejdsaftale.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\nindsatsomraader:", "\n" + note + "indsatsomraader:", 1),
                    encoding="utf-8")
    code, found = _findings(run, folder)
    assert code == 1 and any("maal_og_indikatorer_note" in f["besked"] for f in found), found


def test_zones_of_a_2015_18_set_without_an_order_are_refused_not_left_out(run, tmp_path):
    """The 2015-18 form prints zones only where organisering.afsnit places them: a set with zones
    and no afsnit would lose them without a word, so validate refuses them at 'zoner'."""
    folder = tmp_path / "vestparken"
    shutil.copytree(VESTPARKEN, folder)
    path = folder / "samarbejdsaftale.yaml"
    text = path.read_text(encoding="utf-8")
    assert "  afsnit:" not in text
    path.write_text(text.replace("  medarbejdere:\n", "  zoner:\n    - id: nord\n      navn: Nord\n"
                                 "      beskrivelse: Den nordlige del.\n      afdelinger: [parkvej]\n  medarbejdere:\n", 1),
                    encoding="utf-8")
    code, found = _findings(run, folder)
    line = line_of(path, "  zoner:")
    assert code == 1 and [(f["linje"], f["kolonne"]) for f in found if "zonerne kommer kun med" in f["besked"]] == [(line, 3)], found
