"""Funding rounds as data: the 2015-18 round shipped beside 2019-26, a set's own catalogue, `new
--pulje`, the schema made per round, and the required agreement documents."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from aftaler.authoring.round_schemas import round_schema
from aftaler.project import Project
from conftest import ROOT, edit, line_of
from docx_reader import part_paragraphs

EXAMPLE = ROOT / "agreements" / "vestparken-2015-18"
PROJECT = Project()


def _copy(folder: Path, target: Path) -> Path:
    shutil.copytree(folder, target)
    for path in target.glob("*.yaml"):  # schema paths relative to the copy's location
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("$schema=../../schemas/", f"$schema={ROOT}/schemas/"), encoding="utf-8")
    return target


def _headings(path: Path) -> list[str]:
    """The numbered sections: the Word file's level-1 headings after the agreement documents."""
    import docx
    found = [p.text for p in docx.Document(str(path)).paragraphs if p.style.name == "Heading 1"]
    return [h for h in found if h[:1].isdigit()]


def test_the_2015_18_example_validates_and_builds_in_its_own_form(run, tmp_path):
    code, _, err = run("validate", EXAMPLE)
    assert code == 0 and "advarsel" not in err, err
    code, _, err = run("build", EXAMPLE, "-o", tmp_path)
    assert code == 0, err
    word = tmp_path / EXAMPLE.name / "samarbejdsaftale.docx"
    paragraphs = part_paragraphs(word)
    assert _headings(word) == ["1. Formål", "2. Organisering", "3. Kort om boligområdet",
                               "4. Samspil med centrale tiltag og indsatser i boligområdet", "5. Indsatsområder",
                               "6. Lokal evaluering", "7. Revision af samarbejdsaftalen"]
    areas = paragraphs[paragraphs.index("5. Indsatsområder"):paragraphs.index("6. Lokal evaluering")]
    assert "Tryghed og trivsel" in areas and "Uddannelse og beskæftigelse" in areas
    # The agreement documents are the round's list, the delaftaler by name.
    assert "Delaftale for indsatsområdet Tryghed og trivsel" in paragraphs
    assert "Et aktivitetsskema i Landsbyggefondens skabelon" in paragraphs
    text = "\n".join(paragraphs)
    assert "Landsbyggefondens 2015-18-midler" in text
    assert "2019-26" not in text and "Vision for boligområdet" not in text and "Overordnede mål og indikatorer" not in text
    budget = "\n".join(part_paragraphs(tmp_path / EXAMPLE.name / "budget.docx"))
    assert "2015-18-midlerne" in budget
    page = (tmp_path / "site" / EXAMPLE.name / "samarbejdsaftale.html").read_text(encoding="utf-8")
    assert "1. Formål" in page and "Vision for boligområdet" not in page


def test_2019_26_ids_are_refused_in_a_2015_18_set_with_a_hint(run, tmp_path):
    folder = _copy(EXAMPLE, tmp_path / "saet")
    agreement = folder / "samarbejdsaftale.yaml"
    edit(agreement, "  - omraade: uddannelse-og-beskaeftigelse", "  - omraade: beskaeftigelse")
    code, _, err = run("validate", folder)
    assert code == 1
    line = line_of(agreement, "  - omraade: beskaeftigelse")
    assert (f"samarbejdsaftale.yaml:{line}:14: fejl: 'beskaeftigelse' er ikke en gyldig værdi for «Indsatsområde» "
            "(indsatsomraader.1.omraade); mente du 'uddannelse-og-beskaeftigelse'?") in err
    # The same id is right in a 2019-26 set: the schemas name no round.
    edit(agreement, 'pulje: "2015-18"', 'pulje: "2019-26"')
    code, _, err = run("validate", folder)
    assert "'beskaeftigelse' er ikke en gyldig værdi" not in err
    assert "'tryghed-og-trivsel' er ikke en gyldig værdi for «Indsatsområde»" in err


def test_a_section_of_another_rounds_form_is_refused_not_lost(run, tmp_path):
    """2015-18's form has no table of fixed indicators and no vision; 2019-26's has no purpose
    section. Text written there would print nowhere, so it is an unknown field."""
    folder = _copy(EXAMPLE, tmp_path / "saet")
    agreement = folder / "samarbejdsaftale.yaml"
    edit(agreement, "# 5. Indsatsområder\n",
         '# 5. Indsatsområder\nmaal_og_indikatorer:\n  - indikator: restgruppen-15-29\n'
         '    baseline_boligomraade: [{vaerdi: 19.3}]\n    baseline_kommune: [{vaerdi: 13.5}]\n    baseline_aar: "2017"\n')
    code, _, err = run("validate", folder)
    assert code == 1
    line = line_of(agreement, "maal_og_indikatorer:")
    assert f"samarbejdsaftale.yaml:{line}:1: fejl: ukendt felt 'maal_og_indikatorer'" in err


