"""The municipality's own agreements: partnerskabsaftale, finansieringsmodel and puljeudmøntning.

Each example set is built and read back (every text value, the computed figures, the status table),
every rule is broken once with its position checked, and LibreOffice opens every file.
"""
from __future__ import annotations

import re
import shutil

import pytest
import yaml

from aftaler.cli import main
from aftaler.kinds import _common, partnerskabsaftale
from conftest import ROOT, edit
import docx_reader
from docx_reader import all_text, tables
from libreoffice import convert, pdf_text

SETS = {"frivillighed-partnerskab": "partnerskabsaftale", "bydelsmoedre": "finansieringsmodel",
        "mentorpuljer": "puljeudmoentning"}
# Ids, references and codes: shown through names and texts, not as typed.
NOT_SHOWN = {"id", "type", "fra", "til", "maalsaetning", "organ", "beslutning", "boligomraade", "stilling", "status"}
MARKDOWN = {"formaal", "forventede_virkninger", "tekst", "beskrivelse", "vurdering", "indstilling", "baggrund",
            "maalgruppe", "udfordringer", "organisering", "oekonomi", "oekonomi_efter", "problemstilling",
            "krav_til_frivillige", "videre_proces"}


def shown_texts(data):
    """(key, text) for every string a reader must find in the document (docx_reader.shown_texts)."""
    return docx_reader.shown_texts(data, not_shown=NOT_SHOWN, markdown=MARKDOWN)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("kommunale")
    assert main(["build", *(str(ROOT / "agreements" / s) for s in SETS), "-o", str(out)]) == 0
    return out


def docx(built, set_name):
    return built / set_name / f"{SETS[set_name]}.docx"


def table_with(path, first_header: str):
    found = [t for t in tables(path) if t and t[0] and t[0][0] == first_header]
    assert found, f"ingen tabel med kolonnen {first_header!r} i {path.name}"
    return found[0]


# ---------------------------------------------------------------- read back


@pytest.mark.parametrize("set_name", sorted(SETS))
def test_every_text_value_is_in_the_word_file(built, set_name):
    source = ROOT / "agreements" / set_name / f"{SETS[set_name]}.yaml"
    texts = list(shown_texts(yaml.safe_load(source.read_text(encoding="utf-8"))))
    assert len(texts) > 30
    text = all_text(docx(built, set_name))
    missing = [(k, t) for k, t in texts if t not in text]
    assert not missing, f"{set_name} mangler {missing[:5]}"
    assert "{{" not in text and "{%" not in text and "\ue000" not in text


def test_funding_model_total_and_rounded_total_are_computed(built):
    path = docx(built, "bydelsmoedre")
    budget = table_with(path, "1.000 kr. – 2011 p/l")
    assert budget[0] == ["1.000 kr. – 2011 p/l", "2011"]
    assert [r for r in budget if r[1]] [1:] == [
        ["Projektsekretariat: løn til koordinator", "500"],
        ["Udvikling af et selvbærende koncept for den frivillige indsats", "250"],
        ["Uddannelse, materialer og supervision af frivillige koordinatorer og nye bydelsmødre", "345"],
        ["Effektmål: opstilling, evaluering og monitorering", "75"],
        ["Kontorhold, administration og husleje", "200"],
        ["Serviceudgifter i alt", "1.370"],
        ["Budget i alt", "1.370"]]
    financing = table_with(path, "Kilde")
    assert financing[1:] == [
        ["Københavns Kommune, Den tværgående integrationspulje", "800", "0,8 mio. kr.", ""],
        ["Fonden for Socialt Ansvar (dækker resten)", "570", "0,6 mio. kr.",
         "Fondens sekretariatschef har givet forhåndstilsagn om at sikre resten af finansieringen."],
        ["I alt", "1.370", "1,4 mio. kr.", ""]]
    text = all_text(path)
    assert "Budgettet er på i alt 1.370.000 kr., afrundet 1,4 mio. kr." in text
    assert "Minimum tre lokale foreninger af frivillige bydelsmødre er etableret i København" in text
    assert "Minimum 15 lokale og frivillige foreningskoordinatorer er uddannet" in text
    assert "Senest 31. december 2011 skal følgende være opfyldt:" in text


