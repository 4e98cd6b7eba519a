"""The budget: every sum computed, LBF's rules checked with positions, the seed's totals reproduced."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from aftaler.load.sets import load_set
from aftaler.kinds import budget
from aftaler.model.documents import complete_set, set_context
from aftaler.project import Project
from conftest import ROOT, edit, line_of


def budget_model(folder: Path) -> dict:
    project = Project()
    aset, findings = load_set(folder)
    assert not findings, findings
    aset = complete_set(aset, project)
    return budget.model(aset.one("budget"), aset, set_context(aset, project))


def test_amager_reproduces_the_seed_totals():
    model = budget_model(ROOT / "agreements/amager")
    total = model["total"]
    assert total["udgifter"] == 31169
    assert total["finansiering"]["lbf"] == 19000
    assert total["boligorganisation"] == 4629
    assert (total["kommune"], total["finansiering"]["kommune_kontant"], total["finansiering"]["kommune_timer"]) == (4629, 4092, 537)
    assert total["finansiering"]["anden"] == 2911
    assert total["medfinansiering"] == 12169 and round(total["medfinansiering_andel"]) == 39
    assert total["balance"] == 0
    sums = {g["gruppe"]: g["total"] for g in model["grupper"]}
    assert sums == {"tvaergaaende": 3361, "uddannelse-og-livschancer": 6028, "beskaeftigelse": 6228,
                    "kriminalitetsforebyggelse": 5952, "sammenhaengskraft-og-medborgerskab": 9540, "lokal-evaluering": 60}
    assert model["aar"] == [2021, 2022, 2023, 2024, 2025] and total["aar_sum"] == [0, 8057, 7735, 7940, 7437]


def test_small_set_sums(small_set):
    model = budget_model(small_set)
    [cross, area] = model["grupper"]
    assert cross["aar_sum"] == [16, 16, 16, 16] and area["total"] == 2400
    assert model["total"]["medfinansiering"] == 800 and model["total"]["medfinansiering_andel"] == pytest.approx(800 / 2464 * 100)
    assert [n["tekst"][:24] for n in model["noter"]] == ["Løn efter overenskomst.", "Boligsocial medarbejder "]


RULES = {
    "finansiering-passer-ikke": ("finansiering: {lbf: 1600, kommune_kontant: 500, boligorganisation_kontant: 300}",
                                 "finansiering: {lbf: 1590, kommune_kontant: 500, boligorganisation_kontant: 300}",
                                 "lbf: 1590", r"finansieringen \(2\.390\) svarer ikke til de samlede udgifter \(2\.400\); der er 10 for lidt"),
    "medfinansiering-under-25": ("finansiering: {lbf: 1600, kommune_kontant: 500, boligorganisation_kontant: 300}",
                                 "finansiering: {lbf: 2300, kommune_kontant: 100}",
                                 "grupper:", r"medfinansiering er 4,1\s% .*mindst 25\s%"),
    "udgiftstype-uden-for-tvaergaaende": ("        medarbejder: medarbejder-1\n",
                                          "        medarbejder: medarbejder-1\n        udgiftstype: 1\n",
                                          "udgiftstype: 1", r"en udgiftstype bruges kun under Tværgående"),
    "ukendt-udgiftstype": ("udgiftstype: 7", "udgiftstype: 12", "udgiftstype: 12", r"'12' er ikke en gyldig værdi"),
    "aar-uden-for-perioden": ('udgifter: {"2024": 16,', 'udgifter: {"2023": 5, "2024": 11,', '"2023": 5',
                              r"året 2023 ligger uden for aftalens periode \(2024-2027\)"),
    "gruppe-uden-delaftale": ("  - gruppe: beskaeftigelse", "  - gruppe: kriminalitetsforebyggelse",
                              "gruppe: kriminalitetsforebyggelse", r"'kriminalitetsforebyggelse' henviser ikke til"),
    "beloeb-ikke-helt-tal": ('"2025": 16,', '"2025": 16.5,', '"2025": 16.5', r"skal være et helt tal, ikke 16\.5"),
    "beloeb-tusindtalspunktum": ("{lbf: 64}", "{lbf: 6.400}", "lbf: 6.400", r"skriv 6400, ikke 6\.400"),
    "note-findes-ikke": ("noter: [note-loen]", "noter: [note-loen, note-x]", "note-x", r"'note-x' henviser ikke til en note"),
}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_each_rule_broken_once(rule, small_set, run, tmp_path):
    old, new, needle, pattern = RULES[rule]
    path = small_set / "budget.yaml"
    edit(path, old, new)
    code, _, err = run("build", small_set, "-o", tmp_path / "ud")
    assert code == 1, err
    line = next((l for l in err.splitlines() if re.search(pattern, l)), None)
    assert line, f"{pattern!r} not in\n{err}"
    assert re.match(rf".*budget\.yaml:{line_of(path, needle)}:\d+: fejl: ", line), line
    assert not (tmp_path / "ud").exists()


def test_local_rule_municipal_facilitation(small_set, run, tmp_path):
    path = small_set / "budget.yaml"
    edit(path, "jnr: \"100001\"\n", "jnr: \"100001\"\nlokale_regler: [kommunal-facilitering]\n")
    facilitation = ('      - id: facilitering\n        udgiftspost: Kommunal facilitering\n        udgiftstype: 3\n'
                    '        udgifter: {{"2024": {a}, "2025": 12, "2026": 12, "2027": 12}}\n'
                    '        finansiering: {{kommune_timer: {t}}}\n')
    edit(path, "  - gruppe: beskaeftigelse", facilitation.format(a=12, t=48) + "  - gruppe: beskaeftigelse")
    assert run("validate", small_set)[0] == 0   # 1,9 % of 2.512 = 48
    edit(path, '"2024": 12, "2025": 12', '"2024": 2, "2025": 12')
    edit(path, "kommune_timer: 48", "kommune_timer: 38")
    code, _, err = run("validate", small_set)
    assert code == 1
    assert re.search(r"budget\.yaml:\d+:\d+: fejl: kommunal facilitering er 38, men skal være 1,9 % af 2\.502 = 48", err), err


def test_word_budget_table_read_back(tmp_path):
    from aftaler.cli import main
    from docx_reader import all_text, tables
    assert main(["build", str(ROOT / "agreements/amager"), "-o", str(tmp_path)]) == 0
    docx = tmp_path / "amager/budget.docx"
    budget_table = next(t for t in tables(docx) if t[0][0] == "Udgiftspost")
    # The form's grouped header: the years under Projektperiode, the co-financiers under
    # Finansiering, each split into Kontant and Timer, lokaler.
    assert budget_table[0] == ["Udgiftspost", "Udgiftstype", "Projektperiode – udgifter", "Samlede udgifter",
                               "Finansiering"]
    assert budget_table[1][2:7] == ["2021", "2022", "2023", "2024", "2025"]
    assert budget_table[2][9:13] == ["Kontant", "Timer, lokaler", "Kontant", "Timer, lokaler"]
    total = next(r for r in budget_table if r[0] == "Total")
    # Each co-financier's sum across its two columns, as on the form; the split in the row above.
    assert total[2:] == ["0", "8.057", "7.735", "7.940", "7.437", "31.169", "19.000", "4.629", "4.629", "2.911"]
    split = next(r for r in budget_table if r[0] == "Fordeling af medfinansiering i alt")
    assert split[9:13] == ["4.629", "0", "4.092", "537"]
    sums = [r[7] for r in budget_table if r[0] == "Sum"]
    assert sums == ["3.361", "6.028", "6.228", "5.952", "9.540", "60"]
    summary = {r[0]: r[1] for t in tables(docx) for r in t if len(r) == 2}
    assert summary["Samlet medfinansiering"] == "12.169"
    assert summary["Medfinansiering i procent"] == "39 %"
    assert summary["Balance"] == "0" and summary["Jnr."] == "105586"
    assert "(5) Oprettelse i systemerne" in all_text(docx)
    # Danish dates (Babel), not 01-01-2022
    assert (summary["Start boligsocial indsats"], summary["Slut boligsocial indsats"]) == ("1. januar 2022",
                                                                                          "31. december 2025")
    legend = next(t for t in tables(docx) if t[0] == ["Udgiftstype", "Beskrivelse"])
    assert [r[0].split(".")[0] for r in legend[1:]] == [str(n) for n in range(10)]


def test_staff_shares_agree_in_budget_and_delaftale(tmp_path):
    from aftaler.cli import main
    from docx_reader import all_text
    assert main(["build", str(ROOT / "agreements/amager"), "-o", str(tmp_path)]) == 0
    budget_text = all_text(tmp_path / "amager/budget.docx")
    delaftale = all_text(tmp_path / "amager/delaftale-uddannelse-og-livschancer.docx")
    shares = re.search(r"Boligsocial medarbejder 1: (\d+ % [^\n]+)", delaftale).group(1)
    assert f"Boligsocial medarbejder 1: tiden fordeles med {shares}." in budget_text
