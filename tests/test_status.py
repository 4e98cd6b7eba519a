"""Status notes: the rules on edge cases, the model on real sets, bad measurements, the Word note."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from aftaler.load.sets import load_set
from aftaler.findings import has_errors
from aftaler.model.documents import complete_set, set_context
from aftaler.project import Project
from aftaler.model.status import NO_DATA, NO_TARGET, OFF_TRACK, ON_TRACK, combine, course, judge, status_model, summary
from aftaler.render.status import render_status_docx
from aftaler.check.validate import validate_set
from conftest import ROOT, edit, line_of
from docx_reader import all_text, tables

# ------------------------------------------------------------------ the rules


def test_no_measurement_is_no_data_whatever_the_target():
    assert judge(None, None, 19.3, 2020, 16, "lavere", 2025).status == NO_DATA
    assert judge(None, None, None, None, None, None, None).status == NO_DATA


def test_no_target_and_no_direction_is_no_target():
    result = judge(90.1, 2024, 89.2, 2020, None, None, 2025)
    assert (result.status, result.reason) == (NO_TARGET, "ingen-maal")


def test_target_reached_early_counts_as_on_track():
    # Higher is better: 91 reached in 2023, two years before the deadline, far ahead of the course.
    assert judge(91.0, 2023, 89.2, 2020, 91, "hoejere", 2025) == judge(92, 2023, 89.2, 2020, 91, "hoejere", 2025)
    assert judge(91.0, 2023, 89.2, 2020, 91, "hoejere", 2025).status == ON_TRACK
    # Lower is better: 15.9 is below the target 16 in 2024.
    result = judge(15.9, 2024, 19.3, 2020, 16, "lavere", 2025)
    assert (result.status, result.reason) == (ON_TRACK, "maal-naaet")


def test_lower_is_better_is_held_to_a_falling_course():
    # 19.3 in 2020 → 16 in 2025: the course is at 16.66 in 2024.
    assert course(19.3, 2020, 16, 2025, 2024) == pytest.approx(16.66)
    on = judge(16.6, 2024, 19.3, 2020, 16, "lavere", 2025)
    off = judge(16.8, 2024, 19.3, 2020, 16, "lavere", 2025)
    assert (on.status, off.status) == (ON_TRACK, OFF_TRACK)
    assert off.expected == pytest.approx(16.66)
    # Rising when lower is better is off track even without a target value.
    assert judge(10.4, 2024, 9.8, 2019, None, "lavere", None).status == OFF_TRACK
    assert judge(9.1, 2024, 9.8, 2019, None, "lavere", None).status == ON_TRACK


def test_higher_is_better_is_held_to_a_rising_course():
    assert judge(90.8, 2024, 89.2, 2020, 91, "hoejere", 2025).status == ON_TRACK   # course 90.64
    assert judge(90.6, 2024, 89.2, 2020, 91, "hoejere", 2025).status == OFF_TRACK  # just below it
    assert judge(89.2, 2020, 89.2, 2020, 91, "hoejere", 2025).status == ON_TRACK   # nothing expected yet


def test_deadline_passed_without_the_target_is_off_track():
    result = judge(6.5, 2025, 6, 2020, 6.6, "hoejere", 2025)
    assert (result.status, result.reason) == (OFF_TRACK, "frist-overskredet")
    assert course(6, 2020, 6.6, 2025, 2030) == 6.6  # the course stops at the target


def test_direction_without_target_compares_with_the_baseline():
    assert judge(27.5, 2024, 29.2, 2020, None, "lavere", 2025).status == ON_TRACK
    assert judge(70.0, 2022, 70.8, 2019, None, "hoejere", 2025).status == OFF_TRACK
    unchanged = judge(29.2, 2024, 29.2, 2020, None, "lavere", 2025)
    assert (unchanged.status, unchanged.reason) == (OFF_TRACK, "ikke-bedre")


def test_without_a_starting_point_a_target_not_yet_reached_cannot_be_judged():
    assert judge(40, 2023, None, None, 60, "hoejere", 2025).status == NO_DATA
    assert judge(61, 2023, None, None, 60, "hoejere", 2025).status == ON_TRACK   # reached is reached
    assert judge(50, 2025, None, None, 60, "hoejere", 2025).status == OFF_TRACK  # deadline passed


def test_one_series_off_track_puts_the_indicator_off_track():
    assert combine([ON_TRACK, OFF_TRACK]) == OFF_TRACK
    assert combine([ON_TRACK, NO_DATA]) == ON_TRACK
    assert combine([NO_DATA, NO_TARGET]) == NO_TARGET
    assert combine([NO_DATA]) == NO_DATA


def test_summary_counts_and_reads_as_danish():
    counts = {ON_TRACK: 7, OFF_TRACK: 1, NO_DATA: 0, NO_TARGET: 1}
    assert summary(counts, 2024) == "I 2024 er 7 af 9 indikatorer på sporet, 1 er ikke på sporet og 1 har intet mål."
    assert summary({ON_TRACK: 1}, 2023) == "I 2023 er 1 af 1 indikator på sporet."
    assert summary({ON_TRACK: 0, NO_DATA: 3}, 2023) == "I 2023 er 0 af 3 indikatorer på sporet og 3 mangler data."


# ------------------------------------------------------------------ the model on real sets


def model_of(folder: Path, year=None) -> dict:
    project = Project()
    aset, findings = load_set(folder)
    findings += validate_set(aset, project)
    assert not has_errors(findings), [str(f.position) + " " + f.message for f in findings]
    aset = complete_set(aset, project)
    return status_model(aset, set_context(aset, project), year)


def rows(model: dict) -> dict[str, dict]:
    groups = model["overordnede"] + [g for d in model["delaftaler"] for g in d["delmaal"]]
    return {r["id"]: r for g in groups for r in g["indikatorer"]}


@pytest.fixture
def with_targets(small_set) -> Path:
    """The small set with targets: dagtilbud 90 % (higher), tryghed 70 % (higher), none on unge-i-job."""
    aftale = small_set / "samarbejdsaftale.yaml"
    edit(aftale, '    baseline_kommune: [{vaerdi: 88.6}]\n    baseline_aar: "2020"\n',
         '    baseline_kommune: [{vaerdi: 88.6}]\n    baseline_aar: "2020"\n    maal: {vaerdi: 90, retning: hoejere}\n')
    edit(aftale, '    baseline_aar: "2018"\n', '    baseline_aar: "2018"\n    maal: {vaerdi: 70, retning: hoejere}\n')
    return small_set


def test_small_set_statuses_by_hand(with_targets):
    model = model_of(with_targets)
    assert model["aar"] == 2025  # the latest year measured
    r = rows(model)
    # 90,6 % in 2025 ≥ the target 90 %, two years before the deadline (end of 2027).
    assert r["dagtilbud-1-5"]["status"] == ON_TRACK
    assert r["dagtilbud-1-5"]["begrundelse"] == "Målet (90\u00a0%) er nået: 90,6\u00a0% i 2025."
    # Nord 74 ≥ 70 is reached; Syd 63 is below its baseline 64 and the course (68 in 2024).
    assert r["tryghed-18"]["status"] == OFF_TRACK
    reason = r["tryghed-18"]["begrundelse"].replace("\u00a0", " ")
    assert reason == ("Nord: Målet (70 %) er nået: 74 % i 2024. Syd: 63 % i 2024; en jævn udvikling fra baseline "
                      "(64 % i 2018) mod målet (70 % i 2027) giver 68 % i 2024.")
    assert r["unge-i-job"]["status"] == NO_TARGET  # a delmål indicator without target or direction
    assert r["karakter-dansk-matematik"]["status"] == NO_DATA
    assert model["opsummering"] == ("I 2025 er 1 af 10 indikatorer på sporet, 1 er ikke på sporet, "
                                    "7 mangler data og 1 har intet mål.")
    assert model["ikke_paa_sporet"] == ["Andel beboere over 18 år, der føler sig grundlæggende trygge i boligområdet"]
    assert model["eksempeldata"] is True


def test_the_year_limits_the_measurements_counted(with_targets):
    r = rows(model_of(with_targets, 2024))
    row = r["dagtilbud-1-5"]
    # 89,9 % in 2024 against a course from 89,2 % (2020) to 90 % (2027): 89,657… in 2024, shown
    # with the data's one decimal.
    assert row["status"] == ON_TRACK and row["seneste_tekst"] == "89,9\u00a0% (2024)"
    assert "giver 89,7\u00a0% i 2024" in row["begrundelse"]
    assert row["aendring_tekst"] == "+0,7 pct.-point"
    assert row["kommune_tekst"] == "88,7\u00a0% (2024)"
    assert row["maal_tekst"] == "mindst 90\u00a0% senest i 2027"
    none = rows(model_of(with_targets, 2023))
    assert {row["status"] for row in none.values()} == {NO_DATA}


def test_lower_is_better_target_in_a_delaftale(small_set):
    edit(small_set / "delaftale-beskaeftigelse.yaml", "        enhed: procent\n",
         "        enhed: procent\n        maal: {vaerdi: 10, retning: lavere, frist: 31. december 2027}\n")
    row = rows(model_of(small_set))["unge-i-job"]
    # 12,5 % (2023) should fall to 10 % by 2027: 11,25 % in 2025 (11,2 % with the data's one decimal,
    # as danish.number rounds a half); 17,5 % is worse.
    assert row["status"] == OFF_TRACK
    assert row["maal_tekst"] == "højst 10\u00a0% senest i 2027"
    assert row["aendring_tekst"] == "+5,0 pct.-point"
    assert "giver 11,2\u00a0% i 2025" in row["begrundelse"]


def test_the_example_set_has_two_years_for_every_indicator():
    aset, _ = load_set(ROOT / "agreements/amager")
    measured = aset.one("maalinger").data
    assert measured["eksempel"] is True
    years = {e["indikator"]: {m.get("aar") or int(m["dato"][-4:]) for m in e["maalinger"]} for e in measured["indikatorer"]}
    model = model_of(ROOT / "agreements/amager")
    assert set(years) == set(rows(model)) and len(years) == 19
    assert all(len(y) >= 2 for y in years.values()), years


def test_the_example_statuses_match_the_figures():
    """Each status of the example, checked by hand against maalinger.yaml and the targets."""
    model = model_of(ROOT / "agreements/amager")
    expected = {
        "dagtilbud-1-5": ON_TRACK,              # 90,8 ≥ course 90,64 (89,2 → 91 by 2025)
        "karakter-dansk-matematik": OFF_TRACK,  # 6,3 < course 6,48
        "grundskole-hoejeste-18-29": ON_TRACK,  # 20,6 ≤ course 20,78 (lower is better)
        "restgruppen-15-29": ON_TRACK,          # 15,9 ≤ target 16: reached early
        "uden-tilknytning-18-64": ON_TRACK,     # 27,5 < baseline 29,2, lower is better
        "sigtede-15-29": OFF_TRACK,             # 8,1 > course 6,46
        "tryghed-18": OFF_TRACK,                # UP reached 75; AB 69 < course 73,4
        "frivilligt-arbejde-18": ON_TRACK,  # no target value: judged by the catalogue's direction
        "valgdeltagelse": OFF_TRACK,            # Folketingsvalg 68,9 < 70,8
        "passive-kontanthjaelpsmodtagere": ON_TRACK,
        "unge-i-fritidsjob": ON_TRACK,          # from the first measurement: 55 ≥ course 52,7
        "unge-rekrutteret-til-lommepengejob": OFF_TRACK,
        "utryghed-ved-unge-der-haenger-ud": ON_TRACK,
        "afbrudt-uddannelse-18-29": OFF_TRACK,
        "tillid-til-borgerservice": NO_TARGET,
        "villige-til-at-hjaelpe-naboer": OFF_TRACK,
        "trivsel-4-7-klasse": ON_TRACK,
        "skolefravaer-grundskolen": OFF_TRACK,  # AB better, UP 6,5 > 6,41
        "bestaaet-dansk-matematik-over-2": NO_TARGET,
    }
    assert {k: r["status"] for k, r in rows(model).items()} == expected
    assert model["opsummering"] == "I 2025 er 9 af 19 indikatorer på sporet, 8 er ikke på sporet og 2 har intet mål."
    assert "første måling (38 i 2022)" in rows(model)["unge-i-fritidsjob"]["begrundelse"]
    assert [d["navn"] for d in model["delaftaler"]][0] == "Delaftale for indsatsområdet Uddannelse og livschancer"


# ------------------------------------------------------------------ bad measurements


# (old text, new text, needle on the reported line (its n-th occurrence), message pattern)
BAD = {
    "ukendt-indikator": ("  - indikator: unge-i-job", "  - indikator: unge-i-jobs", ("indikator: unge-i-jobs", 1),
                         r"'unge-i-jobs' henviser ikke til en indikator i aftalesættet.*mente du 'unge-i-job'\?"),
    "aar-uden-for-perioden": ("aar: 2025\n        boligomraade: [{vaerdi: 90.6}]", "aar: 2029\n        boligomraade: [{vaerdi: 90.6}]",
                              ("aar: 2029", 1), r"året 2029 ligger uden for samarbejdsaftalens periode \(2024-2027\)"),
    "dato-uden-for-perioden": ("dato: 1. juni 2024", "dato: 1. juni 2023", ("dato: 1. juni 2023", 1),
                               r"datoen 1\. juni 2023 ligger uden for samarbejdsaftalens periode"),
    "procent-over-100": ("vaerdi: 89.9", "vaerdi: 104.5", ("vaerdi: 104.5", 1),
                         r"'dagtilbud-1-5' måles i procent, men værdien er 104,5"),
    "delmaal-procent-over-100": ("vaerdi: 14.0", "vaerdi: 140", ("vaerdi: 140", 1),
                                 r"'unge-i-job' måles i procent, men værdien er 140"),
    "indikator-to-gange": ("  - indikator: unge-i-job", "  - indikator: dagtilbud-1-5", ("indikator: dagtilbud-1-5", 2),
                           r"indikatoren 'dagtilbud-1-5' har allerede målinger i linje 5"),
    "aar-to-gange": ("aar: 2025\n        boligomraade: [{vaerdi: 90.6}]", "aar: 2024\n        boligomraade: [{vaerdi: 90.6}]",
                     ("aar: 2024", 2), r"'dagtilbud-1-5' har allerede en måling for 2024 \(linje 7\)"),
    "betegnelse-to-gange": ("{vaerdi: 63, betegnelse: Syd}", "{vaerdi: 63, betegnelse: Nord}", ("betegnelse: Nord}]", 1),
                            r"målingen har allerede betegnelsen 'Nord'"),
    "aar-og-dato": ("      - dato: 1. juni 2024\n", "      - dato: 1. juni 2024\n        aar: 2024\n", ("dato: 1. juni 2024", 1),
                    r"enten et år \(aar\) eller en dato \(dato\), ikke begge"),
    "hverken-aar-eller-dato": ("      - aar: 2024\n        boligomraade: [{vaerdi: 74", "      - boligomraade: [{vaerdi: 74",
                               ("- boligomraade: [{vaerdi: 74", 1), r"skal have et af felterne 'aar' eller 'dato'"),
}


def nth_line(path: Path, needle: str, n: int) -> int:
    found = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if needle in line]
    assert len(found) >= n, f"{needle!r} found {len(found)} times in {path.name}"
    return found[n - 1]


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_measurements_are_reported_with_position(case, run, small_set):
    old, new, (needle, n), pattern = BAD[case]
    path = small_set / "maalinger.yaml"
    edit(path, old, new)
    code, out, err = run("validate", small_set)
    assert code == 1, err
    assert "Traceback" not in out + err
    lines = [line for line in err.splitlines() if re.search(pattern, line)]
    assert lines, f"no line matches {pattern!r} in:\n{err}"
    position = re.match(r"^(.+?):(\d+):(\d+): fejl: ", lines[0])
    assert position and position.group(1).endswith("maalinger.yaml"), lines[0]
    assert int(position.group(2)) == nth_line(path, needle, n), lines[0]


def test_unknown_sub_area_is_a_warning_not_an_error(run, small_set):
    path = small_set / "maalinger.yaml"
    edit(path, "betegnelse: Syd}", "betegnelse: Sud}")
    code, _, err = run("validate", small_set)
    assert code == 0, err
    expected = f"maalinger.yaml:{line_of(path, 'betegnelse: Sud')}:"
    assert any(expected in line and "advarsel: betegnelsen 'Sud' findes ikke i baseline" in line
               for line in err.splitlines()), err


# ------------------------------------------------------------------ the Word note


def test_status_note_in_word(with_targets, tmp_path):
    project = Project()
    aset, _ = load_set(with_targets)
    data = render_status_docx(aset, project, None)
    assert render_status_docx(load_set(with_targets)[0], project, None) == data  # same sources, same bytes
    path = tmp_path / "status.docx"
    path.write_bytes(data)
    text = all_text(path)
    assert "Statusnotat 2025" in text and "Boligsocial indsats i Testby" in text
    assert "I 2025 er 1 af 10 indikatorer på sporet, 1 er ikke på sporet, 7 mangler data og 1 har intet mål." in text
    assert "Tallene i dette notat er eksempeldata" in text
    found = [t for t in tables(path) if t and t[0] == ["Indikator", "Baseline", "Seneste", "Kommunen", "Mål",
                                                         "Ændring", "Status"]]
    body = {row[0]: row for t in found for row in t[1:]}
    assert body["Andel 1-5-årige i dagtilbud"] == ["Andel 1-5-årige i dagtilbud", "89,2 % (2020)", "90,6 % (2025)",
                                                   "88,9 % (2025)", "mindst 90 % senest i 2027", "+1,4 pct.-point",
                                                   "på sporet"]
    assert body["Andel unge i job efter forløb"][-1] == "ingen mål"
    assert len(body) == 10  # every indicator once: nine fixed, one delmål
    assert "Datakilde: Tryghedssurvey, VIVE." in text  # the measurements' own source
    assert "{{" not in text and "{%" not in text


def test_status_command_writes_a_note_per_set(run, small_set, tmp_path):
    from conftest import edit
    from docx_reader import all_text
    code, _, err = run("status", small_set, "-o", tmp_path / "ud", "--year", "2024")
    assert code == 0, err
    assert "Statusnotat 2024" in all_text(tmp_path / "ud/lille/status.docx")
    assert run("status", small_set, "--year", "x")[0] == 2
    edit(small_set / "maalinger.yaml", "vaerdi: 89.9", "vaerdi: 104.5")
    code, _, err = run("status", small_set, "-o", tmp_path / "ud2")
    assert code == 1 and "maalinger.yaml:" in err and not (tmp_path / "ud2").exists()


def test_the_site_shows_the_status_note_and_the_diagram_as_svg(run, small_set, tmp_path):
    code, _, err = run("build", small_set, "-o", tmp_path / "ud")
    assert code == 0, err
    site = tmp_path / "ud/site/lille"
    page = (site / "status.html").read_text(encoding="utf-8")
    charts = sorted((site / "grafer").glob("status-*.svg"))
    assert charts and all(f'src="grafer/{c.name}"' in page for c in charts)
    assert all(c.read_text(encoding="utf-8").lstrip().startswith(("<svg", "<?xml")) for c in charts)
    agreement = (site / "samarbejdsaftale.html").read_text(encoding="utf-8")
    assert 'src="grafer/organisationsdiagram.svg"' in agreement
    assert "Bestyrelsen" in (site / "grafer/organisationsdiagram.svg").read_text(encoding="utf-8")