def test_the_rounded_total_follows_the_lines(tmp_path):
    """The '1,4 mio. kr.' is computed from the lines: change a line and both figures move together."""
    folder = _copy("bydelsmoedre", tmp_path)
    edit(folder / "finansieringsmodel.yaml", "beloeb: 500}", "beloeb: 600}")
    assert main(["build", str(folder), "-o", str(tmp_path / "ud")]) == 0
    path = tmp_path / "ud/bydelsmoedre/finansieringsmodel.docx"
    assert "Budgettet er på i alt 1.470.000 kr., afrundet 1,5 mio. kr." in all_text(path)
    assert table_with(path, "Kilde")[2][1:3] == ["670", "0,7 mio. kr."]


def test_pools_unit_price_is_computed(built):
    path = docx(built, "mentorpuljer")
    text = all_text(path)
    assert "Forventet omfang i alt: ca. 90 match om året, svarende til en enhedspris på ca. 22.000 kr. pr. match" in text
    assert "Der udmøntes 2,0 mio. kr. årligt, i alt 4,0 mio. kr. i perioden." in text
    pools = [dict(row for row in t if len(row) == 2) for t in tables(path) if t[0][0] == "Beløb (1.000 kr.):"]
    assert len(pools) == 2
    for pool, age in zip(pools, ("13–18 år", "18–25 år")):
        assert pool["Beløb (1.000 kr.):"] == "2012: 900, 2013: 900 (0,9 mio. kr. årligt)"
        assert pool["Forventet omfang:"] == "ca. 45 match om året"
        assert pool["Enhedspris:"] == "ca. 20.000 kr. pr. match"  # each pool: 900.000 kr. / ≈45 match
        assert pool["Målgruppe:"].startswith(f"Alder: {age} ")
    assert "1. at godkende, at bevillingen" in text and "6. at de under 18 år" in text
    economy = table_with(path, "1.000 kr. (p/l 2012)")
    assert economy == [["1.000 kr. (p/l 2012)", "2012", "2013", "I alt"],
                       ["Mentorordning for børn og unge under 18 år", "900", "900", "1.800"],
                       ["Mentorordning for unge over 18 år", "900", "900", "1.800"],
                       ["Projektledelse og facilitering af ordningen", "200", "200", "400"],
                       ["I alt", "2.000", "2.000", "4.000"]]
    assert "Beskæftigelses- og Integrationsudvalget, møde den 16. januar 2012" in text
    assert "Radikale Venstre afgav denne protokolbemærkning" in text


def test_partnership_status_table(built):
    path = docx(built, "frivillighed-partnerskab")
    targets, status = [t for t in tables(path) if t and t[0][0] == "Resultatmål"]
    assert targets[1:3] == [["Nye frivillige rekrutteret til arbejdet i boligområderne", "120 frivillige", "31. december 2009"],
                            ["Brugere af aktiviteterne ved den årlige optælling i november", "500 brugere", "31. december 2008"]]
    assert status[0] == ["Resultatmål", "Målsætning", "Opnået", "Kilde og note", "Status"]
    assert status[1:] == [
        ["Nye frivillige rekrutteret til arbejdet i boligområderne", "120 frivillige senest 31. december 2009",
         "140 frivillige (117 %), september 2009",
         "Dansk Flygtningehjælps opgørelse Rekrutteret siden partnerskabets start i august 2008.", "nået"],
        ["Brugere af aktiviteterne ved den årlige optælling i november", "500 brugere senest 31. december 2008",
         "ca. 670 brugere (134 %), november 2008", "Den årlige optælling af brugere", "nået"],
        ["", "575 brugere senest 31. december 2009", "", "", "ingen data"],
        ["Nye frivillige med etnisk minoritetsbaggrund", "18 frivillige senest 31. december 2009",
         "ca. 12 frivillige (67 %), september 2009",
         "Dansk Flygtningehjælps skøn Flere unge med minoritetsbaggrund melder sig; rekrutteringen målrettes dem.",
         "i gang"],  # due 31 December 2009, the status is of 30 September 2009
        ["Nye frivillige mentorer i mentorskabsprogrammet", "60 mentorer senest 31. december 2009",
         "40 mentorer (67 %), september 2009",
         "Mentorskabsprogrammets registrering 32 unge har indtil nu fået en frivillig mentor.", "i gang"]]
    text = all_text(path)
    assert "Status pr. 30. september 2009" in text and "Målsætninger: 2 nået, 2 i gang, 0 ikke nået, 1 uden data." in text
    groups = table_with(path, "Gruppe")
    assert groups[1] == ["Lektiehjælp", "Telemarksgade (Sundholmsvej-kvarteret)", "Helhedsplanen for Sundholmsvej-kvarteret",
                         "to dage om ugen", "Etableret"]
    assert groups[2][3] == "én dag om ugen (planer om at udvide til to dage)"
    assert "3.150.000 kr. for hele perioden, bevilget af Københavns Kommune, Socialforvaltningen til Dansk Flygtningehjælp" in text
    assert "Aftalen dækker 12 boligområder, først og fremmest:" in text


