"""The Budgetark workbook: live formulas that LibreOffice recalculates to the model's figures."""
from __future__ import annotations

import io
import time
import uuid
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
from libreoffice import convert

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


def recalc(xlsx: bytes, tmp_path: Path) -> openpyxl.Workbook:
    """Let LibreOffice open, recalculate and save the workbook; return it with the cached results."""
    run = tmp_path / f"recalc-{uuid.uuid4().hex}"
    source = run / "in" / "budget.xlsx"  # out/ apart: the result has the same name
    source.parent.mkdir(parents=True)
    source.write_bytes(xlsx)
    started = time.monotonic()
    result = convert(source, "xlsx:Calc MS Excel 2007 XML", run / "out", timeout=LO_TIMEOUT)
    print(f"LibreOffice recalc: {time.monotonic() - started:.2f} s")
    return openpyxl.load_workbook(result, data_only=True)


class Sheet:
    """Where the figures are, found by the sheet's own labels and checked against the model."""

    def __init__(self, ws, model):
        self.ws, self.model = ws, model
        self.header = next(r for r in range(1, 40) if ws.cell(r, 1).value == "Udgiftspost")
        n = len(model["aar"])
        self.years = list(range(3, 3 + n))
        assert [ws.cell(self.header, c).value for c in self.years] == model["aar"]
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
                if group["gruppe"] == "tvaergaaende":
                    expected[row, 2] = line["udgiftstype_tekst"]
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