def test_the_2019_26_form_has_no_purpose_section(run, small_set):
    edit(small_set / "samarbejdsaftale.yaml", 'pulje: "2019-26"\n', 'pulje: "2019-26"\nformaal: Et formål\n')
    code, _, err = run("validate", small_set)
    assert code == 1 and "fejl: ukendt felt 'formaal'" in err


def test_an_unknown_round_is_named_with_the_rounds_there_are(run, small_set):
    agreement = small_set / "samarbejdsaftale.yaml"
    edit(agreement, 'pulje: "2019-26"', 'pulje: "2027-30"')
    code, _, err = run("validate", small_set)
    assert code == 1
    line = line_of(agreement, 'pulje: "2027-30"')
    assert (f"samarbejdsaftale.yaml:{line}:8: fejl: '2027-30' er ikke en gyldig værdi for «Pulje» (pulje); "
            "mulige værdier: 2015-18, 2019-26") in err
    assert "1 fejl, 0 advarsler" in err  # no follow-on errors in the other files


def test_a_set_brings_its_own_round_and_its_catalogue_overrides(run, tmp_path):
    folder = _copy(EXAMPLE, tmp_path / "saet")
    catalogue = yaml.safe_load((ROOT / "catalogue" / "lbf-2015-18.yaml").read_text(encoding="utf-8"))
    # A round the toolkit does not ship: the set's own catalogue makes it known.
    new_round = dict(catalogue, pulje="2027-30", navn="Landsbyggefondens 2027-30-midler")
    new_round["formular"]["samarbejdsaftale"]["afsnit"]["formaal"] = "1. Indsatsens formål"
    (folder / "catalogue").mkdir()
    (folder / "catalogue" / "lbf-2027-30.yaml").write_text(yaml.safe_dump(new_round, allow_unicode=True), encoding="utf-8")
    edit(folder / "samarbejdsaftale.yaml", 'pulje: "2015-18"', 'pulje: "2027-30"')
    code, _, err = run("build", folder, "-o", tmp_path / "ud")
    assert code == 0, err
    word = tmp_path / "ud" / "saet" / "samarbejdsaftale.docx"
    assert _headings(word)[0] == "1. Indsatsens formål"
    assert "Landsbyggefondens 2027-30-midler" in part_paragraphs(word)
    # The set's catalogue for a shipped round wins over the toolkit's (set > repository > packaged).
    edit(folder / "samarbejdsaftale.yaml", 'pulje: "2027-30"', 'pulje: "2015-18"')
    own = dict(catalogue)
    own["indsatsomraader"] = [dict(a, navn="Tryghed og trivsel i hverdagen") if a["id"] == "tryghed-og-trivsel" else a
                              for a in catalogue["indsatsomraader"]]
    (folder / "catalogue" / "lbf-2015-18.yaml").write_text(yaml.safe_dump(own, allow_unicode=True), encoding="utf-8")
    code, _, err = run("build", folder, "-o", tmp_path / "ud")  # the catalogue counts for freshness: rebuilt
    assert code == 0, err
    assert "Tryghed og trivsel i hverdagen" in part_paragraphs(word)
    # A catalogue that is not YAML is reported where it breaks, and nothing is built.
    (folder / "catalogue" / "lbf-2015-18.yaml").write_text("pulje: [2015-18\n", encoding="utf-8")
    code, _, err = run("validate", folder)
    assert code == 1 and "catalogue/lbf-2015-18.yaml:2:1: fejl: kataloget er ikke gyldig YAML" in err


def test_new_with_pulje_2015_18_scaffolds_a_set_that_validates_and_builds(run, tmp_path):
    code, _, err = run("new", "lbf", "Boligsocial indsats i Søndermarken", "--pulje", "2015-18",
                       "--areas", "kriminalpraeventiv-indsats,forebyggelse-og-foraeldreansvar",
                       "--fra", "1. januar 2017", "--til", "31. december 2020",
                       "--part", "Boligselskabet Syd:boligorganisation", "--part", "Sydby Kommune:kommune",
                       "--mappe", tmp_path)
    assert code == 0, err
    assert "0 fejl" in err and "advarsel: ikke udfyldt endnu: formaal" in err
    folder = tmp_path / "boligsocial-indsats-i-soendermarken"
    data = yaml.safe_load((folder / "samarbejdsaftale.yaml").read_text(encoding="utf-8"))
    assert data["pulje"] == "2015-18" and "formaal" in data
    assert "vision" not in data and "maal_og_indikatorer" not in data
    assert [a["omraade"] for a in data["indsatsomraader"]] == ["kriminalpraeventiv-indsats", "forebyggelse-og-foraeldreansvar"]
    assert (folder / "delaftale-forebyggelse-og-foraeldreansvar.yaml").exists()
    code, _, err = run("build", folder, "-o", tmp_path / "ud")
    assert code == 0, err
    assert _headings(tmp_path / "ud" / folder.name / "samarbejdsaftale.docx")[0] == "1. Formål"
    code, _, err = run("new", "lbf", "X", "--pulje", "2011-14", "--areas", "sundhed", "--fra", "1. januar 2012",
                       "--til", "31. december 2014", "--part", "A:boligorganisation", "--mappe", tmp_path)
    assert code == 2 and "ukendt pulje '2011-14'; mulige: 2015-18, 2019-26" in err