def test_without_status_there_is_no_status_section(tmp_path):
    folder = _copy("frivillighed-partnerskab", tmp_path)
    path = folder / "partnerskabsaftale.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("\nstatus:")] + "\n", encoding="utf-8")
    assert main(["build", str(folder), "-o", str(tmp_path / "ud")]) == 0
    out = all_text(tmp_path / "ud/frivillighed-partnerskab/partnerskabsaftale.docx")
    assert "Status pr." not in out and "ingen data" not in out and "Resultatmål" in out


def test_status_rules_are_small_pure_functions():
    status = partnerskabsaftale.target_status
    assert [status(120, 140), status(60, 60), status(18, 12), status(575, None)] == ["nået", "nået", "ikke nået", "ingen data"]
    # the calendar: not met before the deadline is "i gang", after it "ikke nået"; met is met
    on = "30. september 2009"
    assert [status(18, 12, "31. december 2009", on), status(18, 12, "december 2009", on),
            status(18, 12, "30. juni 2009", on), status(18, 20, "31. december 2009", on),
            status(18, None, "31. december 2009", on)] == ["i gang", "i gang", "ikke nået", "nået", "ingen data"]
    goals = [{"maal": "Brugere", "enhed": "brugere", "maalsaetninger": [
        {"id": "a", "antal": 500, "frist": "31. december 2008"}, {"id": "b", "antal": 575, "frist": "december 2009"}]}]
    rows = partnerskabsaftale.status_rows(goals, [{"maalsaetning": "a", "opnaaet": 670, "cirka": True,
                                                   "dato": "november 2008", "kilde": "Optælling"}])
    assert [(r["maal"], r["opnaaet_tekst"], r["andel_tekst"], r["status"]) for r in rows] == [
        ("Brugere", "ca. 670 brugere", "134\u00a0%", "nået"), ("", "", "", "ingen data")]
    assert rows[1]["maalsaetning_tekst"] == "575 brugere senest december 2009"
    assert partnerskabsaftale.status_summary(rows) == "1 nået, 0 ikke nået, 1 uden data"


def test_money_and_number_helpers():
    mio, rounded, approx = _common.mio_text, _common.rounded_kr, _common.approx_kr_text
    assert mio(1_370_000) == "1,4 mio. kr." and mio(2_000_000) == "2,0 mio. kr."
    assert mio(1_250_000) == "1,3 mio. kr."  # half up, as people round; Python's round() would give 1,2
    assert rounded(22_222.2) == 22_000 and rounded(22_500) == 23_000 and rounded(8_650) == 8_700
    assert approx(20_000) == "20.000 kr."
    assert approx(20_000, estimated=True) == "ca. 20.000 kr."
    assert approx(2_000_000 / 90) == "ca. 22.000 kr."
    assert [_common.number_words(n) for n in (1, 3, 12, 15)] == ["én", "tre", "tolv", "15"]


