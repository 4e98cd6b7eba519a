"""The Budgetark workbook: live formulas that LibreOffice recalculates to the model's figures."""
from __future__ import annotations

import io
import re
import subprocess
import time
import uuid
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from aftaler.load.sets import load_set
from aftaler.findings import ERROR
from aftaler.kinds import budget
from aftaler.model.documents import complete_set, set_context
from aftaler.project import Project
from aftaler.kinds.budget import FINANCING
from aftaler.render.workbook import render_budget_xlsx
from aftaler.check.validate import validate_set
from conftest import edit
from libreoffice import convert, soffice

ROOT = Path(__file__).resolve().parent.parent
LILLE = ROOT / "tests" / "sets" / "lille"
AMAGER = ROOT / "agreements" / "amager"
LO_TIMEOUT = 180  # seconds; a first start with a fresh profile is the slow part


def budget_model(folder: Path) -> dict:
    project = Project()
    aset, _ = load_set(folder)
    aset = complete_set(aset, project)
    return budget.model(aset.one("budget"), aset, set_context(aset, project))


def amager_budget_validates() -> bool:
    if not (AMAGER / "budget.yaml").exists():
        return False
    aset, problems = load_set(AMAGER)
    findings = problems + validate_set(aset, Project())
    return not any(f.severity == ERROR and f.position.path.endswith("budget.yaml") for f in findings)


SETS = [pytest.param(LILLE, id="lille"),
        pytest.param(AMAGER, id="amager", marks=pytest.mark.skipif(
            not amager_budget_validates(), reason="agreements/amager/budget.yaml validerer endnu ikke"))]


# LibreOffice takes the cached results of an .xlsx as they are unless told to recalculate on load.
RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
POISON = 987654321


def poisoned(xlsx: bytes) -> bytes:
    """The workbook with every formula's cached result replaced by a wrong figure."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"(</f>)<v>[^<]*</v>", rb"\1<v>%d</v>" % POISON, data)
            target.writestr(info, data)
    return out.getvalue()


def recalc(xlsx: bytes, tmp_path: Path) -> openpyxl.Workbook:
    """Let LibreOffice open, recalculate every formula and save the workbook; return it with the
    results LibreOffice computed (the cached results we wrote are poisoned first, so none survives)."""
    run = tmp_path / f"recalc-{uuid.uuid4().hex}"
    source = run / "in" / "budget.xlsx"  # out/ apart: the result has the same name
    source.parent.mkdir(parents=True)
    source.write_bytes(poisoned(xlsx))
    profile = run / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
    started = time.monotonic()
    subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(run / "out"), str(source)],
                   check=True, capture_output=True, timeout=LO_TIMEOUT)
    print(f"LibreOffice recalc: {time.monotonic() - started:.2f} s")
    return openpyxl.load_workbook(run / "out" / "budget.xlsx", data_only=True)


class Sheet:
    """Where the figures are, found by the sheet's own labels and checked against the model."""

    def __init__(self, ws, model):
        self.ws, self.model = ws, model
        self.header = next(r for r in range(1, 40) if ws.cell(r, 1).value == "Udgiftspost")
        n = len(model["aar"])
        self.years = list(range(3, 3 + n))
        assert [ws.cell(self.header, c).value for c in self.years] == [str(y) for y in model["aar"]]
        self.total = 3 + n
        assert ws.cell(self.header - 1, self.total).value == "Samlede udgifter"
        self.fin = dict(zip(FINANCING, range(self.total + 1, self.total + 7)))
        assert ws.cell(self.header, self.fin["lbf"]).value == "LBF"
        assert ws.cell(self.header, self.fin["anden"]).value == "Evt. anden lokal medfinans."
        self.check = self.total + 7
        self.rows = self._rows()

    def _rows(self) -> dict:
        """Row numbers: ("line", group index, line index), ("sum", group index), labels below."""
        rows, row = {}, self.header + 2
        for g, group in enumerate(self.model["grupper"]):
            assert self.ws.cell(row, 1).value == group["titel"]
            for i, line in enumerate(group["linjer"], start=1):
                assert self.ws.cell(row + i, 1).value.startswith(line["udgiftspost"])
                rows["line", g, i - 1] = row + i
            row += len(group["linjer"]) + 1
            assert self.ws.cell(row, 1).value == "Sum"
            rows["sum", g] = row
            row += 1
        for r in range(row, self.ws.max_row + 1):
            if isinstance(label := self.ws.cell(r, 1).value, str):
                rows.setdefault(label, r)
        return rows

    def computed(self) -> dict[tuple[int, int], float]:
        """Every computed cell and the figure the model computed for it."""
        expected = {}

        def block(row, years, total, financing):
            expected.update({(row, c): v for c, v in zip(self.years, years)})
            expected[row, self.total] = total
            expected.update({(row, self.fin[k]): financing[k] for k in FINANCING})
            expected[row, self.check] = total - sum(financing.values())

        for g, group in enumerate(self.model["grupper"]):
            for i, line in enumerate(group["linjer"]):
                row = self.rows["line", g, i]
                expected[row, self.total] = line["total"]
                expected[row, self.check] = line["total"] - sum(line["finansiering"].values())
            block(self.rows["sum", g], group["aar_sum"], group["total"], group["finansiering"])
        t = self.model["total"]
        block(self.rows["Total"], t["aar_sum"], t["total"], t["finansiering"])
        split = self.rows["Fordeling af medfinansiering i alt"]
        expected[split, self.fin["boligorganisation_kontant"]] = t["boligorganisation"]
        expected[split, self.fin["kommune_kontant"]] = t["kommune"]
        expected[split, self.fin["anden"]] = t["finansiering"]["anden"]
        expected[self.rows["Samlet medfinansiering"], self.total] = t["medfinansiering"]
        expected[self.rows["Balance"], self.total] = t["balance"]
        expected[self.rows["Medfinans. (%)"], self.total] = t["medfinansiering_andel"] / 100
        return expected

    def inputs(self) -> dict[tuple[int, int], object]:
        """Every typed cell and its value in the model."""
        expected = {}
        for g, group in enumerate(self.model["grupper"]):
            for i, line in enumerate(group["linjer"]):
                row = self.rows["line", g, i]
                expected.update({(row, c): v for c, v in zip(self.years, line["udgifter"])})
                expected.update({(row, self.fin[k]): line["finansiering"][k] for k in FINANCING})
                if line["kolonne_2"]:  # the expense type, or the description in an area's group
                    expected[row, 2] = line["kolonne_2"]
        return expected


