"""Budgetark as an .xlsx workbook with live formulas, laid out like LBF's form.

Typed figures (amounts per year, financing per line, expense type) are plain values; every sum,
share and balance is a formula, so the secretariat can change a figure and see the sums move.
Every formula also carries its result (the model's figure) as the cached value, so a viewer that
does not recalculate still shows the totals. Author text is always written as text, never as a
formula ("=HYPERLINK(…)" in a note stays those characters). The same model always gives the
same bytes.
"""
from __future__ import annotations

import io
import math
import zipfile
from datetime import date, datetime

from lxml import etree
from openpyxl import Workbook
from openpyxl.cell import Cell, MergedCell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.writer.excel import ExcelWriter

from .docx_package import _zip

AMOUNT, PERCENT = "#,##0", "0 %"
DATE = "[$-406]d. mmmm yyyy"  # a real date, shown the Danish way ("1. januar 2022") in any locale
HEADER_TOP = 8       # first of the three column-header rows
FIRST_YEAR_COL = 3   # A: Udgiftspost, B: Udgiftstype
SHEET, TYPES_SHEET = "Budgetark", "Udgiftstyper"
FONT_NAME, FONT_SIZE = "Arial", 10
CELL_LIMIT = 32767   # characters in one cell (Excel); kinds/budget.py refuses longer texts
LINE_HEIGHT = 12.75  # points: one line of Arial 10, as Excel and LibreOffice set it
MAX_HEIGHT = 409     # points: the tallest a row can be
MAX_LINES = int((MAX_HEIGHT - 2.25) // LINE_HEIGHT)
FOOTER = "Side &P af &N"
# A cell that starts with one of these would be read as a formula when retyped or pasted as CSV:
# such text is also marked with a quote prefix (Excel's leading apostrophe).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_FONT = Font(name=FONT_NAME, size=FONT_SIZE)
_BOLD = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
_TITLE = Font(name=FONT_NAME, size=13, bold=True)
_GREY = PatternFill("solid", fgColor="D9D9D9")
_LIGHT = PatternFill("solid", fgColor="F2F2F2")
_RED = PatternFill("solid", fgColor="FFC7CE")
_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")  # figures level with the first line of a wrapped label
_CENTRE = Alignment(wrap_text=True, horizontal="center", vertical="center")
_LEFT = Alignment(horizontal="left")
_RIGHT = Alignment(horizontal="right", vertical="top")


def render_budget_xlsx(model: dict, *, created: datetime = datetime(2000, 1, 1)) -> bytes:
    """The budget model (aftaler.kinds.budget.model) as reproducible .xlsx bytes."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    sheet = _Sheet(ws)
    types = _Sheet(wb.create_sheet(TYPES_SHEET))
    type_range = _write_types(types, model["udgiftstyper"])
    cols = _Columns(len(model["aar"]), [c["id"] for c in model["finansieringskolonner"]])  # the form's order
    _column_widths(ws, cols)  # first: the row heights follow the column widths
    _write_header(sheet, model, cols)
    row, sum_rows, type_cells = HEADER_TOP + 3, [], []
    for group in model["grupper"]:
        row, sum_row, typed = _write_group(sheet, group, cols, row)
        sum_rows.append(sum_row)
        type_cells += typed
    row = _write_totals(sheet, model["total"], cols, row, sum_rows)
    _write_notes(sheet, model["noter"], cols, row + 1)
    _add_type_list(ws, type_cells, type_range)
    _print_setup(ws, f"{HEADER_TOP}:{HEADER_TOP + 2}", model)
    ws.freeze_panes = f"C{HEADER_TOP + 3}"  # below the column headers, right of Udgiftstype
    _print_setup(types.ws, "1:1", model)
    _properties(wb, model, created)
    return _package(wb, {SHEET: sheet.cached})


class _Sheet:
    """A worksheet written cell by cell: text as text, numbers as numbers, formulas with their result."""

    def __init__(self, ws):
        self.ws = ws
        self.cached: dict[str, int | float] = {}  # coordinate -> the formula's result
        self._styles: dict = {}  # (style before, ids of the styles set) -> (the styles, style after)
        self._merges: dict = {}  # (shape, styles before) -> styles after, or None: not copied
        self._rooms: dict = {}  # (first column, last column) -> points

    def room(self, first: int, last: int | None = None) -> float:
        """_width, kept: a sheet's column widths are all set before its first text."""
        key = (first, last or first)
        found = self._rooms.get(key)
        if found is None:
            found = self._rooms[key] = _width(self.ws, first, last)
        return found

    def restyle(self, cell, font: Font | None = None, number_format: str | None = None,
                alignment: Alignment | None = None, fill: PatternFill | None = None,
                border: Border | None = None) -> None:
        """The given styles set as openpyxl's assignments set them (in this order), done once per
        combination and copied after: each assignment hashes the whole style object. The key holds
        the objects' ids, and the entry the objects themselves, so an id is not reused."""
        change = (font, number_format, alignment, fill, border)
        key = (cell._style.tobytes() if cell._style else None, *map(id, change))
        found = self._styles.get(key)
        if found is not None:
            cell._style = StyleArray(found[1])
            return
        if font is not None:
            cell.font = font
        if number_format is not None:
            cell.number_format = number_format
        if alignment is not None:
            cell.alignment = alignment
        if fill is not None:
            cell.fill = fill
        if border is not None:
            cell.border = border
        self._styles[key] = (change, StyleArray(cell._style))

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        """ws.merge_cells, done by openpyxl once per shape and styles before and copied after:
        openpyxl adds a Border to every cell on the range's edges (hashing one each time, ≈0,2 ms
        a range). What it did is copied only as far as it is understood: the first cell kept, the
        others made MergedCells; anything else and openpyxl merges every time. The copies go
        through the sheet's cells (`ws._cells`) and style arrays (`_style`), as restyle's do;
        tests/test_workbook_speed.py holds the bytes equal to openpyxl merging every range."""
        ws = self.ws
        coords = [(r, c) for r in range(first_row, last_row + 1) for c in range(first_col, last_col + 1)]
        before = [ws._cells.get(rc) for rc in coords]
        key = (last_row - first_row, last_col - first_col,  # a missing cell apart from one without a style
               *(None if cell is None else cell._style.tobytes() if cell._style else b"" for cell in before))
        after = self._merges.get(key, False)
        if after is False:
            ws.merge_cells(start_row=first_row, start_column=first_col, end_row=last_row, end_column=last_col)
            cells = [ws._cells[rc] for rc in coords]
            copied = (before[0] is not None and cells[0] is before[0] and type(cells[0]) is Cell
                      and all(type(cell) is MergedCell for cell in cells[1:]))
            self._merges[key] = [_copied(cell._style) for cell in cells] if copied else None
            return
        if after is None:
            ws.merge_cells(start_row=first_row, start_column=first_col, end_row=last_row, end_column=last_col)
            return
        ws.merged_cells.add(MergedCellRange(ws, f"{get_column_letter(first_col)}{first_row}:"
                                                f"{get_column_letter(last_col)}{last_row}"))
        before[0]._style = _copied(after[0])
        for (row, col), style in zip(coords[1:], after[1:]):
            cell = ws._cells[row, col] = MergedCell(ws, row, col)
            cell._style = _copied(style)

    def text(self, row: int, col: int, value, font: Font = _FONT, alignment: Alignment | None = None):
        """Author or label text, always stored as a string: openpyxl alone would make "=…" a
        formula and "#N/A" an error value."""
        value = "" if value is None else str(value)
        if len(value) > CELL_LIMIT:  # validate refuses such text: openpyxl would cut it without a word
            raise ValueError(f"{len(value)} tegn i én celle ({self.ws.title}!{get_column_letter(col)}{row})")
        cell = self.ws.cell(row, col)
        cell.value = value
        cell.data_type = "s"
        self.restyle(cell, font, None, alignment)
        if value.startswith(_FORMULA_START):
            cell.quotePrefix = True
        return cell

    def number(self, row: int, col: int, value, number_format: str = AMOUNT):
        cell = self.ws.cell(row, col, value)
        self.restyle(cell, _FONT, number_format, _TOP)
        return cell

    def date(self, row: int, col: int, value: date):
        cell = self.ws.cell(row, col, value)
        self.restyle(cell, _FONT, DATE, _LEFT)
        return cell

    def formula(self, row: int, col: int, formula: str, result, number_format: str = AMOUNT, font: Font = _FONT):
        cell = self.ws.cell(row, col, formula)
        assert cell.data_type == "f", formula
        self.restyle(cell, font, number_format, _TOP)
        self.cached[cell.coordinate] = result
        return cell


def _copied(style: StyleArray | None) -> StyleArray | None:
    return None if style is None else StyleArray(style)  # as copy.copy, without its dispatch


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


# ------------------------------------------------------------------ row heights


def _column_points(width: float) -> float:
    """A column's width in points: Excel's width counts the default font's digit (7 px at 96 dpi)
    plus 5 px of padding."""
    return (width * 7 + 5) * 0.75


# Arial is narrower than DejaVu Sans, the font the figures measure with: 0,88 of its width in
# regular and 0,84 in bold (measured with Liberation Sans, metric-compatible with Arial); a little
# more is kept, so the estimate errs on the side of room.
_ARIAL_PER_DEJAVU = {False: 0.9, True: 0.87}


def _wrapped(text: str, room: float, bold: bool = False) -> list[tuple[str, int, bool]]:
    """`text` wrapped in a cell `room` points wide, greedily, word by word (a long note stays
    linear): (a line's text, the lines it takes, whether it starts a paragraph)."""
    from .figures.drawing import text_width as dejavu_width

    def width(text):
        return dejavu_width(text, FONT_SIZE, bold) * _ARIAL_PER_DEJAVU[bold]

    room -= 4  # the padding LibreOffice and Excel keep inside the cell
    space = width(" ")
    result = []
    for paragraph in text.split("\n"):
        line, used, first = [], 0.0, True
        for word in paragraph.split(" "):
            wide = width(word)
            if line and used + space + wide <= room:
                line.append(word)
                used += space + wide
                continue
            if line:
                result.append((" ".join(line), 1, first))
                first = False
            if wide > room:  # a word wider than the column is broken by the viewer over lines of its own
                result.append((word, math.ceil(wide / room), first))
                line, used, first = [], 0.0, False
            else:
                line, used = [word], wide
        if line or first:
            result.append((" ".join(line), 1, first))
    return result


def _lines(text: str, room: float, bold: bool = False) -> int:
    """How many lines `text` takes wrapped in a cell `room` points wide."""
    return sum(count for _, count, _ in _wrapped(text, room, bold))


def _parts(text: str, room: float) -> list[str]:
    """A text cut, between words, into parts that each fit the tallest row there is (409 points):
    a longer note goes on over the rows below instead of being hidden on the printed page."""
    parts, lines, taken = [], [], 0
    for line, count, starts in _wrapped(text, room):
        if lines and taken + count > MAX_LINES:
            parts.append(lines)
            lines, taken = [], 0
        lines.append((line, starts))
        taken += count
    parts.append(lines)
    return ["".join(("\n" if starts and i else " " if i else "") + line for i, (line, starts) in enumerate(part))
            for part in parts]


def _fit_height(ws, row: int, cells: list[tuple[str, float, bool]], least: float = LINE_HEIGHT + 2.25) -> None:
    """Set the row tall enough for the tallest of its wrapped cells: (text, room in points, bold)."""
    _set_height(ws, row, max([_lines(text, room, bold) for text, room, bold in cells if text] or [1]), least)


def _set_height(ws, row: int, lines: int, least: float = LINE_HEIGHT + 2.25) -> None:
    ws.row_dimensions[row].height = min(MAX_HEIGHT, max(least, lines * LINE_HEIGHT + 2.25))


def _width(ws, first: int, last: int | None = None) -> float:
    """The room of a column, or of merged columns, in points."""
    return sum(_column_points(ws.column_dimensions[get_column_letter(c)].width) for c in range(first, (last or first) + 1))


# ------------------------------------------------------------------ the sheets


def _write_types(sheet: _Sheet, types: list[dict]) -> str:
    ws = sheet.ws
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 40, 100
    for col, label in enumerate(["Udgiftstype", "Beskrivelse"], start=1):
        sheet.restyle(sheet.text(1, col, label, _BOLD), fill=_GREY, border=_BOX)
    for row, t in enumerate(types, start=2):
        sheet.restyle(sheet.text(row, 1, t["tekst"], alignment=_WRAP), border=_BOX)
        sheet.restyle(sheet.text(row, 2, t["beskrivelse"], alignment=_WRAP), border=_BOX)
        _fit_height(ws, row, [(t["tekst"], sheet.room(1), False), (t["beskrivelse"], sheet.room(2), False)])
    return f"{TYPES_SHEET}!$A$2:$A${len(types) + 1}"


def _write_header(sheet: _Sheet, model, cols) -> None:
    ws = sheet.ws
    sheet.text(1, 1, f"Budgetark for boligsocial indsats inden for {model['pulje_navn']} (OBS: hele tusinde kr.)",
               _TITLE)
    ws.row_dimensions[1].height = 18
    sheet.text(3, 1, "Start boligsocial indsats", _BOLD)
    sheet.date(3, 2, model["start_dato"])
    sheet.text(4, 1, "Slut boligsocial indsats", _BOLD)
    sheet.date(4, 2, model["slut_dato"])
    for row, (label, value) in enumerate([("Boligområde/områdenavn", model["omraadets_navn"]),
                                          ("Jnr:", model["jnr"])], start=5):
        sheet.text(row, 1, label, _BOLD)
        sheet.text(row, 2, value, alignment=_WRAP)
        _fit_height(ws, row, [(str(value), sheet.room(2), False)])
    top, mid, low = HEADER_TOP, HEADER_TOP + 1, HEADER_TOP + 2
    fin = cols.financing
    spans = [  # (text, first row, first col, last row, last col)
        ("Udgiftsposter", top, 1, top, 2),
        ("Projektperiode - udgifter", top, cols.years[0], top, cols.years[-1]),
        ("Samlede udgifter", top, cols.total, low, cols.total),
        ("Finansiering", top, fin["lbf"], top, fin["anden"]),
        ("Kontrol (udgifter - finansiering)", top, cols.check, low, cols.check),
        ("Udgiftspost", mid, 1, low, 1), ("Udgiftstype", mid, 2, low, 2),
        *[(str(year), mid, col, low, col) for year, col in zip(model["aar"], cols.years)],
        ("LBF", mid, fin["lbf"], low, fin["lbf"]),
        ("Medfinansiering boligorganisation(er)", mid, fin["boligorganisation_kontant"], mid, fin["boligorganisation_timer"]),
        ("Medfinansiering kommune", mid, fin["kommune_kontant"], mid, fin["kommune_timer"]),
        ("Evt. anden lokal medfinans.", mid, fin["anden"], low, fin["anden"]),
        *[(text, low, fin[key], low, fin[key]) for key, text in [
            ("boligorganisation_kontant", "Kontant"), ("boligorganisation_timer", "Timer, lokaler"),
            ("kommune_kontant", "Kontant"), ("kommune_timer", "Timer, lokaler")]],
    ]
    heights = {top: [], mid: [], low: []}
    for text, r1, c1, r2, c2 in spans:
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                sheet.restyle(ws.cell(r, c), fill=_GREY, border=_BOX)
        sheet.text(r1, c1, text, _BOLD, _CENTRE)
        if (r1, c1) != (r2, c2):
            sheet.merge(r1, c1, r2, c2)
        if r1 == r2:  # a cell spanning rows has the room of all of them
            heights[r1].append((text, sheet.room(c1, c2), True))
    for r, cells in heights.items():
        _fit_height(ws, r, cells)


def _write_group(sheet: _Sheet, group, cols, row) -> tuple[int, int, list[str]]:
    """Title row, one row per line, a Sum row; returns the next free row, the Sum row, typed cells."""
    ws = sheet.ws
    sheet.text(row, 1, group["titel"], _BOLD)
    for c in range(1, cols.check + 1):
        sheet.restyle(ws.cell(row, c), fill=_LIGHT)
    _fit_height(ws, row, [(group["titel"], sheet.room(1, cols.check), True)])
    first = row + 1
    row = first - 1
    for line in group["linjer"]:
        row += 1
        if line.get("tekstlinje"):  # no figures and no formulas: the sums' ranges pass over its empty cells
            row = _write_text_row(sheet, line["tekst_ren"], cols, row)
            continue
        name = line["udgiftspost"] + (f" ({line['noter_tekst']})" if line["noter_tekst"] else "")
        sheet.text(row, 1, name, alignment=_WRAP)
        second = line["kolonne_2"]  # the expense type, or in an area's group the line's description
        if second:
            sheet.text(row, 2, second, alignment=_WRAP)
        _fit_height(ws, row, [(name, sheet.room(1), False), (second, sheet.room(2), False)])
        for col, amount in zip(cols.years, line["udgifter"]):
            sheet.number(row, col, amount)
        for key, col in cols.financing.items():
            sheet.number(row, col, line["finansiering"][key])
        years = f"{cols.letter(cols.years[0])}{row}:{cols.letter(cols.years[-1])}{row}"
        sheet.formula(row, cols.total, f"=SUM({years})", line["total"])
        sheet.formula(row, cols.check, _check_formula(cols, row), line["total"] - sum(line["finansiering"].values()))
        _box(sheet, row, cols)
    last = row
    sum_row = last + 1
    typed = [f"B{first}:B{last}"] if group["gruppe"] == "tvaergaaende" and last >= first else []
    sheet.text(sum_row, 1, "Sum", _BOLD)
    for col, value in zip(cols.numeric, _block_values(group, cols)):
        letter = cols.letter(col)
        sheet.formula(sum_row, col, f"=SUM({letter}{first}:{letter}{last})" if last >= first else "=0", value,
                      font=_BOLD)
    _box(sheet, sum_row, cols)
    if last >= first:  # a line whose financing differs from its total turns red
        check = f"${cols.letter(cols.check)}{first}"
        ws.conditional_formatting.add(f"A{first}:{cols.letter(cols.check)}{last}",
                                      FormulaRule(formula=[f"{check}<>0"], fill=_RED))
    return sum_row + 1, sum_row, typed


def _write_text_row(sheet: _Sheet, text: str, cols, row: int) -> int:
    """A text row across the table, as long text goes on over the rows below (as a note does);
    returns its last row."""
    ws = sheet.ws
    width = sheet.room(1, cols.check)
    lines = _lines(text, width)
    parts = _parts(text, width) if lines > MAX_LINES else [text]
    for i, part in enumerate(parts):
        if i:
            row += 1
        sheet.text(row, 1, part, alignment=_WRAP)
        sheet.merge(row, 1, row, cols.check)
        _set_height(ws, row, lines if len(parts) == 1 else _lines(part, width))
        _box(sheet, row, cols)
    return row


def _block_values(block: dict, cols) -> list:
    """The figures of a Sum or Total row, in the order of cols.numeric."""
    financing = [block["finansiering"][key] for key in cols.financing]
    return [*block["aar_sum"], block["total"], *financing, block["total"] - sum(financing)]


def _check_formula(cols, row) -> str:
    fin = f"{cols.letter('lbf')}{row}:{cols.letter('anden')}{row}"
    return f"={cols.letter(cols.total)}{row}-SUM({fin})"


def _box(sheet: _Sheet, row, cols) -> None:
    for c in range(1, cols.check + 1):
        sheet.restyle(sheet.ws.cell(row, c), border=_BOX)


def _write_totals(sheet: _Sheet, total: dict, cols, row, sum_rows) -> int:
    """Total, the split of co-financing, and the figures LBF reads: returns the next free row."""
    ws = sheet.ws
    sheet.text(row, 1, "Total", _BOLD)
    for col, value in zip(cols.numeric, _block_values(total, cols)):
        letter = cols.letter(col)
        sheet.formula(row, col, "=SUM(" + ",".join(f"{letter}{r}" for r in sum_rows) + ")", value, font=_BOLD)
    _box(sheet, row, cols)
    total_row, split = row, row + 1

    def ref(key) -> str:  # a cell of the Total row
        return f"{cols.letter(key)}{total_row}"

    sheet.text(split, 1, "Fordeling af medfinansiering i alt", _BOLD)
    for party in ("boligorganisation", "kommune"):
        first = cols.financing[f"{party}_kontant"]
        sheet.formula(split, first, f"={ref(f'{party}_kontant')}+{ref(f'{party}_timer')}", total[party])
        sheet.merge(split, first, split, first + 1)
    sheet.formula(split, cols.financing["anden"], f"={ref('anden')}", total["finansiering"]["anden"])
    _box(sheet, split, cols)
    whole = f"{cols.letter(cols.total)}{total_row}"
    fin = f"{cols.letter('lbf')}{total_row}:{cols.letter('anden')}{total_row}"
    cofin = f"{cols.letter(cols.total)}{split + 2}"
    figures = [("Samlet medfinansiering", f"={whole}-{ref('lbf')}", total["medfinansiering"], AMOUNT),
               ("Balance", f"={whole}-SUM({fin})", total["balance"], AMOUNT),
               ("Medfinans. (%)", f"=IF({whole}=0,0,{cofin}/{whole})",
                total["medfinansiering"] / total["total"] if total["total"] else 0, PERCENT)]
    for row, (label, formula, value, fmt) in enumerate(figures, start=split + 2):
        sheet.text(row, 1, label, _BOLD)
        sheet.restyle(sheet.formula(row, cols.total, formula, value, fmt, _BOLD), border=_BOX)
    return split + 2 + len(figures)


def _write_notes(sheet: _Sheet, notes, cols, row) -> None:
    if not notes:
        return
    ws = sheet.ws
    sheet.text(row, 1, "Noter", _BOLD)
    # Merged cells do not grow with their text, so the height is estimated from the width.
    width = sheet.room(2, cols.check)
    for note in notes:
        # A Markdown note as its paragraphs and list items, without the marks; a plain one as typed.
        text = note["tekst_ren"] if note.get("markdown") else note["tekst"]
        lines = _lines(text, width)
        parts = _parts(text, width) if lines > MAX_LINES else [text]
        for i, part in enumerate(parts):
            row += 1
            if i == 0:
                sheet.text(row, 1, f"{note['nr']})", alignment=_RIGHT)
            sheet.text(row, 2, part, alignment=_WRAP)
            sheet.merge(row, 2, row, cols.check)
            _set_height(ws, row, lines if len(parts) == 1 else _lines(part, width))


def _add_type_list(ws, cells: list[str], type_range: str) -> None:
    if not cells:
        return
    dv = DataValidation(type="list", formula1=type_range, allow_blank=True, showDropDown=False,
                        showErrorMessage=True, errorTitle="Udgiftstype",
                        error="Vælg en udgiftstype fra listen (arket Udgiftstyper).")
    for cells_range in cells:
        dv.add(cells_range)
    ws.add_data_validation(dv)


def _column_widths(ws, cols) -> None:
    widths = {1: 46, 2: 38, cols.total: 11, cols.check: 14}
    for col in range(1, cols.check + 1):
        ws.column_dimensions[get_column_letter(col)].width = widths.get(col, 9 if col in cols.years else 13)


def _print_setup(ws, title_rows: str, model: dict) -> None:
    """A4 landscape, one page wide, the column headers on every page, the sheet's name and the
    area above, "Side X af Y" below."""
    ws.print_title_rows = title_rows
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    area = _header_text(str(model["omraadets_navn"]))
    for part, text in ((ws.oddHeader.left, "&A"), (ws.oddHeader.right, area), (ws.oddFooter.center, FOOTER),
                       (ws.oddFooter.right, _header_text(f"Jnr. {model['jnr']}"))):
        if text:
            part.text, part.font, part.size = text, f"{FONT_NAME},Regular", 9


def _header_text(text: str) -> str:
    """Text for a header or footer: '&' starts a code there, and a header holds at most 255
    characters in all, so a name too long for it is left out (it stands on the sheet)."""
    text = " ".join(text.split()).replace("&", "&&")
    return text if len(text) <= 100 else ""


def _properties(wb, model, created: datetime) -> None:
    props = wb.properties
    props.creator = props.lastModifiedBy = "aftaler"
    props.title = f"Budgetark – {model['omraadets_navn']}"
    props.language = "da-DK"
    props.created = props.modified = created
    wb.calculation.fullCalcOnLoad = True  # Excel computes again on open; the cached values are for viewers


# ------------------------------------------------------------------ the package


def _package(wb, cached: dict[str, dict]) -> bytes:
    # ExcelWriter directly: openpyxl's save() stamps "modified" with the clock. Uncompressed:
    # the parts are compressed once, when they are zipped again in a fixed order below.
    buffer = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED)).save()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        names = [info.filename for info in archive.infolist()]
        parts = {name: archive.read(name) for name in names}
    for index, ws in enumerate(wb.worksheets, start=1):  # openpyxl names the parts in sheet order
        if cached.get(ws.title):
            name = f"xl/worksheets/sheet{index}.xml"
            parts[name] = _with_cached_values(parts[name], cached[ws.title])
    order = ["[Content_Types].xml"] + [n for n in names if n != "[Content_Types].xml"]
    return _zip([(name, parts[name]) for name in order])


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_C, _F, _V = (f"{{{_MAIN}}}{name}" for name in "cfv")


def _with_cached_values(xml: bytes, cached: dict[str, int | float]) -> bytes:
    """The sheet with each formula's result in its <v> (openpyxl writes formulas without one)."""
    root = etree.fromstring(xml)
    done = set()
    for formula in root.iter(_F):  # formulas, not every cell, looked for: one cell in five has one
        cell = formula.getparent()
        coordinate = cell.get("r")
        if cell.tag != _C or coordinate not in cached:
            continue
        value = cell.find(_V)
        if value is None:
            value = etree.SubElement(cell, _V)
        value.text = _number_text(cached[coordinate])
        done.add(coordinate)
    assert done == set(cached), sorted(set(cached) - done)  # every formula written got its value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _number_text(value) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        value = float(value)  # Decimal and the like
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)
