"""Room for what real delaftaler say (issue 16): a purpose text, the paragraph before the list of
activities, staff prose, several contact people, a party's units, a responsibility that is no
party and a delmål without indicators, each read back from the Word file and the site in order."""
from __future__ import annotations

import re

import pytest
from conftest import edit, line_of
from docx_reader import all_text, footnotes

from aftaler.cli import main

DELAFTALE = "delaftale-beskaeftigelse.yaml"
PARTY = """  - id: jobcenter
    organisation: Jobcenter Testby
    kontaktperson:
      navn: Xxxx Xxxx
      titel: leder
      email: xxxx@xx.xx
"""
RICH_PARTY = PARTY + """    kontaktpersoner:
      - navn: Yyyy Yyyy
        titel: konsulent
        telefon: "12 34 56 78"
    enheder:
      - navn: Ungeenheden
        kontaktpersoner:
          - navn: Zzzz Zzzz
            titel: teamleder
        tekst: Enheden tager imod de unge, caféen sender videre.
      - navn: Virksomhedsservice
    beskrivelse: |
      Jobcentret stiller to vejledere til rådighed hver uge.[^aftale]

      [^aftale]: Aftalt på styregruppemødet i marts.
  - id: kommune
    organisation: Testby Kommune
"""
EXTRA = """formaal: |
  Delaftalen samler arbejdet med unges vej til job i Testby.
"""
INTRO = """aktiviteter_indledning: |
  Begge aktiviteter bygger på erfaringer fra den forrige plan.
medarbejderressourcer_tekst: |
  Caféen bemandes af en jobkonsulent på fuld tid.
"""
GOALS = """delmaal:
  - id: flere-i-job
"""
NO_INDICATORS = """  - id: flere-i-praktik
    delmaal: Flere unge kommer i praktik
"""
ROLE = """      - part: jobcenter
        opgaver: [Stille vejledere til rådighed]
"""
LABEL = ROLE + """      - ansvarlig: Boligorganisationernes ejendomsdrift
        opgaver: [Melde ledige praktikpladser]
"""


@pytest.fixture
def rich(small_set, monkeypatch):
    """The small set with every new delaftale field written."""
    monkeypatch.chdir(small_set.parent)
    path = small_set / DELAFTALE
    edit(path, PARTY, RICH_PARTY)
    # the optional top-level fields at the end: the YAML order does not decide the form's order
    with path.open("a", encoding="utf-8") as f:
        f.write(EXTRA + INTRO)
    edit(path, "aktiviteter:\n", NO_INDICATORS + "aktiviteter:\n")
    edit(path, ROLE, LABEL)
    edit(path, "    delmaal: Flere unge kommer i job\n", "    delmaal: Flere unge kommer i job\n    fodnote: Målet er sat af styregruppen.\n")
    edit(path, "        indikator: Andel unge i job efter forløb\n",
         "        indikator: Andel unge i job efter forløb\n        fodnote: Opgjort ved forløbets afslutning & *ikke* før.\n")
    return small_set


def _validate(capsys, folder):
    capsys.readouterr()
    code = main(["validate", str(folder)])
    return code, [line for line in capsys.readouterr().err.splitlines() if ": fejl: " in line or ": advarsel: " in line]