def open_sheet(model, **kwargs):
    wb = openpyxl.load_workbook(io.BytesIO(render_budget_xlsx(model, **kwargs)))
    return wb, Sheet(wb["Budgetark"], model)


@pytest.mark.parametrize("folder", SETS)
def test_computed_cells_are_formulas_and_inputs_are_values(folder):
    model = budget_model(folder)
    wb, sheet = open_sheet(model)
    ws = wb["Budgetark"]
    for (row, col) in sheet.computed():
        cell = ws.cell(row, col)
        assert cell.data_type == "f" and str(cell.value).startswith("="), f"{cell.coordinate}: {cell.value!r}"
    for (row, col), value in sheet.inputs().items():
        cell = ws.cell(row, col)
        assert cell.data_type != "f" and cell.value == value, f"{cell.coordinate}: {cell.value!r} != {value!r}"
    assert ws.cell(sheet.rows["Medfinans. (%)"], sheet.total).number_format == "0 %"
    assert ws.cell(sheet.rows["Total"], sheet.total).number_format == "#,##0"
    assert ws.freeze_panes == f"C{sheet.header + 2}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    # A line whose financing differs from its total turns red: one rule per group's lines.
    red = {row for rng in ws.conditional_formatting for cells in rng.sqref.ranges
           for row in range(cells.min_row, cells.max_row + 1)}
    assert red == {row for key, row in sheet.rows.items() if key[0] == "line"}


@pytest.mark.parametrize("folder", SETS)
def test_libreoffice_recalculates_the_models_figures(folder, tmp_path):
    model = budget_model(folder)
    sheet = Sheet(recalc(render_budget_xlsx(model), tmp_path)["Budgetark"], model)
    for (row, col), value in sheet.computed().items():
        got = sheet.ws.cell(row, col).value
        assert got == pytest.approx(value, abs=1e-9), f"{sheet.ws.cell(row, col).coordinate}: {got} != {value}"
    assert POISON not in [c.value for r in sheet.ws.iter_rows() for c in r]
    if folder == AMAGER:  # the seed's own figures
        t, total_row = sheet.ws, sheet.rows["Total"]
        split = sheet.rows["Fordeling af medfinansiering i alt"]
        assert t.cell(total_row, sheet.total).value == 31169
        assert t.cell(total_row, sheet.fin["lbf"]).value == 19000
        assert t.cell(split, sheet.fin["boligorganisation_kontant"]).value == 4629
        assert t.cell(split, sheet.fin["kommune_kontant"]).value == 4629
        assert t.cell(total_row, sheet.fin["kommune_kontant"]).value == 4092
        assert t.cell(total_row, sheet.fin["kommune_timer"]).value == 537
        assert t.cell(total_row, sheet.fin["anden"]).value == 2911
        assert t.cell(sheet.rows["Samlet medfinansiering"], sheet.total).value == 12169
        assert round(t.cell(sheet.rows["Medfinans. (%)"], sheet.total).value * 100) == 39
        assert t.cell(sheet.rows["Balance"], sheet.total).value == 0


