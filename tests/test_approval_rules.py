"""Approval follows the money: LBF's money goes to LBF, staff time to the delaftaler it is printed in.

Each case edits a copy of the example (agreements/amager) as a reviewer's revision would and
classifies the change set with the round's rules (catalogue `godkendelse`).
"""
from __future__ import annotations

import shutil

import pytest
from conftest import ROOT, edit

from aftaler.load.sets import load_set
from aftaler.project import Project
from aftaler.review.approval import classify
from aftaler.review.changes import compare_sets

PROJECT = Project()


@pytest.fixture
def versions(tmp_path):
    old, new = tmp_path / "gammel" / "amager", tmp_path / "ny" / "amager"
    shutil.copytree(ROOT / "agreements/amager", old)
    shutil.copytree(ROOT / "agreements/amager", new)
    return old, new


def routed(old, new) -> dict[str, tuple[str | None, int, int]]:
    """document → (rule id, economy, LBF money) for every item that needs a decision."""
    (before, problems), (after, more) = load_set(old), load_set(new)
    assert not problems and not more
    return {i.document: (i.rule.id if i.rule else None, i.economy, i.lbf_money)
            for i in classify(compare_sets(before, after, PROJECT))}


LINE = """      - id: beskaeftigelse-projektleder
        udgiftspost: Projektleder 25 %
        beskrivelse: Andel af projektlederløn
        medarbejder: boligsocial-leder
        udgifter: {2022: 205, 2023: 197, 2024: 205, 2025: 211}
        finansiering:
          lbf: 418
"""


@pytest.mark.parametrize("more", [60, 48, 1])
def test_more_lbf_money_for_an_area_goes_to_landsbyggefonden(versions, more):
    old, new = versions
    edit(new / "budget.yaml", LINE, LINE.replace("2025: 211", f"2025: {211 + more}").replace("lbf: 418", f"lbf: {418 + more}"))
    items = routed(old, new)
    assert items["delaftale-beskaeftigelse"] == ("lbf-midler", more, more)


def test_a_move_between_years_stays_with_the_board(versions):
    old, new = versions
    edit(new / "budget.yaml", LINE, LINE.replace("2022: 205, 2023: 197", "2022: 145, 2023: 257"))
    assert routed(old, new) == {"delaftale-beskaeftigelse": ("bydelsbestyrelse-godkendelse", 60, 0)}


def test_a_small_move_between_years_is_put_to_the_board(versions):
    old, new = versions
    edit(new / "budget.yaml", LINE, LINE.replace("2022: 205, 2023: 197", "2022: 195, 2023: 207"))
    assert routed(old, new) == {"delaftale-beskaeftigelse": ("bydelsbestyrelse-forelaeggelse", 10, 0)}


def test_a_note_goes_to_the_documents_of_the_lines_that_mark_it(versions):
    """A budget note explains its lines: a note of an area's line is that delaftale's to present;
    a note of a cross-cutting line stays with the strategic agreement."""
    old, new = versions
    budget = (new / "budget.yaml").read_text(encoding="utf-8")
    area_note = "  - id: note-aktivitetsmidler-uddannelse\n    tekst: >-\n      "
    shared_note = "  - id: note-oekonomistyring\n    tekst: >-\n      "
    assert area_note in budget and shared_note in budget
    edit(new / "budget.yaml", area_note, area_note + "Rettet: ")
    assert routed(old, new) == {"delaftale-uddannelse-og-livschancer": ("bydelsbestyrelse-forelaeggelse", 0, 0)}
    edit(new / "budget.yaml", shared_note, shared_note + "Rettet: ")
    assert routed(old, new) == {"delaftale-uddannelse-og-livschancer": ("bydelsbestyrelse-forelaeggelse", 0, 0),
                                "samarbejdsaftale": ("lbf-godkendelse", 0, 0)}


def test_staff_shares_moved_between_areas_go_to_both_delaftaler(versions):
    old, new = versions
    edit(new / "samarbejdsaftale.yaml", "        - {aktivitet: fritidsjob-for-alle, andel: 75}\n"
                                        "        - {indsatsomraade: sammenhaengskraft-og-medborgerskab, andel: 25}",
         "        - {aktivitet: fritidsjob-for-alle, andel: 50}\n"
         "        - {indsatsomraade: sammenhaengskraft-og-medborgerskab, andel: 50}")
    items = routed(old, new)
    assert set(items) == {"delaftale-beskaeftigelse", "delaftale-sammenhaengskraft-og-medborgerskab"}
    rule, economy, lbf = items["delaftale-beskaeftigelse"]
    assert rule == "bydelsbestyrelse-godkendelse" and economy > 50 and lbf == 0
    assert abs(items["delaftale-sammenhaengskraft-og-medborgerskab"][1] - economy) <= 1  # the same salary, moved


