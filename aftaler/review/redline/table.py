"""Two paired tables compared row by row and cell by cell; rows that come or go are tracked whole,
and so are columns (see columns.py)."""
from __future__ import annotations

import copy
import itertools

from .align import PAIR_AT, _align, _similarity
from .columns import _column_plan, _mark_cell, track_span
from .marking import _mark_blocks, _mark_row
from .ooxml import TBL, TC, TR, _blocks, _set_blocks, _text, _w
from .transfer import _note_insertions, _Part


def _row_key(tr) -> str:
    return "\x1f".join(_text(tc) for tc in tr.findall(TC))


def _row_shape(tr) -> list[str]:
    """How many grid columns each cell spans."""
    spans = [tc.find(f"{_w('tcPr')}/{_w('gridSpan')}") for tc in tr.findall(TC)]
    return [span.get(_w("val")) if span is not None else "1" for span in spans]


def _row_score(old, new) -> float | None:
    if _row_shape(old) != _row_shape(new):
        return None  # cells cannot be paired one to one
    old_cells, new_cells = old.findall(TC), new.findall(TC)
    score = _similarity(_row_key(old), _row_key(new))
    if old_cells and _text(old_cells[0]).strip() and _text(old_cells[0]) == _text(new_cells[0]):
        return 1.0 + score  # same label in the first column: the same row, changed
    return score if score >= PAIR_AT else None


def _pair_table(old, new, part: _Part, diff_cell):
    """`diff_cell(old_blocks, new_blocks, part)` compares the blocks of two paired cells: cells
    hold blocks and blocks hold tables, so the caller (blocks.py) passes its own differ in."""
    shape = {_w("tblPr"), _w("tblGrid"), TR}
    if any(c.tag not in shape for c in itertools.chain(old, new) if isinstance(c.tag, str)):
        # Rows inside content controls and the like: replace the table whole.
        return _replace_table(old, new, part)
    cols = _column_plan(old, new)  # None: the same grid, cells pair one to one
    if cols is None:
        keys, score = (_row_key, _row_key), _row_score
    else:
        keys, score = (lambda tr: cols.key(tr, "old"), lambda tr: cols.key(tr, "new")), cols.row_score
    ops = []
    for op, o, n in _align(old.findall(TR), new.findall(TR), keys, score):
        if op == "pair" and cols is not None and cols.map_row(o, n) is None:
            ops += [("del", o, None), ("ins", None, n)]  # equal text, cells of another shape
        else:
            ops.append((op, o, n))
    rows = []
    for op, o, n in ops:
        if op == "pair" and cols is None:
            for old_tc, new_tc in zip(o.findall(TC), n.findall(TC)):
                _set_blocks(new_tc, diff_cell(_blocks(old_tc), _blocks(new_tc), part))
            rows.append(n)
        elif op == "pair":
            rows.append(_pair_row_by_columns(o, n, cols, part, diff_cell))
        elif op == "del":
            row = copy.deepcopy(o)
            if cols is not None:
                cols.placeholders(row, "old", part.ctx)
            _mark_row(row, "del", part.ctx)
            part.import_old(row)
            rows.append(row)
        else:
            if cols is not None:
                cols.placeholders(n, "new", part.ctx)
            _mark_row(n, "ins", part.ctx)
            _note_insertions(n, part)
            rows.append(n)
    for tr in new.findall(TR):
        new.remove(tr)
    new.extend(rows)
    if cols is not None:
        cols.set_grid(new, part.ctx)
    return new


def _pair_row_by_columns(old_tr, new_tr, cols, part: _Part, diff_cell):
    """NEW's row with OLD's cells of removed columns back as deleted cells, the cells of added
    columns inserted, and the cells of kept columns compared."""
    cells = cols.map_row(old_tr, new_tr)
    for tc in new_tr.findall(TC):
        new_tr.remove(tc)
    for kind, old_tc, new_tc, _start, cut in cells:
        if kind == "pair":
            _set_blocks(new_tc, diff_cell(_blocks(old_tc), _blocks(new_tc), part))
            before, after = track_span(old_tc, new_tc, cut, cols, part.ctx)
            new_tr.extend([*before, new_tc, *after])
        elif kind == "ins":
            _mark_cell(new_tc, "ins", part.ctx)
            _mark_blocks(_blocks(new_tc), "ins", part.ctx, mark_last=False)
            _note_insertions(new_tc, part)
            new_tr.append(new_tc)
        else:
            cell = copy.deepcopy(old_tc)
            _mark_cell(cell, "del", part.ctx)
            _mark_blocks(_blocks(cell), "del", part.ctx, mark_last=False)
            part.import_old(cell)
            new_tr.append(cell)
    return new_tr


def _replace_table(old, new, part: _Part):
    for tr in new.iter(TR):
        _mark_row(tr, "ins", part.ctx)
    _note_insertions(new, part)
    first = new.find(TR)
    for tr in old.iter(TR):
        if next(tr.iterancestors(TBL)) is old:  # not the rows of a nested table
            row = copy.deepcopy(tr)
            _mark_row(row, "del", part.ctx)
            part.import_old(row)
            (first.addprevious(row) if first is not None else new.append(row))
    return new
