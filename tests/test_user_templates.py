"""A secretariat's own form as template: tags typed into the form's text the way a user types them
in Word (split across runs by editing, in tables, headers and footers), checked by check-template
and built. Every mistake the issue names is made once and must be said in Danish, at its place in
Word, without Jinja's English and without an exit code of 3."""
from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.shared import Pt

from conftest import edit
from docx_reader import all_text, part_paragraphs

JINJA_ENGLISH = ("has no attribute", "is undefined", "Unexpected", "Encountered", "expected token",
                 "den samlede tekst", "Traceback", "intern fejl")


def typed(paragraph, *pieces, bold_every_other: bool = True):
    """Text typed in pieces, each its own run: how Word stores a tag after a correction, an
    autocorrect or a change of formatting in the middle of it."""
    for i, piece in enumerate(pieces):
        run = paragraph.add_run(piece)
        run.bold = bold_every_other and i % 2 == 1
        run.font.size = Pt(10 + i % 2)
    return paragraph


def form(path: Path, body, table_rows=(), header=(), footer=()) -> Path:
    """A form like LBF's: a title, body paragraphs, one table, a header and a footer, each given
    as lists of run pieces."""
    doc = Document()
    doc.add_heading("Delaftale for indsatsområdet", level=1)
    doc.add_paragraph("Skemaet udfyldes af boligorganisationen og kommunen i fællesskab.")
    for pieces in body:
        typed(doc.add_paragraph(), *pieces)
    if table_rows:
        table = doc.add_table(rows=len(table_rows), cols=max(len(r) for r in table_rows))
        for r, row in enumerate(table_rows):
            for c, pieces in enumerate(row):
                cell = table.cell(r, c)
                cell.paragraphs[0].text = ""
                typed(cell.paragraphs[0], *pieces)
    section = doc.sections[0]
    for pieces in header:
        typed(section.header.add_paragraph(), *pieces)
    for pieces in footer:
        typed(section.footer.add_paragraph(), *pieces)
    doc.save(path)
    return path


GOOD_TABLE = [
    [["Indikator"], ["Baseline"], ["Delmål"]],
    [["{%tr for r in delmaalsraekker %}"], [""], [""]],
    [["{{ r.indi", "kator }}"],
     ["{% for v in r.baseline_vaerdier %}{% if v.betegnelse %}{{ v.betegnelse }}: {% endif %}{{ v.vaerdi_tekst }}"
      "{% endfor %}"],
     ["{{ r.delmaal }}"]],
    [["{%tr endfor %}"], [""], [""]],
]


def good_form(path: Path) -> Path:
    return form(path,
                body=[["Titel: {{ ti", "tel }}"],
                      ["Periode: {{ periode", "_tekst }}"],
                      ["{{ sammenhaeng_kommunal|md }}"],
                      ["{% for a in aktiviteter %}"], ["Aktivitet: {{ a.navn }}"], ["{{ a.indhold|md }}"],
                      ["{% endfor %}"],
                      ["{% for p in parter %}{{ p.visningsnavn }}{% if p.kontaktperson %} v. {{ p.kontaktperson.navn }}"
                       "{% endif %}{% endfor %}"],
                      ["Enhed: [{{ parter[0].enhed }}] [{{ parter[0].enhed|dato }}] [{{ parter[0].enhed|tal }}]"]],
                table_rows=GOOD_TABLE,
                header=[["{{ na", "vn }}"]],
                footer=[["{{ indsatsomraade_", "navn }} – {{ periode_tekst }}"]])


def test_a_form_tagged_by_hand_fits_and_says_what_was_checked(run, tmp_path, small_set):
    template = good_form(tmp_path / "lbf-delaftale.docx")
    code, _, err = run("check-template", template, "--kind", "delaftale", "--saet", small_set)
    assert code == 0, err
    assert "Skabelonen passer:" in err and "i 1 tabel" in err and "kontrolleret" in err
    count = int(err.split("Skabelonen passer: ")[1].split(" ")[0])
    assert count >= 12  # titel, periode_tekst, … r.indikator, v.betegnelse, p.kontaktperson.navn, …


