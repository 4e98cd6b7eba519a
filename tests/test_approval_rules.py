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


# ------------------------------------------------------------------ an activity removed or added

FRITIDSJOB_LINE = "      - id: fritidsjob-loen-og-opkvalificering\n"
FRITIDSJOB_SHARE = "{aktivitet: fritidsjob-for-alle, andel: 75}"
# Money tied to Fritidsjob for alle in the example: the line Fritidsjob (40 a year, 2022–25, all LBF) once
# it names the activity, and 75 % of Boligsocial medarbejder 4, whose salary line is 535 + 515 + 528 + 541.
LINE_TOTAL, STAFF_COST = 160, round((535 + 515 + 528 + 541) * 75 / 100)


def name_the_activity(folder) -> None:
    """The budget line for fritidsjob says which activity it pays for (as an author would add it)."""
    edit(folder / "budget.yaml", FRITIDSJOB_LINE + "        udgiftspost: Fritidsjob\n        noter: [note-fritidsjob]\n",
         FRITIDSJOB_LINE + "        udgiftspost: Fritidsjob\n        noter: [note-fritidsjob]\n"
         "        aktiviteter: [fritidsjob-for-alle]\n")


def remove_fritidsjob(folder) -> None:
    """Fritidsjob for alle taken out of the Beskæftigelse delaftale, with its two milestones, and
    Boligsocial medarbejder 4's time on it given to Lokal voksenbeskæftigelse (the same area)."""
    path = folder / "delaftale-beskaeftigelse.yaml"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("  - id: fritidsjob-for-alle\n"), text.index("\nsammenhaeng_kommunal:")
    path.write_text(text[:start].rstrip("\n") + "\n" + text[end:], encoding="utf-8")
    plan = folder / "milepaelsplan.yaml"
    lines = plan.read_text(encoding="utf-8").splitlines(keepends=True)
    drop = set()
    for i, line in enumerate(lines):
        if line.startswith("  - id: mp-fritidsjob-"):
            drop |= {i, *range(i + 1, next(j for j in range(i + 1, len(lines)) if not lines[j].startswith("    ")))}
    assert len(drop) == 10
    plan.write_text("".join(line for i, line in enumerate(lines) if i not in drop), encoding="utf-8")
    edit(folder / "samarbejdsaftale.yaml", FRITIDSJOB_SHARE, "{aktivitet: lokal-voksenbeskaeftigelse, andel: 75}")


def remove_the_line(folder) -> None:
    """The budget line Fritidsjob taken out with its activity; the municipality's facilitation, 1,9 %
    of the rest, is 3 less (a cross-cutting line, the agreement's)."""
    text = (folder / "budget.yaml").read_text(encoding="utf-8")
    start = text.index(FRITIDSJOB_LINE)
    (folder / "budget.yaml").write_text(text[:start] + text[text.index("\n\n", start) + 1:], encoding="utf-8")
    edit(folder / "budget.yaml", "{2022: 135, 2023: 134, 2024: 134, 2025: 134}", "{2022: 134, 2023: 133, 2024: 133, 2025: 134}")
    edit(folder / "budget.yaml", "kommune_timer: 537", "kommune_timer: 534")


def removed_with_its_line(versions):
    """Both versions name the activity in its budget line; the new one has neither (and is valid)."""
    old, new = versions
    for folder in versions:
        name_the_activity(folder)
    remove_fritidsjob(new)
    remove_the_line(new)
    valid(new)
    return old, new


def valid(folder) -> None:
    from aftaler.check.validate import validate_set

    aset, problems = load_set(folder)
    errors = [f"{f.position}: {f.message}" for f in problems + validate_set(aset, PROJECT) if f.severity == "fejl"]
    assert not errors, errors


def effects(old, new):
    (before, _), (after, _) = load_set(old), load_set(new)
    return compare_sets(before, after, PROJECT).activities


def test_removing_an_activity_with_its_line_and_staff_carries_all_its_money(versions):
    """The line goes (its LBF money with it: Landsbyggefonden), and the economy is the line's
    total and the staff time that was the activity's, not the largest budget figure alone."""
    old, new = removed_with_its_line(versions)
    [effect] = effects(old, new)
    assert (effect.activity, effect.area, effect.status) == ("fritidsjob-for-alle", "beskaeftigelse", "fjernet")
    assert effect.lines == (("fritidsjob-loen-og-opkvalificering", "Fritidsjob", LINE_TOTAL),)
    assert effect.staff == (("medarbejder-4", "Boligsocial medarbejder 4", 75.0, STAFF_COST),)
    items = routed(old, new)
    assert items["delaftale-beskaeftigelse"] == ("lbf-midler", LINE_TOTAL + STAFF_COST, LINE_TOTAL)


@pytest.mark.parametrize("line_now", ["        aktiviteter: [lokal-voksenbeskaeftigelse]\n", ""])
def test_an_activity_removed_while_its_line_stays_counts_what_was_tied_to_it(versions, line_now):
    """The line stays, re-pointed to another activity or naming none: the budget's figures do not
    move, but the money was the removed activity's. No LBF money moves: the district board."""
    old, new = versions
    for folder in versions:
        name_the_activity(folder)
    remove_fritidsjob(new)
    edit(new / "budget.yaml", "        aktiviteter: [fritidsjob-for-alle]\n", line_now)
    valid(new)
    items = routed(old, new)
    assert items["delaftale-beskaeftigelse"] == ("bydelsbestyrelse-godkendelse", LINE_TOTAL + STAFF_COST, 0)


