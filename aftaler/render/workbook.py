"""Budgetark as an .xlsx workbook with live formulas, laid out like LBF's form.

Typed figures (amounts per year, financing per line, expense type) are plain values; every sum,
share and balance is a formula, so the secretariat can change a figure and see the sums move.
The same model always gives the same bytes.
"""
from __future__ import annotations

import io
import math
import zipfile
from datetime import datetime

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from .docx_package import _zip

AMOUNT, PERCENT = "#,##0", "0 %"
HEADER_TOP = 8       # first of the three column-header rows
FIRST_YEAR_COL = 3   # A: Udgiftspost, B: Udgiftstype
TYPES_SHEET = "Udgiftstyper"

_BOLD = Font(bold=True)
_GREY = PatternFill("solid", fgColor="D9D9D9")
_LIGHT = PatternFill("solid", fgColor="F2F2F2")
_RED = PatternFill("solid", fgColor="FFC7CE")
_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTRE = Alignment(wrap_text=True, horizontal="center", vertical="center")


def render_budget_xlsx(model: dict, *, created: datetime = datetime(2000, 1, 1)) -> bytes:
    """The budget model (aftaler.kinds.budget.model) as reproducible .xlsx bytes."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Budgetark"
    types = wb.create_sheet(TYPES_SHEET)
    type_range = _write_types(types, model["udgiftstyper"])
    cols = _Columns(len(model["aar"]), [c["id"] for c in model["finansieringskolonner"]])  # the form's order
    _write_header(ws, model, cols)
    row, sum_rows, type_cells = HEADER_TOP + 3, [], []
    for group in model["grupper"]:
        row, sum_row, typed = _write_group(ws, group, cols, row)
        sum_rows.append(sum_row)
        type_cells += typed
    row = _write_totals(ws, cols, row, sum_rows)
    _page_setup(ws, cols)  # before the notes: their row heights follow the column widths
    _write_notes(ws, model["noter"], cols, row + 1)
    _add_type_list(ws, type_cells, type_range)
    _properties(wb, model, created)
    return _package(wb)


class _Columns:
    """Column numbers of the table: years, total, six financing columns, check."""

    def __init__(self, n_years: int, financing: list[str]):
        self.years = list(range(FIRST_YEAR_COL, FIRST_YEAR_COL + n_years))
        self.total = FIRST_YEAR_COL + n_years
        self.financing = dict(zip(financing, range(self.total + 1, self.total + 1 + len(financing))))
        self.check = self.total + 1 + len(financing)
        self.numeric = [*self.years, self.total, *self.financing.values(), self.check]

    def letter(self, key) -> str:
        return get_column_letter(self.financing[key] if key in self.financing else key)


def _write_types(ws, types: list[dict]) -> str:
    ws.append(["Udgiftstype", "Beskrivelse"])
    for t in types:
        ws.append([t["tekst"], t["beskrivelse"]])
    for cell in ws[1]:
        cell.font, cell.fill = _BOLD, _GREY
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 40, 100
    for row in ws.iter_rows(min_row=2):
        row[1].alignment = _WRAP
    return f"{TYPES_SHEET}!$A$2:$A${len(types) + 1}"


def _write_header(ws, model, cols) -> None:
    ws["A1"] = f"Budgetark for boligsocial indsats inden for {model['pulje_navn']} (OBS: hele tusinde kr.)"
    ws["A1"].font = Font(bold=True, size=13)
    for row, (label, value) in enumerate([("Start boligsocial indsats", model["start"]),
                                          ("Slut boligsocial indsats", model["slut"]),
                                          ("Boligområde/områdenavn", model["omraadets_navn"]),
                                          ("Jnr:", model["jnr"])], start=3):
        ws.cell(row, 1, label).font = _BOLD
        ws.cell(row, 2, value)
    top, mid, low = HEADER_TOP, HEADER_TOP + 1, HEADER_TOP + 2
    fin = cols.financing
    spans = [  # (text, first row, first col, last row, last col)
        ("Udgiftsposter", top, 1, top, 2),
        ("Projektperiode - udgifter", top, cols.years[0], top, cols.years[-1]),
        ("Samlede udgifter", top, cols.total, low, cols.total),
        ("Finansiering", top, fin["lbf"], top, fin["anden"]),
        ("Kontrol (udgifter - finansiering)", top, cols.check, low, cols.check),
        ("Udgiftspost", mid, 1, low, 1), ("Udgiftstype", mid, 2, low, 2),
        *[(year, mid, col, low, col) for year, col in zip(model["aar"], cols.years)],
        ("LBF", mid, fin["lbf"], low, fin["lbf"]),
        ("Medfinansiering boligorganisation(er)", mid, fin["boligorganisation_kontant"], mid, fin["boligorganisation_timer"]),
        ("Medfinansiering kommune", mid, fin["kommune_kontant"], mid, fin["kommune_timer"]),
        ("Evt. anden lokal medfinans.", mid, fin["anden"], low, fin["anden"]),
        *[(text, low, fin[key], low, fin[key]) for key, text in [
            ("boligorganisation_kontant", "Kontant"), ("boligorganisation_timer", "Timer, lokaler"),
            ("kommune_kontant", "Kontant"), ("kommune_timer", "Timer, lokaler")]],
    ]
    ws.row_dimensions[mid].height = 30  # room for the two-line party headers
    for text, r1, c1, r2, c2 in spans:
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                ws.cell(r, c).fill, ws.cell(r, c).border = _GREY, _BOX
        cell = ws.cell(r1, c1, text)
        cell.font, cell.alignment = _BOLD, _CENTRE
        if (r1, c1) != (r2, c2):
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)


def _write_group(ws, group, cols, row) -> tuple[int, int, list[str]]:
    """Title row, one row per line, a Sum row; returns the next free row, the Sum row, typed cells."""
    title = ws.cell(row, 1, group["titel"])
    title.font = _BOLD
    for c in range(1, cols.check + 1):
        ws.cell(row, c).fill = _LIGHT
    first = row + 1
    for row, line in enumerate(group["linjer"], start=first):
        name = line["udgiftspost"] + (f" ({line['noter_tekst']})" if line["noter_tekst"] else "")
        ws.cell(row, 1, name).alignment = _WRAP
        if group["gruppe"] == "tvaergaaende":
            ws.cell(row, 2, line["kolonne_2"])
        for col, amount in zip(cols.years, line["udgifter"]):
            ws.cell(row, col, amount)
        for key, col in cols.financing.items():
            ws.cell(row, col, line["finansiering"][key])
        years = f"{cols.letter(cols.years[0])}{row}:{cols.letter(cols.years[-1])}{row}"
        ws.cell(row, cols.total, f"=SUM({years})")
        ws.cell(row, cols.check, _check_formula(cols, row))
        _style_row(ws, row, cols)
    last = first + len(group["linjer"]) - 1
    sum_row = last + 1
    typed = [f"B{first}:B{last}"] if group["gruppe"] == "tvaergaaende" and last >= first else []
    ws.cell(sum_row, 1, "Sum").font = _BOLD
    for col in cols.numeric:
        letter = cols.letter(col)
        ws.cell(sum_row, col, f"=SUM({letter}{first}:{letter}{last})" if last >= first else "=0").font = _BOLD
    _style_row(ws, sum_row, cols)
    if last >= first:  # a line whose financing differs from its total turns red
        check = f"${cols.letter(cols.check)}{first}"
        ws.conditional_formatting.add(f"A{first}:{cols.letter(cols.check)}{last}",
                                      FormulaRule(formula=[f"{check}<>0"], fill=_RED))
    return sum_row + 1, sum_row, typed


def _check_formula(cols, row) -> str:
    fin = f"{cols.letter('lbf')}{row}:{cols.letter('anden')}{row}"
    return f"={cols.letter(cols.total)}{row}-SUM({fin})"


def _style_row(ws, row, cols) -> None:
    for c in range(1, cols.check + 1):
        ws.cell(row, c).border = _BOX
    for col in cols.numeric:
        ws.cell(row, col).number_format = AMOUNT


def _write_totals(ws, cols, row, sum_rows) -> int:
    """Total, the split of co-financing, and the figures LBF reads: returns the next free row."""
    ws.cell(row, 1, "Total").font = _BOLD
    for col in cols.numeric:
        letter = cols.letter(col)
        ws.cell(row, col, "=SUM(" + ",".join(f"{letter}{r}" for r in sum_rows) + ")").font = _BOLD
    _style_row(ws, row, cols)
    total_row, split = row, row + 1

    def ref(key) -> str:  # a cell of the Total row
        return f"{cols.letter(key)}{total_row}"

    ws.cell(split, 1, "Fordeling af medfinansiering i alt").font = _BOLD
    for party in ("boligorganisation", "kommune"):
        first = cols.financing[f"{party}_kontant"]
        ws.cell(split, first, f"={ref(f'{party}_kontant')}+{ref(f'{party}_timer')}")
        ws.merge_cells(start_row=split, start_column=first, end_row=split, end_column=first + 1)
    ws.cell(split, cols.financing["anden"], f"={ref('anden')}")
    _style_row(ws, split, cols)
    total = f"{cols.letter(cols.total)}{total_row}"
    fin = f"{cols.letter('lbf')}{total_row}:{cols.letter('anden')}{total_row}"
    cofin = f"{cols.letter(cols.total)}{split + 2}"
    figures = [("Samlet medfinansiering", f"={total}-{ref('lbf')}", AMOUNT),
               ("Balance", f"={total}-SUM({fin})", AMOUNT),
               ("Medfinans. (%)", f"=IF({total}=0,0,{cofin}/{total})", PERCENT)]
    for row, (label, formula, fmt) in enumerate(figures, start=split + 2):
        ws.cell(row, 1, label).font = _BOLD
        cell = ws.cell(row, cols.total, formula)
        cell.number_format, cell.font, cell.border = fmt, _BOLD, _BOX
    return split + 2 + len(figures)


def _write_notes(ws, notes, cols, row) -> None:
    if not notes:
        return
    ws.cell(row, 1, "Noter").font = _BOLD
    last = get_column_letter(cols.check)
    # Merged cells do not grow with their text, so the height is estimated from the width.
    chars_per_line = sum(ws.column_dimensions[get_column_letter(c)].width or 10 for c in range(2, cols.check + 1))
    for row, note in enumerate(notes, start=row + 1):
        ws.cell(row, 1, f"{note['nr']})").alignment = Alignment(horizontal="right", vertical="top")
        ws.cell(row, 2, note["tekst"]).alignment = _WRAP
        ws.merge_cells(f"B{row}:{last}{row}")
        lines = sum(max(1, math.ceil(len(part) / chars_per_line)) for part in note["tekst"].split("\n"))
        ws.row_dimensions[row].height = 15 * lines


def _add_type_list(ws, cells: list[str], type_range: str) -> None:
    if not cells:
        return
    dv = DataValidation(type="list", formula1=type_range, allow_blank=True, showDropDown=False,
                        showErrorMessage=True, errorTitle="Udgiftstype",
                        error="Vælg en udgiftstype fra listen (arket Udgiftstyper).")
    for cells_range in cells:
        dv.add(cells_range)
    ws.add_data_validation(dv)


def _page_setup(ws, cols) -> None:
    widths = {1: 46, 2: 38, cols.total: 11, cols.check: 13}
    for col in range(1, cols.check + 1):
        ws.column_dimensions[get_column_letter(col)].width = widths.get(col, 9 if col in cols.years else 13)
    ws.freeze_panes = f"C{HEADER_TOP + 3}"  # below the column headers, right of Udgiftstype
    ws.print_title_rows = f"{HEADER_TOP}:{HEADER_TOP + 2}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _properties(wb, model, created: datetime) -> None:
    props = wb.properties
    props.creator = props.lastModifiedBy = "aftaler"
    props.title = f"Budgetark – {model['omraadets_navn']}"
    props.language = "da-DK"
    props.created = props.modified = created
    wb.calculation.fullCalcOnLoad = True  # openpyxl stores no results: let Excel compute on open


def _package(wb) -> bytes:
    # ExcelWriter directly: openpyxl's save() stamps "modified" with the clock. Uncompressed:
    # the parts are compressed once, when they are zipped again in a fixed order below.
    buffer = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED)).save()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        names = [info.filename for info in archive.infolist()]
        parts = {name: archive.read(name) for name in names}
    order = ["[Content_Types].xml"] + [n for n in names if n != "[Content_Types].xml"]
    return _zip([(name, parts[name]) for name in order])
