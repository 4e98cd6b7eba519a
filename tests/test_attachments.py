"""The attachments the form requires: milepælsplan, beredskabsplan and kommissorium for bestyrelsen.

The examples validate and build; every value an author wrote is read back from the Word file;
references, periods and unknown keys are reported at file:line:col; LibreOffice opens the files.
"""
from __future__ import annotations

import re

import pytest
import yaml

import test_build
from aftaler.load.sets import load_set
from aftaler.cli import main
from aftaler.findings import has_errors
from aftaler.project import Project
from aftaler.render.site import render_site, site_documents
from aftaler.check.validate import validate_set
from conftest import ROOT, edit, line_of
from docx_reader import all_text, normalise, tables
from libreoffice import convert, pdf_text

KINDS = ("milepaelsplan", "beredskabsplan", "kommissorium")
SETS = ("tests/sets/lille", "agreements/amager")
# The attachments' Markdown fields, read as Markdown when comparing with the Word text, and their
# references (ids a reader does not see: the board's name is shown instead).
MARKDOWN = {"handling", "eskalering", "opfoelgning", "indkaldelse", "referat", "beslutninger"}
NOT_SHOWN = {"organ"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Both example sets built once by the CLI, by set path."""
    out = tmp_path_factory.mktemp("ud")
    result = {}
    for set_path in SETS:
        assert main(["build", str(ROOT / set_path), "-o", str(out)]) == 0, set_path
        result[set_path] = out / (ROOT / set_path).name
    return result


@pytest.fixture
def texts(monkeypatch):
    """test_build.shown_texts, with the attachments' Markdown fields and references."""
    monkeypatch.setattr(test_build, "MARKDOWN", test_build.MARKDOWN | MARKDOWN)
    monkeypatch.setattr(test_build, "NOT_SHOWN", test_build.NOT_SHOWN | NOT_SHOWN)
    return test_build.shown_texts


# ------------------------------------------------------------------ the examples


@pytest.mark.parametrize("set_path", SETS)
@pytest.mark.parametrize("kind", KINDS)
def test_every_text_value_is_in_the_word_file(kind, set_path, built, texts):
    source = ROOT / set_path / f"{kind}.yaml"
    assert source.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")
    docx = built[set_path] / f"{kind}.docx"
    text = all_text(docx)
    shown = list(texts(yaml.safe_load(source.read_text(encoding="utf-8"))))
    assert len(shown) > 5
    missing = [(k, t) for k, t in shown if t not in text]
    assert not missing, f"{docx.name} mangler {missing[:5]}"
    assert "{{" not in text and "{%" not in text and "\ue000" not in text


def test_examples_validate_without_warnings(run):
    for set_path in SETS:
        code, _, err = run("validate", set_path)
        assert code == 0, err
        assert not [line for line in err.splitlines() if re.search(rf"({'|'.join(KINDS)})\.yaml:.*advarsel", line)], err


def test_milestones_are_sorted_and_named(built):
    table = next(t for t in tables(built["tests/sets/lille"] / "milepaelsplan.docx") if t[0][0] == "Tidspunkt")
    assert table[1:] == [
        ["15. marts 2024", "Jobcaféen holder åbent hver uge", "Jobcafé (Beskæftigelse)", "Helhedsplanen"],
        ["1. kvartal 2024", "Jobcentret har faste vejledere i caféen To vejledere kommer hver uge.", "Beskæftigelse",
         "Jobcenter Testby"],
        ["4. kvartal 2027", "Den lokale evaluering er formidlet til beboerne", "Tværgående", "Helhedsplanen"],
    ]
    text = all_text(built["tests/sets/lille"] / "milepaelsplan.docx")
    assert "Boligsocial indsats i Testby" in text and "1. januar 2024 – 31. december 2027" in text


def test_amager_milestones_run_in_time_order(built):
    table = next(t for t in tables(built["agreements/amager"] / "milepaelsplan.docx") if t[0][0] == "Tidspunkt")
    quarters = [row[0] for row in table[1:]]
    assert quarters[0] == "1. kvartal 2022" and quarters[-1] == "31. december 2025"
    order = {"1. kvartal": 1, "marts": 1, "2. kvartal": 2, "juni": 2, "3. kvartal": 3, "4. kvartal": 4, "december": 4}
    keys = [(int(q[-4:]), next(v for k, v in order.items() if k in q)) for q in quarters]
    assert keys == sorted(keys)
    assert ["Superkræfter (Uddannelse og livschancer)", "Ældresagen"] == table[2][2:]


def test_iso_dates_are_shown_in_danish(small_set, tmp_path):
    edit(small_set / "milepaelsplan.yaml", "tidspunkt: 15. marts 2024", "tidspunkt: 2024-03-15")
    assert main(["build", str(small_set), "-o", str(tmp_path / "ud")]) == 0
    text = all_text(tmp_path / "ud" / "lille" / "milepaelsplan.docx")
    assert "15. marts 2024" in text and "2024-03-15" not in text


def test_optional_rows_are_left_out(built):
    docx = built["tests/sets/lille"] / "beredskabsplan.docx"
    first, second = [t for t in tables(docx) if t[0][0] in ("Kendetegn:", "Handling:")]
    assert [row[0] for row in first] == ["Kendetegn:", "Handling:", "Ansvarlig:", "Eskalering:", "Kontakt:"]
    assert second == [["Handling:", "Lederen sikrer medarbejderen og anmelder forholdet."], ["Ansvarlig:", "Testby Kommune"]]


def test_kommissorium_takes_name_and_tasks_from_the_agreement(built, small_set, tmp_path):
    text = all_text(built["agreements/amager"] / "kommissorium.docx")
    assert "Kommissorium for Bydelsbestyrelsen for Amager og VVVK" in text
    assert "Bestyrelsen har 11 pladser:" in text
    agreement = yaml.safe_load((ROOT / "agreements/amager/samarbejdsaftale.yaml").read_text(encoding="utf-8"))
    board = next(o for o in agreement["organisering"]["organer"] if o["id"] == "bydelsbestyrelsen-amager-vvvk")
    assert all(normalise(task) in text for task in board["opgaver"])

    small = all_text(built["tests/sets/lille"] / "kommissorium.docx")
    assert "Kommissorium for Bestyrelsen" in small and "Følge op på mål" in small and "Bestyrelsen har 4 pladser:" in small
    edit(small_set / "kommissorium.yaml", "moeder:\n", "opgaver:\n  - Godkende årsplanen\nmoeder:\n")
    assert main(["build", str(small_set), "-o", str(tmp_path / "ud")]) == 0
    own = all_text(tmp_path / "ud" / "lille" / "kommissorium.docx")
    assert "Godkende årsplanen" in own and "Følge op på mål" not in own


@pytest.mark.parametrize("kind", KINDS)
def test_templates_use_only_the_model(kind, run):
    code, _, err = run("check-template", f"templates/{kind}.docx", "--kind", kind, "--saet", "agreements/amager")
    assert code == 0, err


# ------------------------------------------------------------------ bad input

# (file, old text, new text, needle marking the line reported, expected message pattern)
CASES = {
    "ukendt-aktivitet": ("milepaelsplan.yaml", "aktivitet: jobcafe", "aktivitet: jobcaf", "aktivitet: jobcaf",
                         r"'jobcaf' henviser ikke til en aktivitet i en delaftale; mente du 'jobcafe'\?"),
    "omraade-ikke-valgt": ("milepaelsplan.yaml", "indsatsomraade: beskaeftigelse", "indsatsomraade: kriminalitetsforebyggelse",
                           "indsatsomraade: krim", r"indsatsområdet 'Kriminalitetsforebyggelse' er ikke valgt i samarbejdsaftalen"),
    "aktivitet-og-omraade": ("milepaelsplan.yaml", "    aktivitet: jobcafe\n",
                             "    aktivitet: jobcafe\n    indsatsomraade: beskaeftigelse\n", "indsatsomraade: beskaeftigelse\n    part: helhedsplanen",
                             r"skriv enten 'aktivitet' eller 'indsatsomraade', ikke begge"),
    "milepael-efter-perioden": ("milepaelsplan.yaml", "tidspunkt: 4. kvartal 2027", "tidspunkt: 1. kvartal 2028",
                                "tidspunkt: 1. kvartal 2028",
                                r"milepælen \(1\. kvartal 2028\) ligger uden for samarbejdsaftalens periode \(1\. januar 2024 – 31\. december 2027"),
    "milepael-foer-perioden": ("milepaelsplan.yaml", "tidspunkt: 15. marts 2024", "tidspunkt: 2023-12-31",
                               "tidspunkt: 2023-12-31", r"milepælen \(31\. december 2023\) ligger uden for"),
    "ugyldigt-kvartal": ("milepaelsplan.yaml", "tidspunkt: 1. kvartal 2024", "tidspunkt: 5. kvartal 2024",
                         "tidspunkt: 5. kvartal", r"«Tidspunkt \(dato eller kvartal\)».* er '5\. kvartal 2024', som ikke er en gyldig dato"),
    "ukendt-felt-milepael": ("milepaelsplan.yaml", "    part: jobcenter\n", "    part: jobcenter\n    ansvarlig: jobcenter\n",
                             "ansvarlig: jobcenter", r"ukendt felt 'ansvarlig' i «Milepæle?» \(milepaele\.1\)"),
    "ukendt-part-beredskab": ("beredskabsplan.yaml", "    part: kommunen", "    part: kommunne", "part: kommunne",
                              r"'kommunne' henviser ikke til en part i samarbejdsaftalen eller en delaftale.*mente du 'kommunen'\?"),
    "ukendt-felt-beredskab": ("beredskabsplan.yaml", "    handling: Lederen", "    handlinger: Lederen", "handlinger: Lederen",
                              r"ukendt felt 'handlinger' i «Situation(er)?».*mente du 'handling'\?"),
    "ukendt-part-medlem": ("kommissorium.yaml", "    part: kommunen", "    part: kommune", "part: kommune",
                           r"'kommune' henviser ikke til en part.*mente du 'kommunen'\?"),
    "ukendt-sekretariat": ("kommissorium.yaml", "  part: helhedsplanen", "  part: helhedsplan", "part: helhedsplan",
                           r"'helhedsplan' henviser ikke til en part.*mente du 'helhedsplanen'\?"),
    "ukendt-organ": ("kommissorium.yaml", "formaal:", "organ: bestyrelse\nformaal:", "organ: bestyrelse",
                     r"'bestyrelse' henviser ikke til en bestyrelse i samarbejdsaftalens organisering.*mente du 'bestyrelsen'\?"),
    "ukendt-felt-kommissorium": ("kommissorium.yaml", "  hyppighed: Fire", "  hyppigheden: Fire", "hyppigheden: Fire",
                                 r"ukendt felt 'hyppigheden' i «Møder».*mente du 'hyppighed'\?"),
    "medlem-uden-part": ("kommissorium.yaml", "    part: bo-a\n    titel: Direktør\n", "    titel: Direktør\n",
                         "id: medlem-bo-a", r"«Medlem(mer)?» \(medlemmer\.0\) skal have et af felterne 'organisation' eller 'part'"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_reported_with_position(case, run, small_set, tmp_path):
    name, old, new, needle, pattern = CASES[case]
    path = small_set / name
    edit(path, old, new)
    expected_line = line_of(path, needle) if "\n" not in needle else _line_of_pair(path, *needle.split("\n"))
    out_dir = tmp_path / "ud"

    code, out, err = run("build", small_set, "-o", out_dir)

    assert code == 1, err
    assert "Traceback" not in err + out
    lines = [line for line in err.splitlines() if re.search(pattern, line)]
    assert lines, f"no line matches {pattern!r} in:\n{err}"
    position = re.match(r"^(.+?):(\d+):(\d+): fejl: ", lines[0])
    assert position, lines[0]
    assert position.group(1).endswith(name)
    assert int(position.group(2)) == expected_line, lines[0]
    assert int(position.group(3)) > 1
    assert not out_dir.exists(), "a failed build must not write anything"


def _line_of_pair(path, first, second):
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines[:-1], start=1) if first in line and second in lines[i])


def test_milestone_outside_its_delaftale_is_reported(run, small_set):
    edit(small_set / "delaftale-beskaeftigelse.yaml", "  fra: januar 2024", "  fra: juli 2024")
    code, _, err = run("validate", small_set)
    assert code == 1
    line = line_of(small_set / "milepaelsplan.yaml", "tidspunkt: 15. marts 2024")
    assert re.search(rf"milepaelsplan\.yaml:{line}:\d+: fejl: milepælen \(15\. marts 2024\) ligger uden for "
                     r"delaftalens periode \(juli 2024 – 31\. december 2027", err), err


def test_missing_tasks_and_missing_agreement(run, small_set):
    edit(small_set / "samarbejdsaftale.yaml", "      opgaver:\n        - Følge op på mål\n", "")
    code, _, err = run("validate", small_set)
    assert code == 1 and re.search(r"kommissorium\.yaml:2:1: fejl: kommissoriet mangler bestyrelsens opgaver", err), err
    (small_set / "samarbejdsaftale.yaml").unlink()
    code, _, err = run("validate", small_set)
    assert code == 1
    for kind in KINDS:
        assert re.search(rf"{kind}\.yaml:2:1: fejl: aftalesættet mangler en strategisk samarbejdsaftale", err), kind


def test_a_party_without_a_seat_is_a_warning(run, small_set):
    edit(small_set / "kommissorium.yaml", "  - id: medlem-kommunen\n    part: kommunen\n    titel: Centerchef\n"
                                          "    rolle: Næstformand\n", "")
    code, _, err = run("validate", small_set)
    line = line_of(small_set / "kommissorium.yaml", "medlemmer:")
    assert code == 0, err
    assert f"kommissorium.yaml:{line}:1: advarsel: aftalens part 'Testby Kommune' har ingen plads i bestyrelsen" in err


# ------------------------------------------------------------------ site and a real client


def test_site_pages_show_the_attachments_and_public_mode_hides_names(small_set):
    edit(small_set / "kommissorium.yaml", "    titel: Centerchef\n", "    titel: Centerchef\n    navn: Yyyy Yyyy\n")
    project = Project()
    aset, findings = load_set(small_set)
    assert not has_errors(findings + validate_set(aset, project))
    docs = site_documents(aset, project)
    pages = render_site(docs)
    milestones = pages["lille/milepaelsplan.md"].decode()
    assert milestones.index("15\\. marts 2024") < milestones.index("1\\. kvartal 2024") < milestones.index("4\\. kvartal 2027")
    assert "(delaftale-beskaeftigelse.md#jobcafe)" in milestones
    assert "Yyyy Yyyy" in pages["lille/kommissorium.html"].decode()
    public = render_site(docs, public=True)["lille/kommissorium.html"].decode()
    assert "Yyyy Yyyy" not in public and "Centerchef" in public and "udeladt i den offentlige udgave" in public


@pytest.mark.parametrize("kind", KINDS)
def test_libreoffice_converts_the_attachment(kind, built, tmp_path):
    pdf = convert(built["agreements/amager"] / f"{kind}.docx", "pdf", tmp_path)
    text = pdf_text(pdf)
    expected = {"milepaelsplan": ["Milepælsplan", "1. kvartal 2022", "Fælles kontor og baser"],
                "beredskabsplan": ["Beredskabsplan", "Opfølgning på planen", "Trusler eller vold mod en medarbejder"],
                "kommissorium": ["Kommissorium for Bydelsbestyrelsen", "6. Beslutninger", "Lokalpolitiets leder"]}[kind]
    for phrase in expected:
        assert phrase in text, f"{kind}.pdf mangler {phrase!r}"
    assert "Boligsocial indsats på Amager" in text and "{{" not in text
