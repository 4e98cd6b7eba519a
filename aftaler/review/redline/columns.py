"""Two paired tables whose grids differ in width (a budget year added or removed): their grid
columns aligned, so that a column that comes or goes is tracked cell by cell (w:cellIns /
w:cellDel, its content as w:ins / w:del) and the rest of each row is compared cell by cell.

A cell spanning kept columns and an added one, such as the budget's "Projektperiode – udgifter"
over the year columns, is the same cell widened: it is paired with its counterpart by the kept
columns it covers, and its former span is tracked as a w:tcPrChange (Reject restores it). A cell
narrowed by a removed column cannot be tracked so (a change cannot say "narrower once accepted";
replacing just its row beside merged header cells made LibreOffice 7.4 crash on Accept All):
NEW's cell stands beside a deleted empty cell over the removed column, and the two pieces'
former properties are OLD's cell split and joined by w:hMerge, which Reject merges back
(track_span). Rows with gridBefore/gridAfter make table.py fall back to replacing the rows that
differ in shape.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

from lxml import etree

from .align import PAIR_AT, _align, _similarity
from .ooxml import TC, TCPR, TR, _dxa, _span, _text, _w

GRID = _w("tblGrid")


def _cells(tr) -> list[tuple[int, int, object]]:
    """(first grid column, span, cell) for each cell of a row."""
    out, start = [], 0
    for tc in tr.findall(TC):
        out.append((start, _span(tc), tc))
        start += _span(tc)
    return out


def _widths(tbl) -> list[str]:
    grid = tbl.find(GRID)
    return [] if grid is None else [g.get(_w("w"), "0") for g in grid.findall(_w("gridCol"))]


HEADER_ROWS = 3  # a grouped header ("Finansiering" over "LBF", "Kontant" …) is at most this deep


def _column_texts(tbl, width: int) -> tuple[list[str], list[str]]:
    """Each grid column's text row by row, and its header: the first cell of its own (not a
    group's spanning one) with text in the table's first rows."""
    cols: list[list[str]] = [[] for _ in range(width)]
    header = [""] * width
    for r, tr in enumerate(tbl.findall(TR)):
        for start, span, tc in _cells(tr):
            if span == 1 and start < width:
                cols[start].append(_text(tc))
                if r < HEADER_ROWS and not header[start]:
                    header[start] = _text(tc).strip()
    return ["\x1f".join(c) for c in cols], header


@dataclass
class _Columns:
    """The union grid: ("pair"|"del"|"ins", old column, new column) in order."""

    ops: list
    old_widths: list
    new_widths: list

    def __post_init__(self):
        self.old_at = {o: u for u, (_, o, _n) in enumerate(self.ops) if o is not None}
        self.new_at = {n: u for u, (_, _o, n) in enumerate(self.ops) if n is not None}

    def kind(self, u: int) -> str:
        return self.ops[u][0]

    def hull(self, start: int, span: int, side: str) -> range:
        at = self.old_at if side == "old" else self.new_at
        us = [at[c] for c in range(start, start + span) if c in at]
        return range(min(us), max(us) + 1) if us else range(0)

    def clean(self, tbl, side: str) -> bool:
        """Every cell within one kind of column, and rows without grid before or after."""
        own = "del" if side == "old" else "ins"
        for tr in tbl.findall(TR):
            if tr.find(f"{_w('trPr')}/{_w('gridBefore')}") is not None \
                    or tr.find(f"{_w('trPr')}/{_w('gridAfter')}") is not None:
                return False
            for start, span, _tc in _cells(tr):
                kinds = {self.kind(u) for u in self.hull(start, span, side)}
                resized = kinds == {"pair", own}  # widened over an added column, or narrowed (track_span)
                if kinds not in ({"pair"}, {own}) and not resized:
                    return False
        return True

    def kept(self, start: int, span: int, side: str) -> tuple:
        """The kept (paired) union columns a cell covers: what identifies it on both sides."""
        return tuple(u for u in self.hull(start, span, side) if self.kind(u) == "pair")

    def key(self, tr, side: str) -> str:
        """A row's text in the columns both tables have."""
        return "\x1f".join(_text(tc) for start, span, tc in _cells(tr) if self.kept(start, span, side))

    def map_row(self, old_tr, new_tr) -> list[tuple] | None:
        """(kind, old cell, new cell, union start, cut) in union order, or None when the cells of
        the kept columns do not pair one to one. `cut`: for a pair, the union columns of removed
        columns that OLD's cell covered and NEW's does not, before and after NEW's."""
        out, kept = [], {}
        for start, span, tc in _cells(old_tr):
            hull = self.hull(start, span, "old")
            if not self.kept(start, span, "old"):  # only removed columns (a narrowed cell keeps some)
                out.append(("del", tc, None, hull[0], None))
            else:
                kept[self.kept(start, span, "old")] = (tc, hull)
        paired = 0
        for start, span, tc in _cells(new_tr):
            hull = self.hull(start, span, "new")
            if not self.kept(start, span, "new"):
                out.append(("ins", None, tc, hull[0], None))
            elif self.kept(start, span, "new") in kept:
                old_tc, old_hull = kept.pop(self.kept(start, span, "new"))
                cut = (range(old_hull.start, min(old_hull.stop, hull.start)),
                       range(max(old_hull.start, hull.stop), old_hull.stop))
                out.append(("pair", old_tc, tc, hull[0], cut))
                paired += 1
            else:
                return None
        if kept or not paired:
            return None
        return sorted(out, key=lambda c: c[3])

    def row_score(self, old_tr, new_tr) -> float | None:
        if self.map_row(old_tr, new_tr) is None:
            return None
        score = _similarity(self.key(old_tr, "old"), self.key(new_tr, "new"))
        first_old, first_new = old_tr.find(TC), new_tr.find(TC)
        if _text(first_old).strip() and _text(first_old) == _text(first_new):
            return 1.0 + score  # same label in the first column: the same row, changed
        return score if score >= PAIR_AT else None

    def placeholders(self, tr, side: str, ctx) -> None:
        """A whole row of one side gets an empty cell, tracked, in each column of the other."""
        other = "ins" if side == "old" else "del"
        cells = _cells(tr)
        by_start = sorted(((self.hull(s, n, side)[0], tc) for s, n, tc in cells), key=lambda c: c[0])
        for u in reversed(range(len(self.ops))):
            if self.kind(u) != other:
                continue
            before = [tc for start, tc in by_start if start < u]
            after = [tc for start, tc in by_start if start > u]
            model = before[-1] if before else after[0]
            cell = _empty_cell(model, self.width(u))
            _mark_cell(cell, other, ctx)
            (model.addnext(cell) if before else model.addprevious(cell))

    def width(self, u: int) -> str:
        _kind, o, n = self.ops[u]
        return self.new_widths[n] if n is not None else self.old_widths[o]

    def set_grid(self, tbl, ctx) -> None:
        """The union grid; the old one kept as w:tblGridChange where it differs."""
        grid = tbl.find(GRID)
        for col in grid.findall(_w("gridCol")):
            grid.remove(col)
        for u in range(len(self.ops)):
            etree.SubElement(grid, _w("gridCol"), {_w("w"): self.width(u)})
        if len(self.ops) != len(self.old_widths):
            change = etree.SubElement(grid, _w("tblGridChange"), {_w("id"): str(next(ctx.ids))})
            former = etree.SubElement(change, GRID)
            for w in self.old_widths:
                etree.SubElement(former, _w("gridCol"), {_w("w"): w})


