"""Bad input as a tired author writes it: each gives its file:line:col, exit 1, no traceback,
and no output file."""
from __future__ import annotations

import re

import pytest

from conftest import edit, line_of

# (file, old text, new text, needle marking the line reported, expected message pattern)
CASES = {
    "dubleret-nøgle": ("samarbejdsaftale.yaml", "  beboere: 1234\n", "  beboere: 1234\n  beboere: 1235\n",
                       "beboere: 1235", r"nøglen 'beboere' står to gange \(første gang i linje \d+\)"),
    "tusindtalspunktum": ("samarbejdsaftale.yaml", "lejemaal: 1056", "lejemaal: 1.056",
                          "lejemaal: 1.056", r"skriv 1056, ikke 1\.056"),
    "ukendt-felt": ("delaftale-beskaeftigelse.yaml", "    navn: Jobcafé\n", "    navn: Jobcafé\n    formål: x\n",
                    "formål: x", r"ukendt felt 'formål'.*mente du 'formaal'\?"),
    "manglende-felt": ("samarbejdsaftale.yaml", "omraadets_navn: Boligsocial indsats i Testby\n", "",
                       "pulje:", r"mangler det påkrævede felt 'omraadets_navn' \(Områdets navn\)"),
    "forkert-type": ("samarbejdsaftale.yaml", "beboere: 1234", "beboere: mange",
                     "beboere: mange", r"«Antal beboere».* skal være et helt tal, ikke teksten 'mange'"),
    "dato-uden-for-perioden": ("delaftale-beskaeftigelse.yaml", "  til: 31. december 2027", "  til: 31. december 2028",
                               "til: 31. december 2028", r"slutter efter samarbejdsaftalens periode"),
    "ukendt-katalog-id": ("delaftale-beskaeftigelse.yaml", "indsatsomraade: beskaeftigelse", "indsatsomraade: beskæftigelse",
                          "indsatsomraade: besk", r"'beskæftigelse' er ikke en gyldig værdi.*mente du 'beskaeftigelse'\?"),
    "dinglende-reference": ("samarbejdsaftale.yaml", "afdelinger: [afd-nord, afd-syd]", "afdelinger: [afd-nord, afd-sy]",
                            "afdelinger: [afd-nord, afd-sy]", r"'afd-sy' henviser ikke til en afdeling.*mente du 'afd-syd'\?"),
    "ugyldig-dato": ("samarbejdsaftale.yaml", "fra: 1. januar 2024", "fra: 1. janaur 2024",
                     "janaur", r"ikke er en gyldig dato; skriv fx '1\. januar 2022'"),
    "tidsandele": ("samarbejdsaftale.yaml", "          andel: 60", "          andel: 50",
                   "fordeling:\n        - aktivitet", r"andelene skal give 100 % \(mangler 10 %\)"),
    "alias": ("samarbejdsaftale.yaml", "  beboere: 1234", "  beboere: &b 1234",
              "&b", r"ankre og aliaser"),
    "tabulator": ("samarbejdsaftale.yaml", "  beboere: 1234", "\tbeboere: 1234", "\tbeboere", r"tabulatortegn"),
    "id-to-gange": ("samarbejdsaftale.yaml", "    - id: unge", "    - id: jobcafe", "id: jobcafe",
                    r"id 'jobcafe' bruges allerede i .*delaftale-beskaeftigelse\.yaml:\d+:\d+"),
    "rolle-uden-part": ("delaftale-beskaeftigelse.yaml", "      - part: jobcenter", "      - part: jobcentret",
                        "part: jobcentret", r"'jobcentret' henviser ikke til en af delaftalens parter"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_reported_with_position(case, run, small_set, tmp_path):
    name, old, new, needle, pattern = CASES[case]
    path = small_set / name
    edit(path, old, new)
    expected_line = line_of(path, needle.split("\n")[0]) if "\n" not in needle else _line_before(path, needle)
    out_dir = tmp_path / "ud"

    code, out, err = run("build", small_set, "-o", out_dir)

    assert code == 1, err
    assert "Traceback" not in err + out
    lines = [l for l in err.splitlines() if re.search(pattern, l)]
    assert lines, f"no line matches {pattern!r} in:\n{err}"
    position = re.match(r"^(.+?):(\d+):(\d+): fejl: ", lines[0])
    assert position, lines[0]
    assert position.group(1).endswith(name)
    assert int(position.group(2)) == expected_line, lines[0]
    assert int(position.group(3)) >= 1
    assert not out_dir.exists(), "a failed build must not write anything"


def _line_before(path, needle):
    first, second = needle.split("\n")
    text = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(text[:-1], start=1):
        if first in line and second in text[i]:
            return i
    raise AssertionError(needle)


def test_json_format_carries_positions(run, small_set):
    edit(small_set / "samarbejdsaftale.yaml", "lejemaal: 1056", "lejemaal: 1.056")
    code, out, _ = run("validate", small_set, "--format", "json")
    import json
    report = json.loads(out)
    assert code == 1 and report["fejl"] == 1
    [finding] = report["fund"]
    assert finding["fil"].endswith("samarbejdsaftale.yaml") and finding["linje"] > 1 and finding["kolonne"] > 1


def test_all_errors_at_once(run, small_set):
    edit(small_set / "samarbejdsaftale.yaml", "beboere: 1234", "beboere: mange")
    edit(small_set / "delaftale-beskaeftigelse.yaml", "    navn: Jobcafé\n", "    navn: Jobcafé\n    farve: rød\n")
    code, _, err = run("validate", small_set)
    assert code == 1
    assert "beboere" in err and "farve" in err
    assert "2 fejl" in err


def test_usage_errors_exit_2(run):
    assert run("build", "--no-such-option")[0] == 2
    assert run("frobnicate")[0] == 2
    assert run("check-template")[0] == 2


def test_missing_folder_is_a_usage_error_naming_it(run, tmp_path):
    code, _, err = run("validate", tmp_path / "findes-ikke")
    assert code == 2 and f"stien '{tmp_path / 'findes-ikke'}' findes ikke" in err


@pytest.mark.parametrize("command", ["validate", "build", "check-template"])
def test_help_on_every_command(run, command):
    code, out, _ = run(command, "--help")
    assert code == 0 and out.startswith("Brug: ") and "Tilvalg:" in out
