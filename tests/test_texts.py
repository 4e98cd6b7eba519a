"""Text that would be lost or changed without a word gets a message at its place (check/texts.py)."""
from __future__ import annotations

import shutil

import pytest
from conftest import SETS, edit, line_of

from aftaler.cli import main

TEXT = "    Området har to afdelinger med **mange** børnefamilier.[^kilde]\n"


@pytest.fixture
def lille(tmp_path, monkeypatch):
    shutil.copytree(SETS / "lille", tmp_path / "lille")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "lille"


def validate(capsys, folder) -> tuple[int, list[str]]:
    capsys.readouterr()
    code = main(["validate", str(folder)])
    return code, [line for line in capsys.readouterr().err.splitlines() if ": fejl: " in line or ": advarsel: " in line]


def test_a_footnote_no_reference_uses_is_an_error_at_its_definition(lille, capsys):
    edit(lille / "samarbejdsaftale.yaml", TEXT, TEXT.replace("[^kilde]", ""))
    code, lines = validate(capsys, lille)
    line = line_of(lille / "samarbejdsaftale.yaml", "[^kilde]: Boligsociale")
    assert code == 1 and lines == [f"lille/samarbejdsaftale.yaml:{line}:5: fejl: fodnoten [^kilde] bruges ikke i "
                                   "teksten, så dens tekst ville blive tabt; sæt [^kilde] ind, hvor den hører til, "
                                   "eller slet definitionen"]


@pytest.mark.parametrize("reference", ["[^mangler]", "[^2]", "[^kilde-2]"])
def test_a_reference_without_a_definition_is_an_error_at_the_reference(lille, capsys, reference):
    edit(lille / "samarbejdsaftale.yaml", TEXT, TEXT.replace("børnefamilier.", f"børnefamilier{reference}."))
    code, lines = validate(capsys, lille)
    line = line_of(lille / "samarbejdsaftale.yaml", reference)
    assert code == 1 and len(lines) == 1 and lines[0].startswith(f"lille/samarbejdsaftale.yaml:{line}:")
    assert f"fodnoten {reference} har ingen tekst" in lines[0]


def test_footnote_syntax_in_a_plain_field_is_a_warning(lille, capsys):
    edit(lille / "samarbejdsaftale.yaml", "omraadets_navn: Boligsocial indsats i Testby",
         "omraadets_navn: Boligsocial indsats i Testby[^1]")
    code, lines = validate(capsys, lille)
    assert code == 0 and any("fodnoter ([^…]) virker kun i tekstfelter" in line for line in lines), lines


@pytest.mark.parametrize("marker", ["1.", "1)", "-", "*", "+"])
def test_a_line_that_would_start_a_list_inside_a_paragraph_is_a_warning(lille, capsys, marker):
    edit(lille / "samarbejdsaftale.yaml", TEXT,
         "    Området har to afdelinger med mange børnefamilier, som BL –\n"
         f"    {marker} kreds og kommunen kender.[^kilde]\n")
    code, lines = validate(capsys, lille)
    line = line_of(lille / "samarbejdsaftale.yaml", f"{marker} kreds")
    assert code == 0 and len(lines) == 1 and lines[0].startswith(f"lille/samarbejdsaftale.yaml:{line}:5: advarsel: ")
    assert f"linjen begynder med '{marker}'" in lines[0]


@pytest.mark.parametrize("text", [
    "    Sådan:\n\n    1. først\n    2. så[^kilde]\n",  # a list after a blank line is meant
    "    Der er 2. generation i området.[^kilde]\n",  # not at the start of a line
    "    Vi har\n    2. kreds med.[^kilde]\n",  # CommonMark: only a list that starts with 1 interrupts a paragraph
])
def test_lists_that_are_meant_or_no_lists_pass(lille, capsys, text):
    edit(lille / "samarbejdsaftale.yaml", TEXT, text)
    code, lines = validate(capsys, lille)
    assert code == 0 and lines == []


def test_the_examples_hold_no_such_text(capsys):
    code, lines = validate(capsys, "agreements")
    assert code == 0 and not [line for line in lines if "liste midt i afsnittet" in line or "fodnote" in line]


def test_a_comma_in_a_flow_mapping_is_explained(lille, capsys):
    edit(lille / "samarbejdsaftale.yaml", "    - id: afd-syd\n      navn: Sydparken\n      boligorganisation: bo-a\n"
                                        "      lejemaal: 244\n",
         "    - {id: afd-syd, navn: Sydparken, heraf 30 i blokke, der rives ned, boligorganisation: bo-a, lejemaal: 244}\n")
    code, lines = validate(capsys, lille)
    assert code == 1 and any("står der et komma i en tekst i {…}?" in line and "'der rives ned'" in line
                             for line in lines), lines