def test_the_form_builds_with_raw_values_and_no_none(run, tmp_path, small_set):
    edit(small_set / "delaftale-beskaeftigelse.yaml", "          - vaerdi: 12.5\n",
         "          - vaerdi: 12.5\n            betegnelse: UP\n")
    template = good_form(tmp_path / "lbf-delaftale.docx")
    code, _, err = run("build", small_set, "-o", tmp_path / "ud", "--skabelon", f"delaftale={template}")
    assert code == 0, err
    built = tmp_path / "ud/lille/delaftale-beskaeftigelse.docx"
    text = all_text(built)
    assert "Titel: Delaftale for indsatsområdet Beskæftigelse" in text
    assert "UP: 12,5 %" in text  # the form's own way of writing a value, from the raw fields
    assert "Enhed: [] [] []" in text and "None" not in text  # a field left empty prints as nothing
    assert "Jobcenter Testby v. Xxxx Xxxx" in text
    assert "**" not in text and "{{" not in text and "{%" not in text
    headers = [p for name in ("word/header1.xml", "word/header2.xml") for p in _maybe(built, name)]
    footers = [p for name in ("word/footer1.xml", "word/footer2.xml") for p in _maybe(built, name)]
    # The header's and footer's tags, typed in pieces, are filled like the body's.
    assert "Boligsocial indsats i Testby" in headers, headers
    assert "Beskæftigelse – januar 2024 – 31. december 2027" in footers, footers
    assert not any("{" in p for p in headers + footers), headers + footers


def _maybe(path: Path, part: str) -> list[str]:
    try:
        return part_paragraphs(path, part)
    except KeyError:
        return []


def mistakes_form(path: Path) -> Path:
    return form(path,
                body=[["Titel: {{ ti", "tl }}"],                                          # misspelt name
                      ["Formål: {{ aktiviteter[0].formaal|md }}"],                         # |md not alone
                      ["{{ revision }}"],                                                  # Markdown without |md
                      ["{% if parter|length > 99 %}{{ kontaktperson_for_lbf }}{% endif %}"],  # a branch no example reaches
                      ["Beløb: {{ lejemaal_i_alt|tal }}"],                                 # issue 14: was exit 3
                      ["{%tr for a in aktiviteter %}"], ["{{ a.navn }}"], ["{%tr endfor %}"],  # a row tag outside a row
                      ["{{ titel|fed }}"]],                                                # an unknown filter
                table_rows=[[["Aktivitet"], ["Formål"]],
                            [["{% for a in aktiviteter %}{{ a.nav", "m }}"], ["{{ a.formaal }}{% endfor %}"]]],
                header=[["{% for p in parter %}{{ p.visningsnavn }}"]],                     # never closed
                footer=[["{{ navn.forkortelse }}"]])                                       # a field of a text


def test_every_mistake_is_said_in_danish_at_its_place_in_word(run, tmp_path, small_set):
    template = mistakes_form(tmp_path / "fejl.docx")
    code, _, err = run("check-template", template, "--kind", "delaftale", "--saet", small_set)
    assert code == 1, err
    lines = err.splitlines()

    def line(*fragments):
        found = [x for x in lines if all(f in x for f in fragments)]
        assert found, f"no line with {fragments} in:\n{err}"
        return found[0]

    line("afsnit 3", "'titl'", "mente du 'titel'")
    line("afsnit 4", "aktiviteter.0.formaal", "|md", "alene i sit afsnit")
    line("afsnit 5", "'revision'", "Markdown", "|md")
    line("afsnit 6", "'kontaktperson_for_lbf'", "findes ikke")
    line("afsnit 7", "'lejemaal_i_alt'", "findes ikke")
    line("afsnit 8", "{%tr", "tabelrække")
    line("afsnit 11", "'|fed'", "findes ikke")
    line("tabel 1, række 2, celle 1", "'a.navm'", "mente du 'navn'")
    line("tabel 1, række 2, celle 2", "'a.formaal'", "Markdown")
    line("sidehoved", "{% for", "lukkes aldrig", "{% endfor %}")
    line("sidefod", "'navn.forkortelse'", "en tekst")
    assert not any(english in err for english in JINJA_ENGLISH), err
    assert "Skabelonen passer" not in err


