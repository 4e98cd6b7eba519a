"""Build real sets and read the Word files back: every value there, Danish style, identical bytes."""
from __future__ import annotations

import re
import zipfile

import pytest
import yaml

from conftest import ROOT, edit
import docx_reader
from docx_reader import all_text, footnotes, tables

# Values that are references, ids or codes, not text a reader sees.
NOT_SHOWN = {"id", "boligorganisation", "part", "aktivitet", "indsatsomraade", "omraade", "indikator", "gruppe",
             "medarbejder", "type", "stilling", "pulje", "lokale_regler", "under", "enhed", "noter", "fra", "til",
             "afdelinger", "antal_enhed"}
MARKDOWN = {"tekst", "problemkompleks", "lokal_evaluering", "formaal", "maalgrupper", "indhold",
            "sammenhaeng_kommunal", "revision", "beskrivelse"}


def shown_texts(data):
    """(key, text) for every string the document must show (see docx_reader.shown_texts)."""
    return docx_reader.shown_texts(data, not_shown=NOT_SHOWN, markdown=MARKDOWN)


@pytest.fixture(scope="module")
def built_small(tmp_path_factory):
    from aftaler.cli import main
    out = tmp_path_factory.mktemp("ud")
    assert main(["build", str(ROOT / "tests/sets/lille"), "-o", str(out)]) == 0
    return out / "lille"


def test_every_text_value_is_in_the_word_files(built_small):
    for source in sorted((ROOT / "tests/sets/lille").glob("*.yaml")):
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
        docx = built_small / f"{source.stem}.docx"
        if not docx.exists() and source.stem == "maalinger":
            continue  # measurements are data for the status note, not a document of their own
        text = all_text(docx)
        missing = [(k, t) for k, t in shown_texts(data) if t not in text]
        assert not missing, f"{docx.name} mangler {missing[:5]}"


def test_literal_template_syntax_and_special_characters_survive(built_small):
    text = all_text(built_small / "samarbejdsaftale.docx")
    assert "Alle børn skal have {{ gode }} chancer." in text
    assert "Boligselskabet A & Søn <test>" in text


def test_footnotes_are_real_word_footnotes(built_small):
    notes = footnotes(built_small / "samarbejdsaftale.docx")
    assert notes == ["Boligsociale data, 2023.", "Boligsociale data, 2020."]
    with zipfile.ZipFile(built_small / "samarbejdsaftale.docx") as z:
        body = z.read("word/document.xml").decode()
    assert body.count("<w:footnoteReference") == 2


def test_a_value_ending_in_a_caret_keeps_its_footnote(small_set, tmp_path):
    """A table value with a note (`|fodnote`) that ends in "^": "…^[^1]" must not read as an inline
    footnote (found by test_properties: the "^" and the note were lost)."""
    from aftaler.cli import main
    delaftale = small_set / "delaftale-beskaeftigelse.yaml"
    edit(delaftale, "    delmaal: Flere unge kommer i job\n",
         '    delmaal: "Flere unge i job, ^ og ^[ikke en note]^"\n    fodnote: Delmålets egen note.\n')
    assert main(["build", str(small_set), "-o", str(tmp_path / "ud")]) == 0
    docx = tmp_path / "ud" / small_set.name / "delaftale-beskaeftigelse.docx"
    assert "Flere unge i job, ^ og ^[ikke en note]^" in all_text(docx)
    assert "Delmålets egen note." in footnotes(docx)
    page = (tmp_path / "ud" / "site" / small_set.name / "delaftale-beskaeftigelse.html").read_text(encoding="utf-8")
    assert "Flere unge i job, ^ og ^[ikke en note]^" in page


def test_numbers_and_dates_in_danish_style(built_small):
    text = all_text(built_small / "samarbejdsaftale.docx")
    assert "1.300" in text and "1.056" in text          # lejemål, computed total and a line
    assert "1. januar 2024 – 31. december 2027" in text
    assert "89,2 %" in text and "19,3 % (75 unge)" in text
    assert "2,0 %" in text            # the author's precision is kept: 2.0 is not shown as 2
    budget = all_text(built_small / "budget.docx")
    assert "2.464" in budget and "32 %" in budget


def test_computed_totals_are_in_the_tables(built_small):
    [*_, afdelinger] = [t for t in tables(built_small / "samarbejdsaftale.docx") if t[0][:2] == ["Nr.", "Afdeling"]]
    assert afdelinger[-1][1:] == ["I alt", "", "1.300"]
    zones = next(t for t in tables(built_small / "samarbejdsaftale.docx") if t[0][0] == "Zone")
    assert zones[1] == ["Zone 1", "Nordparken, Sydparken", "1.300"]


def test_staff_shares_come_from_one_source(built_small):
    delaftale = all_text(built_small / "delaftale-beskaeftigelse.docx")
    assert "Boligsocial medarbejder 1: 60 % Jobcafé, 40 % delaftalen Beskæftigelse" in delaftale
    assert "Boligsocial medarbejder 1: tiden fordeles med 60 % Jobcafé" in all_text(built_small / "budget.docx")


def test_delaftale_name_comes_from_the_agreement(built_small):
    text = all_text(built_small / "delaftale-beskaeftigelse.docx")
    assert "Delaftale for indsatsområdet Beskæftigelse" in text
    assert "Boligsocial indsats i Testby" in text


def test_two_builds_are_byte_identical(tmp_path):
    from aftaler.cli import main
    for name in ("a", "b"):
        assert main(["build", str(ROOT / "tests/sets/lille"), "-o", str(tmp_path / name)]) == 0
    # The hidden manifest is the build's bookkeeping (it records file times), not an output.
    files = sorted(p.name for p in (tmp_path / "a" / "lille").iterdir() if not p.name.startswith(".aftaler"))
    assert files
    for name in files:
        assert (tmp_path / "a/lille" / name).read_bytes() == (tmp_path / "b/lille" / name).read_bytes(), name


def test_files_record_their_sources(built_small):
    with zipfile.ZipFile(built_small / "delaftale-beskaeftigelse.docx") as z:
        custom = z.read("docProps/custom.xml").decode()
    assert "lille/delaftale-beskaeftigelse.yaml" in custom
    assert re.search(r"sha256:[0-9a-f]{64}", custom)


def test_no_template_tags_left(built_small):
    for docx in built_small.glob("*.docx"):
        text = all_text(docx)
        assert "{%" not in text.replace("{% %}", "") and "\ue000" not in text, docx.name


def test_a_source_change_changes_the_hash(small_set, tmp_path):
    from aftaler.cli import main
    assert main(["build", str(small_set), "-o", str(tmp_path / "a")]) == 0
    edit(small_set / "delaftale-beskaeftigelse.yaml", "Jobcentrets kerneopgave.", "Jobcentrets opgave.")
    assert main(["build", str(small_set), "-o", str(tmp_path / "b")]) == 0
    a = zipfile.ZipFile(tmp_path / "a/lille/samarbejdsaftale.docx").read("docProps/custom.xml")
    b = zipfile.ZipFile(tmp_path / "b/lille/samarbejdsaftale.docx").read("docProps/custom.xml")
    assert a != b