def test_changed_input_moves_the_sums(tmp_path):
    model = budget_model(LILLE)
    wb, sheet = open_sheet(model)
    g = len(model["grupper"]) - 1  # the last group's first line, first year
    line_row, sum_row, col = sheet.rows["line", g, 0], sheet.rows["sum", g], sheet.years[0]
    wb["Budgetark"].cell(line_row, col).value += 10
    buffer = io.BytesIO()
    wb.save(buffer)
    after = Sheet(recalc(buffer.getvalue(), tmp_path)["Budgetark"], model)
    before = sheet.computed()
    moved = {(line_row, sheet.total), (line_row, sheet.check), (sum_row, col), (sum_row, sheet.total),
             (sum_row, sheet.check), (sheet.rows["Total"], col), (sheet.rows["Total"], sheet.total),
             (sheet.rows["Total"], sheet.check), (sheet.rows["Balance"], sheet.total),
             (sheet.rows["Samlet medfinansiering"], sheet.total)}
    for cell in moved:
        assert after.ws.cell(*cell).value == before[cell] + 10, cell
    total = before[sheet.rows["Total"], sheet.total] + 10
    share = after.ws.cell(sheet.rows["Medfinans. (%)"], sheet.total).value
    assert share == pytest.approx((model["total"]["medfinansiering"] + 10) / total)
    for cell, value in before.items():
        if cell not in moved and cell[0] != sheet.rows["Medfinans. (%)"]:
            assert after.ws.cell(*cell).value == pytest.approx(value), cell


def test_same_model_same_bytes():
    model = budget_model(LILLE)
    assert render_budget_xlsx(model) == render_budget_xlsx(model)
    wb = openpyxl.load_workbook(io.BytesIO(render_budget_xlsx(model)))
    assert wb.properties.creator == "aftaler"
    assert wb.properties.created.year == 2000 and wb.properties.modified == wb.properties.created
    later = openpyxl.load_workbook(io.BytesIO(render_budget_xlsx(model, created=datetime(2024, 5, 1))))
    assert later.properties.created == later.properties.modified == datetime(2024, 5, 1)


def test_expense_type_drop_down_lists_the_catalogue():
    model = budget_model(LILLE)
    wb, sheet = open_sheet(model)
    types = wb["Udgiftstyper"]
    listed = [types.cell(r, 1).value for r in range(2, types.max_row + 1)]
    assert listed == [t["tekst"] for t in model["udgiftstyper"]]
    (dv,) = wb["Budgetark"].data_validations.dataValidation
    assert dv.type == "list" and dv.formula1 == f"Udgiftstyper!$A$2:$A${len(listed) + 1}"
    cross = next(g for g, group in enumerate(model["grupper"]) if group["gruppe"] == "tvaergaaende")
    typed = {f"B{sheet.rows['line', cross, i]}" for i in range(len(model["grupper"][cross]["linjer"]))}
    covered = {f"{get_column_letter(col)}{row}" for rng in dv.sqref.ranges for row, col in rng.cells}
    assert covered == typed  # only the cross-cutting group's lines choose a type


@pytest.mark.parametrize("folder", SETS)
def test_every_formula_carries_the_models_figure_for_viewers_that_do_not_recalculate(folder):
    model = budget_model(folder)
    xlsx = render_budget_xlsx(model)
    cached = openpyxl.load_workbook(io.BytesIO(xlsx), data_only=True)
    sheet = Sheet(cached["Budgetark"], model)
    for (row, col), value in sheet.computed().items():
        got = sheet.ws.cell(row, col).value
        assert got == pytest.approx(value, abs=1e-12), f"{sheet.ws.cell(row, col).coordinate}: {got} != {value}"
    formulas = openpyxl.load_workbook(io.BytesIO(xlsx))["Budgetark"]
    empty = [cell.coordinate for row in formulas.iter_rows() for cell in row
             if cell.data_type == "f" and sheet.ws[cell.coordinate].value is None]
    assert empty == []  # every formula, not only those the test knows


def test_fonts_are_named_and_dates_are_dates():
    model = budget_model(LILLE)
    wb = openpyxl.load_workbook(io.BytesIO(render_budget_xlsx(model)))
    unnamed = [f"{ws.title}!{cell.coordinate}" for ws in wb.worksheets for row in ws.iter_rows() for cell in row
               if cell.value is not None and cell.font.name not in ("Arial",)]
    assert unnamed == []
    assert any(cell.font.bold for row in wb["Budgetark"].iter_rows() for cell in row)
    ws = wb["Budgetark"]
    start = next(r for r in range(1, 10) if ws.cell(r, 1).value == "Start boligsocial indsats")
    for row, expected in ((start, model["start_dato"]), (start + 1, model["slut_dato"])):
        cell = ws.cell(row, 2)
        assert cell.is_date and cell.value.date() == expected, (cell.value, cell.number_format)


