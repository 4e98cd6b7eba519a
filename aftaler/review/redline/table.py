"""Two paired tables compared row by row and cell by cell; rows that come or go are tracked whole."""
from __future__ import annotations

import copy
import itertools

from .align import PAIR_AT, _align, _similarity
from .marking import _mark_row
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
    rows = []
    for op, o, n in _align(old.findall(TR), new.findall(TR), (_row_key, _row_key), _row_score):
        if op == "pair":
            for old_tc, new_tc in zip(o.findall(TC), n.findall(TC)):
                _set_blocks(new_tc, diff_cell(_blocks(old_tc), _blocks(new_tc), part))
            rows.append(n)
        elif op == "del":
            row = copy.deepcopy(o)
            _mark_row(row, "del", part.ctx)
            part.import_old(row)
            rows.append(row)
        else:
            _mark_row(n, "ins", part.ctx)
            _note_insertions(n, part)
            rows.append(n)
    for tr in new.findall(TR):
        new.remove(tr)
    new.extend(rows)
    return new


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