def test_an_activity_removed_with_only_a_staff_share_tied_to_it(versions):
    """No line names it: its economy is the staff time it had, though that time stays in the area
    (so the staff effect, area by area, moves nothing)."""
    old, new = versions
    remove_fritidsjob(new)
    valid(new)
    [effect] = effects(old, new)
    assert effect.lines == () and effect.economy == STAFF_COST > 50
    assert routed(old, new)["delaftale-beskaeftigelse"] == ("bydelsbestyrelse-godkendelse", STAFF_COST, 0)


def test_an_activity_added_with_staff_time_carries_that_time(versions):
    """The reverse: a new activity given a quarter of Boligsocial medarbejder 3 (from Lokal
    voksenbeskæftigelse, the same area) is a decision about that money (salary 662 + 635 + 651 + 667)."""
    old, new = versions
    edit(new / "delaftale-beskaeftigelse.yaml", "aktiviteter:\n", "aktiviteter:\n"
         "  - id: jobcafe\n    navn: Jobcafé i beboerhuset\n    formaal: |\n      Ledige beboere får hjælp til at søge job.\n"
         "    maalgrupper: |\n      Ledige voksne beboere.\n    indhold: |\n      En ugentlig åben jobcafé.\n"
         "    ansvar:\n      - part: helhedsplanen\n        opgaver: [Drift af jobcaféen]\n")
    edit(new / "samarbejdsaftale.yaml", "        - {aktivitet: lokal-voksenbeskaeftigelse, andel: 75}\n",
         "        - {aktivitet: lokal-voksenbeskaeftigelse, andel: 50}\n        - {aktivitet: jobcafe, andel: 25}\n")
    valid(new)
    cost = round((662 + 635 + 651 + 667) * 25 / 100)
    [effect] = effects(old, new)
    assert (effect.activity, effect.status, effect.economy) == ("jobcafe", "tilfoejet", cost)
    assert routed(old, new)["delaftale-beskaeftigelse"] == ("bydelsbestyrelse-godkendelse", cost, 0)


def test_the_diff_of_a_removed_activity_in_git_history_reports_its_money(tmp_path, capsys, monkeypatch):
    """On a throwaway git history: the revision that removes the activity, diffed against the
    approved commit, reports the money tied to it and the board's approval with that economy."""
    import json
    import subprocess

    from aftaler.cli import main

    repo = tmp_path / "repo"
    folder = repo / "agreements" / "amager"
    shutil.copytree(ROOT / "agreements/amager", folder)
    name_the_activity(folder)

    def git(*args):
        subprocess.run(["git", "-c", "commit.gpgsign=false", "-c", "user.name=Test", "-c", "user.email=t@example.dk",
                        *args], cwd=repo, check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "godkendt")
    remove_fritidsjob(folder)
    edit(folder / "budget.yaml", "        aktiviteter: [fritidsjob-for-alle]\n", "")
    git("commit", "-q", "-am", "fritidsjob udgår")
    monkeypatch.chdir(repo)
    assert main(["diff", "HEAD~1", "HEAD", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)["saet"][0]
    [activity] = report["aktiviteter"]
    assert activity["aktivitet"] == "fritidsjob-for-alle" and activity["oekonomi"] == LINE_TOTAL + STAFF_COST
    approval = next(a for a in report["godkendelse"] if a["dokument"] == "delaftale-beskaeftigelse")
    assert approval["klasse"] == "bydelsbestyrelse-godkendelse" and approval["oekonomi"] == LINE_TOTAL + STAFF_COST
    assert main(["diff", "HEAD~1", "HEAD"]) == 1
    out = capsys.readouterr().out
    total, cost = (f"{n:,}".replace(",", ".") for n in (LINE_TOTAL + STAFF_COST, STAFF_COST))
    assert f"Fritidsjob for alle, Beskæftigelse (fjernet): {total} bundet til aktiviteten: Fritidsjob 160 · " \
           f"Boligsocial medarbejder 4 75 % (løn {cost})" in out
    assert f"Bydelsbestyrelsen skal godkende ændringerne i Delaftale for indsatsområdet Beskæftigelse " \
           f"(økonomi {total}.000 kr.)" in out


def test_the_request_to_lbf_lists_the_money_tied_to_a_removed_activity(versions, tmp_path, monkeypatch):
    """Removed with its budget line, the activity's money is LBF's to approve: the request says
    what went with it, line by line and staff share by staff share, and the sum, in its own table."""
    from docx import Document

    from aftaler.cli import main

    old, new = removed_with_its_line(versions)
    monkeypatch.chdir(old.parent.parent)
    assert main(["diff", "gammel/amager", "ny/amager", "-o", str(tmp_path / "ud")]) == 1
    document = Document(tmp_path / "ud" / "amager" / "anmodning-om-godkendelse.docx")
    [table] = [t for t in document.tables if t.rows[0].cells[0].text == "Aktivitet"]
    rows = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    total, cost = (f"{n:,}".replace(",", ".") for n in (LINE_TOTAL + STAFF_COST, STAFF_COST))
    assert rows == [["Fritidsjob for alle", "fjernet", f"Fritidsjob {LINE_TOTAL}",
                     f"Boligsocial medarbejder 4 75 % (løn {cost})", total]]