def test_every_new_field_reaches_the_word_file_in_the_forms_order(rich, tmp_path):
    assert main(["build", str(rich), "-o", str(tmp_path / "ud")]) == 0
    docx = tmp_path / "ud" / "lille" / "delaftale-beskaeftigelse.docx"
    text = all_text(docx)
    wanted = [
        "Jobcenter Testby v. Xxxx Xxxx, leder, xxxx@xx.xx; Yyyy Yyyy, konsulent, tlf. 12 34 56 78",
        "Ungeenheden v. Zzzz Zzzz, teamleder",
        "Enheden tager imod de unge, caféen sender videre.",
        "Virksomhedsservice",
        "Jobcentret stiller to vejledere til rådighed hver uge.",
        "Testby Kommune",
        "Formål med delaftalen:",
        "Delaftalen samler arbejdet med unges vej til job i Testby.",
        "Flere unge kommer i job",
        "Flere unge kommer i praktik",
        "Begge aktiviteter bygger på erfaringer fra den forrige plan.",
        "Jobcafé",
        "Caféen bemandes af en jobkonsulent på fuld tid.",
        "Sammenhæng med den kommunale indsats",
        "Boligorganisationernes ejendomsdrift:",
        "Melde ledige praktikpladser",
    ]
    places = [text.find(w) for w in wanted]
    assert all(p >= 0 for p in places), [w for w, p in zip(wanted, places) if p < 0]
    assert places == sorted(places), "out of order: " + ", ".join(
        w for w, a, b in zip(wanted[1:], places, places[1:]) if b < a)
    # footnotes in a party's text and in the delmål table's cells are real Word footnotes, in order
    assert footnotes(docx) == ["Aftalt på styregruppemødet i marts.", "Målet er sat af styregruppen.",
                               "Opgjort ved forløbets afslutning & *ikke* før."]


def test_every_new_field_reaches_the_site(rich, tmp_path):
    assert main(["build", str(rich), "-o", str(tmp_path / "ud")]) == 0
    [page] = [p for p in (tmp_path / "ud").rglob("*.html") if "delaftale-beskaeftigelse" in p.name]
    html = re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8"))
    for wanted in ["Yyyy Yyyy", "Ungeenheden", "Zzzz Zzzz", "Enheden tager imod de unge, caféen sender videre.",
                   "Virksomhedsservice", "Jobcentret stiller to vejledere til rådighed hver uge.",
                   "Aftalt på styregruppemødet i marts.", "Formål med delaftalen",
                   "Delaftalen samler arbejdet med unges vej til job i Testby.", "Flere unge kommer i praktik",
                   "Begge aktiviteter bygger på erfaringer fra den forrige plan.",
                   "Caféen bemandes af en jobkonsulent på fuld tid.", "Boligorganisationernes ejendomsdrift",
                   "Målet er sat af styregruppen.", "Opgjort ved forløbets afslutning &amp; *ikke* før."]:
        assert wanted in html, wanted
    assert html.count("Opgjort ved forløbets afslutning") == 1 and "[^" not in html


def test_a_delmaal_without_indicators_is_a_warning_at_its_place(rich, capsys):
    code, lines = _validate(capsys, rich)
    line = line_of(rich / DELAFTALE, "delmaal: Flere unge kommer i praktik")
    assert code == 0 and lines == [
        f"lille/{DELAFTALE}:{line}:14: advarsel: delmålet «Flere unge kommer i praktik» har ingen indikatorer; "
        "tilføj mindst én, så delmålet kan følges op"]


def test_a_role_with_both_a_party_and_a_label_is_an_error(rich, capsys):
    edit(rich / DELAFTALE, "      - ansvarlig: Boligorganisationernes ejendomsdrift\n",
         "      - ansvarlig: Boligorganisationernes ejendomsdrift\n        part: jobcenter\n")
    code, lines = _validate(capsys, rich)
    line = line_of(rich / DELAFTALE, "ansvarlig: Boligorganisationernes")
    assert code == 1 and f"lille/{DELAFTALE}:{line}:20: fejl: skriv enten 'part'" in "\n".join(lines)


def test_a_role_with_neither_is_refused_by_the_schema(rich, capsys):
    edit(rich / DELAFTALE, "      - ansvarlig: Boligorganisationernes ejendomsdrift\n        opgaver:",
         "      - opgaver:")
    code, lines = _validate(capsys, rich)
    assert code == 1 and any(f"lille/{DELAFTALE}:" in line and "part" in line and "ansvarlig" in line
                             for line in lines), lines