def test_a_null_parent_is_said_to_be_empty_not_missing(run, tmp_path, small_set):
    edit(small_set / "delaftale-beskaeftigelse.yaml",
         "    kontaktperson:\n      navn: Xxxx Xxxx\n      titel: leder\n      email: xxxx@xx.xx\n", "")
    template = form(tmp_path / "kontakt.docx", body=[["{% for p in parter %}Kontakt: {{ p.kontaktperson.navn }}"
                                                      "{% endfor %}"]])
    code, _, err = run("check-template", template, "--kind", "delaftale", "--saet", small_set)
    assert code == 1, err
    assert "'p.kontaktperson' er tom (null)" in err and "delaftale-beskaeftigelse.yaml" in err, err
    assert "findes ikke" not in err
    code, _, err = run("build", small_set, "-o", tmp_path / "ud", "--skabelon", f"delaftale={template}")
    assert code == 1 and "tomt (null)" in err and "afsnit 3" in err, err
    assert f"tomt (null) i {small_set.name}/delaftale-beskaeftigelse.yaml" in err, err  # the file to look in
    assert not any(english in err for english in JINJA_ENGLISH), err
    guarded = form(tmp_path / "kontakt-ok.docx", body=[["{% for p in parter %}{% if p.kontaktperson %}Kontakt: "
                                                        "{{ p.kontaktperson.navn }}{% endif %}{% endfor %}"]])
    code, _, err = run("check-template", guarded, "--kind", "delaftale", "--saet", small_set)
    assert code == 0, err
    defaulted = form(tmp_path / "kontakt-default.docx",
                     body=[["{% for p in parter %}{{ p.kontaktperson.navn|default('ingen') }}{% endfor %}"]])
    code, _, err = run("check-template", defaulted, "--kind", "delaftale", "--saet", small_set)
    assert code == 0, err
    code, _, err = run("build", small_set, "-o", tmp_path / "ud-default", "--skabelon", f"delaftale={defaulted}")
    assert code == 0, err


def test_the_build_says_where_in_word_terms(run, tmp_path, small_set):
    misspelt = form(tmp_path / "stavefejl.docx", body=[["Indledning"]],
                    table_rows=[[["Aktivitet"], ["Formål"]], [["{% for a in aktiviteter %}{{ a.navn }}"],
                                                               ["{{ a.formal }}{% endfor %}"]]])
    code, _, err = run("build", small_set, "-o", tmp_path / "ud1", "--skabelon", f"delaftale={misspelt}")
    assert code == 1
    assert "'formal'" in err and "tabel 1, række 2, celle 2" in err, err
    unclosed = form(tmp_path / "aaben.docx", body=[["{% for a in aktiviteter %}{{ a.navn }}"]], footer=[["{{ navn }}"]])
    code, _, err = run("build", small_set, "-o", tmp_path / "ud2", "--skabelon", f"delaftale={unclosed}")
    assert code == 1 and "afsnit 3" in err and "lukkes aldrig" in err, err
    assert not any(english in err for english in JINJA_ENGLISH), err
    row_tag = form(tmp_path / "tr.docx", body=[["{%tr for a in aktiviteter %}"], ["{{ a.navn }}"], ["{%tr endfor %}"]])
    code, _, err = run("build", small_set, "-o", tmp_path / "ud3", "--skabelon", f"delaftale={row_tag}")
    assert code == 1 and "afsnit 3" in err and "skal stå i en tabelrække" in err, err
    assert not any(english in err for english in JINJA_ENGLISH), err
    assert not (tmp_path / "ud1/lille/delaftale-beskaeftigelse.docx").exists()


def test_a_tag_split_by_word_over_runs_is_read_whole(run, tmp_path, small_set):
    """Word splits '{{ titel }}' into runs '{{ ti', 'tel', ' }}' after a spelling correction."""
    template = form(tmp_path / "split.docx", body=[["{{", " ti", "tel", " }}"], ["{%", " if revision %}Revision:",
                                                                               " ja{% endif %}"]])
    code, _, err = run("check-template", template, "--kind", "delaftale", "--saet", small_set)
    assert code == 0, err
    code, _, err = run("build", small_set, "-o", tmp_path / "ud", "--skabelon", f"delaftale={template}")
    assert code == 0, err
    text = all_text(tmp_path / "ud/lille/delaftale-beskaeftigelse.docx")
    assert "Delaftale for indsatsområdet Beskæftigelse" in text and "Revision: ja" in text