def test_two_builds_are_byte_identical(tmp_path):
    for name in ("a", "b"):
        assert main(["build", *(str(ROOT / "agreements" / s) for s in SETS), "-o", str(tmp_path / name)]) == 0
    for set_name in SETS:
        assert docx(tmp_path / "a", set_name).read_bytes() == docx(tmp_path / "b", set_name).read_bytes(), set_name


@pytest.mark.parametrize("set_name", sorted(SETS))
def test_default_template_fits_the_model(run, set_name):
    code, _, err = run("check-template", ROOT / f"templates/{SETS[set_name]}.docx", "--kind", SETS[set_name],
                       "--saet", f"agreements/{set_name}")
    assert code == 0, err


def test_libreoffice_converts_every_document(built, tmp_path):
    expected = {"frivillighed-partnerskab": "i gang", "bydelsmoedre": "1,4 mio. kr.",
                "mentorpuljer": "ca. 22.000 kr. pr. match"}
    for set_name, needle in expected.items():
        pdf = convert(docx(built, set_name), "pdf", tmp_path / set_name)
        text = pdf_text(pdf)
        assert needle in text, set_name
        assert "{{" not in text and "{%" not in text, set_name


# ---------------------------------------------------------------- one broken example per rule

# case: (set, old text, new text, needle on the reported line (or (needle, n) for its n-th line),
#        text at the reported column, message pattern)
P, F, U = "frivillighed-partnerskab", "bydelsmoedre", "mentorpuljer"
CASES = {
    # partnerskabsaftale
    "p-periode": (P, "til: 31. december 2010}", "til: 31. december 2007}", "periode: {fra: 1. august 2008", "31. december 2007",
                  r"perioden slutter \(31\. december 2007\) før den begynder \(1\. august 2008\)"),
    "p-bevilling-part": (P, "  til: dfh", "  til: dhf", "  til: dhf", "dhf",
                         r"'dhf' henviser ikke til en af aftalens parter; mente du 'dfh'\?"),
    "p-bevilling-enhed": (P, "  enhed: kr\n", "  enhed: 1000-kr\n", "beloeb: 3150000", "3150000",
                          r"beløbet 3150000 står i 1\.000 kr\. og ville betyde 3\.150,0 mio\. kr\.; .*Skriv 3150 for"),
    "p-tusindtalspunktum": (P, "opnaaet: 140", "opnaaet: 1.400", "opnaaet: 1.400", "1.400",
                            r"«Opnået» \(status\.resultater\.0\.opnaaet\) er '1\.400': skriv 1400, ikke 1\.400"),
    "p-omraader": (P, "antal: 12", "antal: 4", "antal: 4", "4",
                   r"aftalen dækker 4 boligområder, men 5 er navngivet"),
    "p-frist": (P, "antal: 120, frist: 31. december 2009", "antal: 120, frist: 31. december 2011", "antal: 120", "31. december 2011",
                r"fristen 31\. december 2011 for 'Nye frivillige rekrutteret .*' ligger uden for aftalens periode"),
    "p-raekkefoelge": (P, "antal: 575, frist: 31. december 2009", "antal: 575, frist: 30. november 2008", "antal: 575",
                       "30. november 2008", r"skal stå i tidsorden; 30\. november 2008 kommer ikke efter den forrige frist"),
    "p-gruppe-omraade": (P, "boligomraade: sundholmsvej", "boligomraade: sundholmsvejen", "boligomraade: sundholmsvejen",
                         "sundholmsvejen", r"'sundholmsvejen' henviser ikke til et navngivet boligområde; mente du 'sundholmsvej'\?"),
    "p-gruppe-start": (P, "    aabent: {dage_pr_uge: 2}\n    status: etableret\n  - id: lektiehjaelp-gadelandet",
                       "    aabent: {dage_pr_uge: 2}\n    status: etableret\n    fra: marts 2008\n  - id: lektiehjaelp-gadelandet",
                       "fra: marts 2008", "marts 2008", r"gruppen 'Lektiehjælp' starter marts 2008, uden for aftalens periode"),
    "p-status-reference": (P, "maalsaetning: frivillige-2009", "maalsaetning: frivilige-2009", "frivilige-2009",
                           "frivilige-2009", r"'frivilige-2009' henviser ikke til en målsætning.*mente du 'frivillige-2009'\?"),
    "p-status-to-gange": (P, "maalsaetning: mentorer-2009", "maalsaetning: frivillige-2009",
                          ("maalsaetning: frivillige-2009", 2),
                          "frivillige-2009", r"målsætningen 'frivillige-2009' har allerede et resultat \(linje \d+\)"),
    "p-status-efter-statusdato": (P, "dato: september 2009\n      kilde: Mentorskabsprogrammets",
                                  "dato: oktober 2009\n      kilde: Mentorskabsprogrammets", "dato: oktober 2009",
                                  "oktober 2009", r"opgjort oktober 2009, efter statusdatoen 30\. september 2009"),
    "p-status-foer-start": (P, "dato: november 2008", "dato: juni 2008", "dato: juni 2008", "juni 2008",
                            r"resultatet er opgjort juni 2008, før aftalen begyndte"),
    "p-statusdato": (P, "  dato: 30. september 2009", "  dato: 30. juni 2008", "dato: 30. juni 2008", "30. juni 2008",
                     r"statusdatoen 30\. juni 2008 ligger før aftalen begyndte"),
    "p-beregnet-status": (P, "      opnaaet: 140\n", "      opnaaet: 140\n      status: nået\n", "status: nået", "status",
                          r"'status' beregnes af værktøjet \(nået, i gang, ikke nået eller ingen data\) og må ikke skrives"),
    # finansieringsmodel
    "f-enhed": (F, "beloeb: 500}", "beloeb: 500000}", "beloeb: 500000", "500000",
                r"beløbet 500000 står i 1\.000 kr\. og ville betyde 500,0 mio\. kr\.; er det skrevet i kr\.\? Skriv 500 for 500\.000 kr\."),
    "f-beregnet-total": (F, "  prisniveau: 2011 p/l\n", "  prisniveau: 2011 p/l\n  i_alt: 1370\n", "i_alt: 1370", "i_alt",
                         r"'i_alt' beregnes af værktøjet \(summen af alle udgiftsposter\) og må ikke skrives; slet feltet"),
    "f-beregnet-gruppe": (F, "      navn: Serviceudgifter\n", "      navn: Serviceudgifter\n      i_alt: 1.4\n", "i_alt: 1.4",
                          "i_alt", r"'i_alt' beregnes af værktøjet \(summen af gruppens linjer\)"),
    "f-resten-og-beloeb": (F, "      resten: true\n", "      resten: true\n      beloeb: 570\n", "resten: true", "resten",
                           r"'Fonden for Socialt Ansvar' har både et beløb og resten: true"),
    "f-intet-beloeb": (F, "      resten: true\n", "      resten: false\n", "- id: fonden-resten", "id: fonden-resten",
                       r"'Fonden for Socialt Ansvar' mangler et beløb \(eller resten: true"),
    "f-to-rester": (F, "      beloeb: 800\n", "      resten: true\n", ("resten: true", 2), "resten",
                    r"kun én kilde kan dække resten af budgettet"),
    "f-balance": (F, "      resten: true\n", "      beloeb: 500\n", "  finansiering:", "finansiering",
                  r"finansieringen \(1\.300\) svarer ikke til budgettet \(1\.370\); der er 70 for lidt"),
    "f-over-budget": (F, "      beloeb: 800\n", "      beloeb: 1500\n", "  finansiering:", "finansiering",
                      r"de faste bidrag \(1\.500\) er større end budgettet \(1\.370\)"),
    "f-frist": (F, "frist: 31. december 2011", "frist: 31. marts 2012", "frist: 31. marts 2012", "31. marts 2012",
                r"fristen for succeskriterierne \(31\. marts 2012\) ligger uden for budgetåret 2011"),
    # puljeudmoentning
    "u-periode": (U, "til: 31. december 2013}", "til: 31. december 2011}", "periode: {fra: 1. januar 2012", "31. december 2011",
                  r"perioden slutter \(31\. december 2011\) før den begynder"),
    "u-aar-uden-for": (U, "beloeb: {2012: 900, 2013: 900}", "beloeb: {2012: 900, 2013: 900, 2014: 900}", "2014: 900", "2014",
                       r"'Mentorordning for børn og unge under 18 år': året 2014 ligger uden for perioden \(2012-2013\)"),
    "u-aar-mangler": (U, "beloeb: {2012: 200, 2013: 200}", "beloeb: {2012: 200}", "beloeb: {2012: 200}", "beloeb",
                      r"'Projektledelse og facilitering af ordningen' mangler et beløb for 2013"),
    "u-enhed": (U, "bevilling_pr_aar: 2000", "bevilling_pr_aar: 2000000", "bevilling_pr_aar", "2000000",
                r"beløbet 2000000 står i 1\.000 kr\. .*Skriv 2000 for 2\.000\.000 kr\."),
    "u-balance": (U, "bevilling_pr_aar: 2000", "bevilling_pr_aar: 2100", "bevilling_pr_aar", "2100",
                  r"puljer og fælles udgifter giver 2\.000 i 2012, men bevillingen er 2\.100 om året; der er fordelt 100 for lidt"),
    "u-alder": (U, "alder: {fra: 18, til: 25}", "alder: {fra: 25, til: 18}", "alder: {fra: 25", "18}",
                r"aldersgruppen for 'Mentorordning for unge over 18 år' slutter \(18 år\) før den begynder \(25 år\)"),
    "u-enhed-omfang": (U, "    forventet: {antal: 45, enhed: match, cirka: true}\n    visitation: Den udgående",
                       "    forventet: {antal: 45, enhed: forløb, cirka: true}\n    visitation: Den udgående",
                       "enhed: forløb", "forløb", r"samme enhed \('match', ikke 'forløb'\)"),
    "u-beregnet-enhedspris": (U, "    navn: Mentorordning for unge over 18 år\n",
                              "    navn: Mentorordning for unge over 18 år\n    enhedspris: 20000\n", "enhedspris: 20000",
                              "enhedspris", r"'enhedspris' beregnes af værktøjet \(puljens beløb pr\. år delt med"),
    "u-organ": (U, "organ: biu", "organ: bif", "organ: bif", "bif",
                r"'bif' henviser ikke til et udvalg under 'behandling'; mente du 'biu'\?"),
    "u-beslutning-foer-indstilling": (U, 'sagsnr: "2011-170164"\n', 'sagsnr: "2011-170164"\ndato: 1. februar 2012\n',
                                      "dato: 11. januar 2012", "11. januar 2012",
                                      r"beslutningen er dateret 11\. januar 2012, før indstillingens dato \(1\. februar 2012\)"),
}