def _column_plan(old, new) -> _Columns | None:
    """The columns of two tables aligned, or None: same width (cells pair one to one), no
    column in common, or cells that cannot be tracked column by column."""
    old_w, new_w = _widths(old), _widths(new)
    if len(old_w) == len(new_w) or not old_w or not new_w:
        return None
    old_keys, old_head = _column_texts(old, len(old_w))
    new_keys, new_head = _column_texts(new, len(new_w))

    def score(o: int, n: int) -> float | None:
        sim = _similarity(old_keys[o], new_keys[n])
        if old_head[o] and old_head[o] == new_head[n]:
            return 1.0 + sim  # the same heading: the same column, its figures changed
        return sim if sim >= PAIR_AT else None

    ops = _align(list(range(len(old_w))), list(range(len(new_w))),
                 (lambda o: old_keys[o], lambda n: new_keys[n]), score)
    if not any(op == "pair" for op, _o, _n in ops):
        return None
    plan = _Columns(ops, old_w, new_w)
    return plan if plan.clean(old, "old") and plan.clean(new, "new") else None


def _empty_cell(model, width: str):
    """An empty cell looking like `model` (its shading and borders, its first paragraph's look)."""
    cell = etree.Element(TC)
    props = copy.deepcopy(model.find(TCPR)) if model.find(TCPR) is not None else etree.Element(TCPR)
    for child in props:
        if child.tag in (_w("gridSpan"), _w("vMerge"), _w("hMerge"), _w("cellIns"), _w("cellDel"),
                         _w("cellMerge"), _w("tcPrChange")):
            props.remove(child)
    tcw = props.find(_w("tcW"))
    if tcw is None:
        tcw = etree.Element(_w("tcW"))
        props.insert(0, tcw)
    tcw.set(_w("w"), width)
    tcw.set(_w("type"), "dxa")
    cell.append(props)
    p = etree.SubElement(cell, _w("p"))
    first = model.find(_w("p"))
    ppr = first.find(_w("pPr")) if first is not None else None
    if ppr is not None:
        ppr = copy.deepcopy(ppr)
        for child in ppr:
            if child.tag in (_w("pPrChange"), _w("sectPr"), _w("numPr")):
                ppr.remove(child)
        rpr = ppr.find(_w("rPr"))
        if rpr is not None:
            for mark in rpr.findall(_w("ins")) + rpr.findall(_w("del")):
                rpr.remove(mark)
        p.append(ppr)
    return cell