def test_check_template_never_exits_3_for_a_templates_mistake(run, tmp_path, small_set):
    """Issue 14: a file that is no Word file, a tag fetching another template, a tag Jinja cannot
    read, filters on missing fields: each is the template's mistake (exit 1), said in Danish."""
    not_word = tmp_path / "ikke-word.docx"
    not_word.write_text("dette er ikke en Word-fil", encoding="utf-8")
    fetching = form(tmp_path / "include.docx", body=[["{% include 'andet.docx' %}"]])
    unreadable = form(tmp_path / "ulaeselig.docx", body=[["{{ titel | }}"], ["{% if %}x{% endif %}"]])
    filters = form(tmp_path / "filtre.docx", body=[["{{ ukendt|tal }} {{ ukendt2|procent(0) }} {{ titel|tal }}"]])
    for template, said in ((not_word, "ikke en Word-fil"), (fetching, "andre skabeloner"),
                           (unreadable, "afsnit 3"), (filters, "'ukendt2' findes ikke")):
        code, _, err = run("check-template", template, "--kind", "delaftale", "--saet", small_set)
        assert code == 1 and said in err, (template.name, err)
        assert not any(english in err for english in JINJA_ENGLISH), err
    code, _, err = run("check-template", filters, "--kind", "delaftale", "--saet", small_set)
    assert "'|tal' skriver et tal, men 'titel' er en tekst" in err, err


def test_the_build_names_a_block_field_that_is_not_alone(run, tmp_path, small_set):
    template = form(tmp_path / "md.docx", body=[["Formål: {{ sammenhaeng_", "kommunal|md }}"]])
    code, _, err = run("build", small_set, "-o", tmp_path / "ud", "--skabelon", f"delaftale={template}")
    assert code == 1 and "alene i sit afsnit" in err, err
    assert "afsnit 3" in err and "{{ sammenhaeng_kommunal|md }}" in err, err


def test_every_document_of_the_kind_is_checked_not_only_the_first(run, tmp_path):
    """amager has four delaftaler; an indicator's 'maal' is null only in the third. A template
    that reads it unguarded is told so, naming that document; guarded, it fits."""
    amager = Path(__file__).resolve().parent.parent / "agreements/amager"
    loop = "{% for d in delmaal %}{% for i in d.indikatorer %}"
    unguarded = form(tmp_path / "maal.docx", body=[[loop, "Mål: {{ i.maal.vaerdi }}{% endfor %}{% endfor %}"]])
    code, _, err = run("check-template", unguarded, "--kind", "delaftale", "--saet", amager)
    assert code == 1, err
    assert "'i.maal' er tom (null) i delaftale-sammenhaengskraft-og-medborgerskab.yaml" in err, err
    assert "afsnit 3" in err and "{% if i.maal %}" in err, err
    code, _, err = run("build", amager, "-o", tmp_path / "ud", "--skabelon", f"delaftale={unguarded}")
    assert code == 1 and "tomt (null)" in err and "afsnit 3" in err, err
    assert "tomt (null) i amager/delaftale-sammenhaengskraft-og-medborgerskab.yaml" in err, err
    assert not any(english in err for english in JINJA_ENGLISH), err
    guarded = form(tmp_path / "maal-ok.docx",
                   body=[[loop, "{% if i.maal %}Mål: {{ i.maal.vaerdi }}{% endif %}{% endfor %}{% endfor %}"]])
    code, _, err = run("check-template", guarded, "--kind", "delaftale", "--saet", amager)
    assert code == 0, err
    assert "Skabelonen passer: 4 felter i 1 afsnit med felter kontrolleret mod modellen for 'delaftale'" in err, err


def test_a_misspelt_name_in_a_template_gets_the_models_closest_name(run, tmp_path, small_set):
    """The build names the model's own word for a near miss, at any depth; a name like none
    of them gets no guess."""
    typo = form(tmp_path / "stavefejl.docx", body=[["Aftale: {{ titlen }}"],
                                                   ["{% for p in parter %}{{ p.kontaktperson.nvan }}{% endfor %}"]])
    code, _, err = run("build", small_set, "-o", tmp_path / "ud", "--skabelon", f"delaftale={typo}")
    assert code == 1, err
    assert "skabelonen bruger 'titlen', som modellen ikke har; mente du 'titel'" in err, err
    assert not (tmp_path / "ud").exists()
    deep = form(tmp_path / "dyb.docx", body=[["{% for p in parter %}{{ p.kontaktperson.nvan }}{% endfor %}"]])
    code, _, err = run("build", small_set, "-o", tmp_path / "ud", "--skabelon", f"delaftale={deep}")
    assert code == 1 and "'nvan', som modellen ikke har; mente du 'navn'" in err, err
    unlike = form(tmp_path / "fremmed.docx", body=[["{{ zzqqxx }}"]])
    code, _, err = run("build", small_set, "-o", tmp_path / "ud", "--skabelon", f"delaftale={unlike}")
    assert code == 1 and "'zzqqxx', som modellen ikke har" in err and "mente du" not in err, err