def test_missing_agreement_documents_warn_in_validate_and_stop_build(run, small_set, tmp_path):
    (small_set / "budget.yaml").unlink()
    (small_set / "kommissorium.yaml").unlink()
    code, _, err = run("validate", small_set)
    assert code == 0, err
    line = line_of(small_set / "samarbejdsaftale.yaml", "pulje:")
    assert (f"samarbejdsaftale.yaml:{line}:1: advarsel: aftalesættet mangler et budget (en fil med skemaet "
            "budget.schema.json), som puljen 2019-26 kræver blandt aftaledokumenterne") in err
    assert "advarsel: aftalesættet mangler et kommissorium for bestyrelsen" in err
    code, _, err = run("build", small_set, "-o", tmp_path / "ud")
    assert code == 1
    assert "fejl: aftalesættet mangler et budget" in err and "build laver ikke filerne til upload uden" in err
    assert not (tmp_path / "ud").exists()


def test_each_round_requires_its_own_documents(run, tmp_path):
    folder = _copy(EXAMPLE, tmp_path / "saet")
    (folder / "kommissorium.yaml").unlink()  # not among the 2015-18 agreement documents
    code, _, err = run("build", folder, "-o", tmp_path / "ud")
    assert code == 0 and "mangler" not in err, err
    (folder / "milepaelsplan.yaml").unlink()
    code, _, err = run("validate", folder)
    assert code == 0 and "advarsel: aftalesættet mangler en milepælsplan for den samlede projektperiode" in err


def test_round_schema_fills_in_the_rounds_ids_and_leaves_the_schema_alone():
    schemas = PROJECT.schema_documents()
    agreement = schemas["samarbejdsaftale.schema.json"]
    before = json.dumps(agreement, sort_keys=True)
    old, new = PROJECT.catalogues()["2019-26"], PROJECT.catalogues()["2015-18"]
    for_new = round_schema(agreement, new)
    area = for_new["definitions"]["indsatsomraade"]["properties"]["omraade"]
    assert area["enum"] == [a["id"] for a in new["indsatsomraader"]]
    assert area["markdownEnumDescriptions"][1] == "Kriminalpræventiv indsats"
    assert for_new["properties"]["pulje"]["enum"] == ["2015-18"]
    assert "enum" not in for_new["definitions"]["maal_indikator"]["properties"]["indikator"]  # the round fixes none
    assert "formaal" in for_new["required"] and "vision" not in for_new["required"]
    assert "vision" not in for_new["properties"] and "maal_og_indikatorer" not in for_new["properties"]
    for_old = round_schema(agreement, old)
    assert for_old["properties"]["maal_og_indikatorer"]["minItems"] == 1
    assert for_old["properties"]["maal_og_indikatorer"]["maxItems"] == 9
    assert "vision" in for_old["required"] and "formaal" not in for_old["properties"]
    groups = round_schema(schemas["budget.schema.json"], old)["definitions"]["gruppe"]["properties"]["gruppe"]
    assert groups["enum"][0] == "tvaergaaende" and groups["enum"][-1] == "lokal-evaluering"
    assert groups["markdownEnumDescriptions"][1] == "1. Uddannelse og livschancer"
    assert json.dumps(agreement, sort_keys=True) == before


@pytest.mark.parametrize("name, says", [
    ("Tryghed" * 5000, "'navn' har 35.000 tegn; højst 32.000"),
    ("Tryghed\u202eog trivsel", "vender tekstens retning"),
])
def test_a_set_catalogues_texts_are_checked_like_the_sets_own(run, tmp_path, name, says):
    """A set's own catalogue names areas and expense types that go into Word and into one cell of
    the workbook each: too long a text or a refused character is an error at its line and column,
    and nothing is built (it was a crash of the workbook, exit 3)."""
    folder = _copy(EXAMPLE, tmp_path / "saet")
    catalogue = yaml.safe_load((ROOT / "catalogue" / "lbf-2015-18.yaml").read_text(encoding="utf-8"))
    catalogue["indsatsomraader"][0]["navn"] = name
    (folder / "catalogue").mkdir()
    path = folder / "catalogue" / "lbf-2015-18.yaml"
    path.write_text(yaml.safe_dump(catalogue, allow_unicode=True, width=10**6), encoding="utf-8")
    code, _, err = run("build", folder, "-o", tmp_path / "ud")
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "navn: Tryghed" in text)
    assert code == 1 and re.search(rf"catalogue/lbf-2015-18\.yaml:{line}:\d+: fejl: kataloget: .*{re.escape(says)}", err), err
    assert not (tmp_path / "ud").exists()