def _former(tc):
    """A copy of a cell's properties without its revision marks: what a w:tcPrChange keeps."""
    former = copy.deepcopy(tc.find(TCPR)) if tc.find(TCPR) is not None else etree.Element(TCPR)
    for child in former:
        if child.tag in (_w("cellIns"), _w("cellDel"), _w("cellMerge"), _w("tcPrChange")):
            former.remove(child)
    return former


def _add_tcpr_change(tc, former, ctx) -> None:
    props = tc.find(TCPR)
    if props is None:
        props = etree.Element(TCPR)
        tc.insert(0, props)
    change = ctx.revision("tcPrChange")
    change.append(former)
    props.append(change)


def _piece(former, units: int, width: int | None, merge: str):
    """OLD's cell properties for one piece of it: its span, its width, and w:hMerge."""
    span = former.find(_w("gridSpan"))
    if span is None:
        span = etree.Element(_w("gridSpan"))
        tcw = former.find(_w("tcW"))
        (tcw.addnext(span) if tcw is not None else former.insert(0, span))
    span.set(_w("val"), str(units))
    tcw = former.find(_w("tcW"))
    if width is not None and tcw is not None:
        tcw.set(_w("w"), str(width))
    span.addnext(etree.Element(_w("hMerge"), {_w("val"): merge}))
    return former


def track_span(old_tc, new_tc, cut, cols: _Columns, ctx) -> tuple[list, list]:
    """A paired cell whose span changed: OLD's cell properties kept as a w:tcPrChange, so
    Reject restores them. Widened over an added column, that is all. Narrowed by a removed
    column (`cut`: the union columns OLD's cell covered and NEW's does not), a change cannot
    make the cell narrower once accepted, so the removed columns get a deleted empty cell of
    their own beside NEW's cell (gone on Accept, like the column), and Reject merges the pieces
    back into OLD's one cell: their former properties are OLD's, in pieces joined by w:hMerge.
    Returns the deleted cells that go before and after NEW's cell."""
    before, after = cut if cut is not None else (range(0), range(0))
    if not before and not after:
        if _span(old_tc) != _span(new_tc):
            _add_tcpr_change(new_tc, _former(old_tc), ctx)
        return [], []
    total = _dxa(old_tc)
    pieces = []
    for units in (before, after):
        if units:
            width = sum(int(cols.width(u)) for u in units)
            cell = _empty_cell(new_tc, str(width))
            if len(units) > 1:
                cell.find(TCPR).find(_w("tcW")).addnext(etree.Element(_w("gridSpan"), {_w("val"): str(len(units))}))
            pieces.append((cell, len(units), width))
            total = None if total is None else total - width
        else:
            pieces.append(None)
    own = (new_tc, _span(old_tc) - len(before) - len(after), total)
    group = [p for p in (pieces[0], own, pieces[1]) if p is not None]
    for k, (cell, units, width) in enumerate(group):
        _add_tcpr_change(cell, _piece(_former(old_tc), units, width, "restart" if k == 0 else "continue"), ctx)
        if cell is not new_tc:
            _mark_cell(cell, "del", ctx)
    return ([pieces[0][0]] if pieces[0] else []), ([pieces[1][0]] if pieces[1] else [])


def _mark_cell(tc, kind: str, ctx) -> None:
    """w:cellIns / w:cellDel in the cell's properties (before any w:tcPrChange)."""
    props = tc.find(TCPR)
    if props is None:
        props = etree.Element(TCPR)
        tc.insert(0, props)
    mark = ctx.revision("cellIns" if kind == "ins" else "cellDel")
    change = props.find(_w("tcPrChange"))
    (change.addprevious(mark) if change is not None else props.append(mark))