def _copy(set_name, tmp_path):
    """A writable copy of an example set, its schema line pointing at the project's editor schemas."""
    target = tmp_path / set_name
    shutil.copytree(ROOT / "agreements" / set_name, target)
    for path in target.glob("*.yaml"):
        edit(path, "$schema=../../.aftaler/skemaer/", f"$schema={ROOT}/.aftaler/skemaer/")
    return target


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_rule_reports_its_position_in_danish(case, tmp_path, capsys, monkeypatch):
    set_name, old, new, needle, at, pattern = CASES[case]
    folder = _copy(set_name, tmp_path)
    path = folder / f"{SETS[set_name]}.yaml"
    edit(path, old, new)
    lines = path.read_text(encoding="utf-8").splitlines()
    needle, nth = needle if isinstance(needle, tuple) else (needle, 1)
    line = [i for i, text in enumerate(lines, start=1) if needle in text][nth - 1]
    column = lines[line - 1].index(at) + 1
    monkeypatch.chdir(ROOT)

    code = main(["validate", str(folder)])
    err = capsys.readouterr().err

    assert code == 1, err
    assert "Traceback" not in err
    matching = [m for m in err.splitlines() if re.search(pattern, m)]
    assert matching, f"ingen linje matcher {pattern!r} i:\n{err}"
    position = re.match(r"^(.+?):(\d+):(\d+): fejl: ", matching[0])
    assert position, matching[0]
    assert position.group(1).endswith(path.name)
    assert (int(position.group(2)), int(position.group(3))) == (line, column), matching[0]
