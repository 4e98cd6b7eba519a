"""The workbook's shortcuts (styles and merges done by openpyxl once and copied after) give the
same bytes as openpyxl doing every assignment and every merge itself."""
from __future__ import annotations

import io
import zipfile
from collections import Counter

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from aftaler.render.workbook import _BOLD, _BOX, _CENTRE, _GREY, _Sheet, render_budget_xlsx
from conftest import edit
from test_excel import AMAGER, LILLE, budget_model


def _plain_restyle(self, cell, font=None, number_format=None, alignment=None, fill=None, border=None):
    for name, value in (("font", font), ("number_format", number_format), ("alignment", alignment),
                        ("fill", fill), ("border", border)):
        if value is not None:
            setattr(cell, name, value)


def _plain_merge(self, first_row, first_col, last_row, last_col):
    self.ws.merge_cells(start_row=first_row, start_column=first_col, end_row=last_row, end_column=last_col)


@pytest.fixture
def merges(monkeypatch):
    """How often openpyxl's own merge_cells ran."""
    counted = Counter()
    merge_cells = Worksheet.merge_cells

    def counting(self, *args, **kwargs):
        counted["openpyxl"] += 1
        return merge_cells(self, *args, **kwargs)

    monkeypatch.setattr(Worksheet, "merge_cells", counting)
    return counted


def _as_openpyxl_does_it(monkeypatch, render):
    with monkeypatch.context() as patch:
        patch.setattr(_Sheet, "restyle", _plain_restyle)
        patch.setattr(_Sheet, "merge", _plain_merge)
        return render()


def _parts(xlsx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("folder", [LILLE, AMAGER], ids=["lille", "amager"])
def test_budget_workbook_as_openpyxl_writes_it(folder, monkeypatch, merges):
    model = budget_model(folder)
    fast = render_budget_xlsx(model)
    ranges = sum(1 for line in _parts(fast)["xl/worksheets/sheet1.xml"].split(b"<mergeCell ")) - 1
    assert 0 < merges["openpyxl"] < ranges  # the copies were used
    plain = _as_openpyxl_does_it(monkeypatch, lambda: render_budget_xlsx(model))
    assert _parts(fast) == _parts(plain)
    assert fast == plain


def test_a_note_over_several_rows_and_text_rows_as_openpyxl_writes_them(small_set, monkeypatch):
    edit(small_set / "budget.yaml", "tekst: Løn efter overenskomst.", "tekst: " + " ".join(f"ord{i}" for i in range(3000)))
    model = budget_model(small_set)
    group = model["grupper"][0]
    template = next(line for line in group["linjer"] if not line.get("tekstlinje"))
    for text in ("Første tekstlinje", "Anden tekstlinje, " + "lang " * 400, "=ikke en formel"):
        group["linjer"].append({**template, "tekstlinje": True, "tekst_ren": text})
    fast = render_budget_xlsx(model)
    assert fast == _as_openpyxl_does_it(monkeypatch, lambda: render_budget_xlsx(model))


def test_merges_of_cells_with_and_without_styles_as_openpyxl_merges_them(monkeypatch, merges):
    """Ranges of one shape with bordered, filled, missing and unstyled cells, in several places."""
    def build() -> bytes:
        wb = Workbook()
        sheet = _Sheet(wb.active)
        for top in (1, 5, 9):
            for row in range(top, top + 2):
                for col in range(1, 4):
                    sheet.restyle(sheet.ws.cell(row, col), fill=_GREY, border=_BOX)
            sheet.text(top, 1, f"titel {top}", _BOLD, _CENTRE)
            sheet.merge(top, 1, top + 1, 3)
        for top in (13, 15):  # no cell there yet
            sheet.merge(top, 1, top, 4)
        for top in (17, 19):
            sheet.text(top, 2, "tekst")
            sheet.merge(top, 2, top, 6)
        for top in (21, 23):  # the first cell takes the last one's right and bottom border
            sheet.text(top, 1, "tekst")
            sheet.restyle(sheet.ws.cell(top, 3), border=_BOX)
            sheet.merge(top, 1, top, 3)
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()

    fast = _parts(build())
    assert merges["openpyxl"] == 5  # one per shape and styles before, and each empty range
    plain = _parts(_as_openpyxl_does_it(monkeypatch, build))
    for parts in (fast, plain):
        del parts["docProps/core.xml"]  # save() stamps the time
    assert fast == plain