def test_every_sheet_prints_on_numbered_landscape_pages_one_page_wide(tmp_path):
    """Read back from the package and on LibreOffice's pages: 'Side X af Y' on every page of every sheet."""
    model = budget_model(AMAGER if amager_budget_validates() else LILLE)
    xlsx = render_budget_xlsx(model)
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4), ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text, ws.title
        assert ws.print_title_rows, ws.title
    source = tmp_path / "budget.xlsx"
    source.write_bytes(xlsx)
    pdf = convert(source, "pdf", tmp_path / "pdf", timeout=LO_TIMEOUT)
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 2  # the budget and the expense types
    numbers = [re.findall(r"Side (\d+) af (\d+)", page) for page in pages]
    # Across sheets the numbers run on, as the workbook prints: page i of all the sheets' pages.
    assert numbers == [[(str(i), str(len(pages)))] for i in range(1, len(pages) + 1)], numbers
    # Each page's header names its own sheet (&A): the budget's pages first, then the expense types.
    sheets = [page.split()[0] for page in pages]
    assert sheets == sorted(sheets, key=["Budgetark", "Udgiftstyper"].index) and set(sheets) == {"Budgetark", "Udgiftstyper"}, sheets
    assert "1. januar 2022" in pages[0] or model["start_dato"].year != 2022


def words_on_page(pdf: Path) -> list[tuple[str, float, float]]:
    """(word, top, bottom) of every word LibreOffice placed, from pdftotext's bounding boxes."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [(m[3], float(m[1]), float(m[2])) for m in
            re.finditer(r'<word xMin="[^"]+" yMin="([^"]+)" xMax="[^"]+" yMax="([^"]+)">([^<]*)</word>', html)
            for m in [(None, m[1], m[2], m[3])]]


def test_wrapped_texts_fit_their_rows_on_libreoffices_page(small_set, tmp_path):
    """A long expense item and a long note: every word of each stands above the next row's text."""
    long_item = " ".join(f"postord{i}" for i in range(60))
    long_note = " ".join(f"noteord{i}" for i in range(400))
    edit(small_set / "budget.yaml", "udgiftspost: Revision", f"udgiftspost: {long_item}")
    edit(small_set / "budget.yaml", "tekst: Løn efter overenskomst.", f"tekst: {long_note}")
    model = budget_model(small_set)
    source = tmp_path / "budget.xlsx"
    source.write_bytes(render_budget_xlsx(model))
    pdf = convert(source, "pdf", tmp_path / "pdf", timeout=LO_TIMEOUT)
    words = words_on_page(pdf)
    item = [w for w in words if w[0].startswith("postord")]
    note = [w for w in words if w[0].startswith("noteord")]
    assert len(item) == 60 and len(note) == 400  # nothing cut off
    sum_row = next(w for w in words if w[0] == "Sum")  # the Sum row under the long item
    assert max(bottom for _, _, bottom in item) <= sum_row[1] + 0.5
    assert min(top for _, top, _ in item) < sum_row[1]
    # The note is the last row; the employee's note (2) follows the long note (1).
    following = next(w for w in words if w[0] == "2)" and w[1] > note[0][1])
    assert max(bottom for _, _, bottom in note) <= following[1] + 0.5
    # Room without waste: the rows are not more than a few lines taller than their text.
    ws = openpyxl.load_workbook(source)["Budgetark"]
    item_row = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value).startswith("postord0"))
    lines = len({round(top) for _, top, _ in item})
    assert ws.row_dimensions[item_row].height <= (lines + 2) * 12.75


def test_a_note_taller_than_a_row_goes_on_in_the_rows_below(small_set, tmp_path):
    """A row is at most 409 points tall: a longer note is cut between words over several rows,
    every word printed once, in order."""
    words = [f"ord{i}" for i in range(3000)]
    edit(small_set / "budget.yaml", "tekst: Løn efter overenskomst.", "tekst: " + " ".join(words))
    model = budget_model(small_set)
    source = tmp_path / "budget.xlsx"
    source.write_bytes(render_budget_xlsx(model))
    ws = openpyxl.load_workbook(source)["Budgetark"]
    rows = [r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 2).value).startswith("ord")]
    assert len(rows) >= 3 and rows == list(range(rows[0], rows[0] + len(rows)))
    assert " ".join(ws.cell(r, 2).value for r in rows) == " ".join(words)
    assert ws.cell(rows[0], 1).value == "1)" and all(ws.cell(r, 1).value is None for r in rows[1:])
    assert all(ws.row_dimensions[r].height <= 409 for r in rows)
    pdf = convert(source, "pdf", tmp_path / "pdf", timeout=LO_TIMEOUT)
    printed = [w for w, *_ in words_on_page(pdf) if re.fullmatch(r"ord\d+", w)]
    assert printed == words