def test_staff_time_moved_within_one_area_has_no_economy(versions):
    old, new = versions
    edit(new / "samarbejdsaftale.yaml", "        - {aktivitet: superkraefter, andel: 75}\n"
                                        "        - {aktivitet: sprogundervisning-og-lektiehjaelp, andel: 25}",
         "        - {aktivitet: superkraefter, andel: 50}\n"
         "        - {aktivitet: sprogundervisning-og-lektiehjaelp, andel: 50}")
    assert routed(old, new) == {"delaftale-uddannelse-og-livschancer": ("bydelsbestyrelse-forelaeggelse", 0, 0)}


def test_the_report_shows_staff_moved_as_a_table_and_lbf_as_approver(versions, capsys, monkeypatch):
    from aftaler.cli import main

    old, new = versions
    edit(new / "samarbejdsaftale.yaml", "        - {aktivitet: fritidsjob-for-alle, andel: 75}\n",
         "        - {aktivitet: fritidsjob-for-alle, andel: 50}\n")
    edit(new / "samarbejdsaftale.yaml", "        - {indsatsomraade: sammenhaengskraft-og-medborgerskab, andel: 25}\n"
                                        "    - id: medarbejder-5",
         "        - {indsatsomraade: sammenhaengskraft-og-medborgerskab, andel: 50}\n    - id: medarbejder-5")
    edit(new / "budget.yaml", LINE, LINE.replace("2025: 211", "2025: 271").replace("lbf: 418", "lbf: 478"))
    monkeypatch.chdir(old.parent.parent)
    assert main(["diff", "gammel/amager", "ny/amager"]) == 1
    out = capsys.readouterr().out
    assert "Medarbejderressourcer flyttet mellem indsatsområder" in out
    assert "Boligsocial medarbejder 4, Beskæftigelse: 75 % → 50 %" in out
    assert "Landsbyggefonden skal godkende ændringerne i Delaftale for indsatsområdet Beskæftigelse" in out
    assert "Bydelsbestyrelsen skal godkende ændringerne i Delaftale for indsatsområdet Sammenhængskraft" in out


def test_formatting_alone_is_said_to_be_formatting(versions, capsys, monkeypatch):
    from aftaler.cli import main

    old, new = versions
    edit(new / "samarbejdsaftale.yaml", "**Samspil mellem bydelsbestyrelse og følgegruppe.**",
         "Samspil mellem bydelsbestyrelse og følgegruppe.")
    monkeypatch.chdir(old.parent.parent)
    assert main(["diff", "gammel/amager", "ny/amager", "--format", "json"]) == 1
    import json
    report = json.loads(capsys.readouterr().out)
    [change] = [c for d in report["saet"][0]["dokumenter"] for c in d["aendringer"]]
    assert change["kun_formatering"] is True and change["ord"] == []
    assert main(["diff", "gammel/amager", "ny/amager"]) == 1
    assert "kun formatering: Organisering" in capsys.readouterr().out


def test_a_period_extension_says_what_was_not_extended(versions, capsys):
    from aftaler.cli import main

    _, new = versions
    edit(new / "samarbejdsaftale.yaml", "til: 31. december 2025}", "til: 31. december 2026}")
    assert main(["validate", str(new)]) == 0  # warnings: a draft of the extension is still valid
    out = capsys.readouterr().err
    assert "budget.yaml:" in out and "budgettet har ingen udgifter i 2026" in out
    late = [line for line in out.splitlines() if "før samarbejdsaftalens periode" in line]
    assert len(late) == 4 and all("delaftale-" in line and "forlæng også delaftalen" in line for line in late)


def test_the_request_to_lbf_shows_the_changed_sentence_only(versions, tmp_path, monkeypatch, capsys):
    import subprocess

    from docx_reader import all_text
    from libreoffice import convert

    from aftaler.cli import main

    old, new = versions
    edit(new / "samarbejdsaftale.yaml", "Den boligsociale leder bringer input fra",
         "Den boligsociale leder bringer hvert kvartal input fra")
    monkeypatch.chdir(old.parent.parent)
    assert main(["diff", "gammel/amager", "ny/amager", "-o", str(tmp_path / "ud")]) == 1
    request = tmp_path / "ud" / "amager" / "anmodning-om-godkendelse.docx"
    text = all_text(request)
    assert "Den boligsociale leder bringer input fra følgegruppen" in text  # the sentence before
    assert "Den boligsociale leder bringer hvert kvartal input fra følgegruppen" in text  # and after
    assert "Samspil med boligorganisationerne" not in text  # not the rest of the section
    pdf = convert(request, "pdf", tmp_path / "pdf")
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    import re
    assert int(re.search(r"^Pages:\s+(\d+)", pages, re.M).group(1)) == 1  # one page for a one-sentence change


@pytest.mark.parametrize("round_", ["2019-26", "2015-18"])
def test_every_kind_of_every_round_has_an_approval_rule_and_lbf_money_goes_to_lbf(round_):
    from aftaler.review.approval import rules

    catalogue = PROJECT.catalogues()[round_]
    found = rules(catalogue)
    kinds = {r.document for r in found}
    assert {"samarbejdsaftale", "delaftale", "milepaelsplan", "beredskabsplan", "kommissorium", "maalinger"} <= kinds
    assert found[0].lbf_money and found[0].approver == "Landsbyggefonden" and found[0].document == "alle"
    assert all(r.text and r.source for r in found)
