"""Accept all or reject all: every tracked change resolved, as Word and LibreOffice do it."""
from __future__ import annotations

import re

from lxml import etree

from .ooxml import (
    DEL,
    FN_REF,
    INS,
    NOT_PROPS,
    PPR,
    PPR_CHANGE,
    RPR,
    RUN_HOSTS,
    TBL,
    TC,
    TCPR,
    TR,
    TRPR,
    P,
    R,
    T,
    _dxa,
    _span,
    _text,
    _w,
)
from .package import _Package



def accept_all(docx: bytes) -> bytes:
    """Every insertion kept, every deletion gone: the NEW document's content."""
    return _resolve_package(docx, accept=True)


def reject_all(docx: bytes) -> bytes:
    """Every insertion gone, every deletion back: the OLD document's content."""
    return _resolve_package(docx, accept=False)


def _resolve_package(docx: bytes, accept: bool) -> bytes:
    pkg = _Package(docx)
    story = re.compile(r"^word/(document|footnotes|endnotes|header\d*|footer\d*|comments)\.xml$")
    for name in [n for n in pkg.names if story.match(n)]:
        _resolve(pkg.root(name), accept)
    fn_name = next((n for n in pkg.names if n == "word/footnotes.xml"), None)
    if fn_name:  # a footnote whose reference went is gone too
        used = {r.get(_w("id")) for r in pkg.root("word/document.xml").iter(FN_REF)}
        notes = pkg.root(fn_name)
        for fn in notes.findall(_w("footnote")):
            if fn.get(_w("type")) is None and fn.get(_w("id")) not in used:
                notes.remove(fn)
    return pkg.save()


def _resolve(root, accept: bool) -> None:
    keep, drop = (INS, DEL) if accept else (DEL, INS)
    for tr in list(root.iter(TR)):
        tr_pr = tr.find(TRPR)
        if tr_pr is not None and tr_pr.find(drop) is not None:
            tr.getparent().remove(tr)
        elif tr_pr is not None:
            for mark in tr_pr.findall(keep):
                tr_pr.remove(mark)
    for tbl in list(root.iter(TBL)):
        _resolve_cells(tbl, accept)
    for tbl in list(root.iter(TBL)):
        if tbl.find(TR) is None:
            tbl.getparent().remove(tbl)
    ends = [p for p in root.iter(P) if p.find(f"{PPR}/{RPR}/{drop}") is not None]
    for el in list(root.iter(drop)):
        if el.getparent().tag not in (RPR, TRPR, _w("numPr")):
            el.getparent().remove(el)
    for el in list(root.iter(keep)):
        parent = el.getparent()
        if parent.tag in (RPR, TRPR, _w("numPr")):
            parent.remove(el)
        else:
            for child in list(el):
                el.addprevious(child)
            parent.remove(el)
    for host in [h for h in root.iter(*RUN_HOSTS) if next(h.iter(R), None) is None]:
        if host.getparent() is not None and host.getparent().tag != _w("sdt"):
            host.getparent().remove(host)  # a link whose text went
    if not accept:
        for el in root.iter(_w("delText"), _w("delInstrText")):
            el.tag = T if el.tag == _w("delText") else _w("instrText")
    for change in list(root.iter(PPR_CHANGE, _w("rPrChange"))):
        props = change.getparent()
        if not accept:
            former = change.find(props.tag)
            for c in [c for c in props if c.tag not in NOT_PROPS and c is not change]:
                props.remove(c)
            for k, c in enumerate(list(former) if former is not None else []):
                props.insert(k, c)
        props.remove(change)
    for p in reversed(ends):
        _join_next(p, drop)


def _join_next(p, drop: str) -> None:
    """A removed paragraph mark: the paragraph's content moves into the next paragraph."""
    rpr = p.find(f"{PPR}/{RPR}")
    for mark in rpr.findall(drop):
        rpr.remove(mark)
    content = [c for c in p if c.tag != PPR]
    following = p.getnext()
    if following is not None and following.tag == P:
        ppr = following.find(PPR)
        at = 1 if ppr is not None else 0
        for k, c in enumerate(content):
            following.insert(at + k, c)
        p.getparent().remove(p)
    elif next(p.iter(R), None) is None and p.find(f"{PPR}/{_w('sectPr')}") is None:
        p.getparent().remove(p)


def _resolve_cells(tbl, accept: bool) -> None:
    """Cells that come or go (w:cellIns, w:cellDel): removed or kept, and the grid columns that
    only removed cells covered dropped with them."""
    keep, drop = (_w("cellIns"), _w("cellDel")) if accept else (_w("cellDel"), _w("cellIns"))
    # A row with a widened or narrowed cell (its former span in w:tcPrChange) does not decide
    # which grid columns go: its cells are not where the other rows' are. Its spans are settled after.
    changes = tbl.findall(f"{TR}/{TC}/{TCPR}/{_w('tcPrChange')}")
    resized_rows = {change.getparent().getparent().getparent() for change in changes}
    grid = tbl.find(_w("tblGrid"))
    change = grid.find(_w("tblGridChange")) if grid is not None else None
    if change is not None:
        grid.remove(change)
    covering: dict[int, list[bool]] = {}
    doomed = []
    for tr in tbl.findall(TR):
        start = 0
        for tc in tr.findall(TC):
            span = tc.find(f"{TCPR}/{_w('gridSpan')}")
            width = int(span.get(_w("val"))) if span is not None else 1
            gone = tc.find(f"{TCPR}/{drop}") is not None
            for col in range(start, start + width):
                if tr not in resized_rows:
                    covering.setdefault(col, []).append(gone)
            start += width
            if gone:
                doomed.append(tc)
            for mark in tc.findall(f"{TCPR}/{keep}"):
                mark.getparent().remove(mark)
    for tc in doomed:
        tc.getparent().remove(tc)
    if grid is not None and doomed:
        cols = grid.findall(_w("gridCol"))
        for col in sorted((c for c, gone in covering.items() if all(gone)), reverse=True):
            if col < len(cols):
                grid.remove(cols[col])
    for change in changes:  # Accept keeps the new span; Reject brings back the former properties
        props = change.getparent()
        former = change.find(TCPR)
        props.remove(change)
        if not accept and former is not None:
            for c in list(props):
                props.remove(c)
            props.extend(list(former))
    for tr in resized_rows:
        if tr.getparent() is not None:
            _merge_horizontal(tr)


def _merge_horizontal(tr) -> None:
    """Cells joined by w:hMerge (restart, then continue) made one cell spanning them all, as
    Word reads them: how a cell narrowed by a removed column comes back whole on Reject."""
    group: list = []
    for tc in [*tr.findall(TC), None]:
        merge = tc.find(f"{TCPR}/{_w('hMerge')}") if tc is not None else None
        if merge is not None and merge.get(_w("val")) == "continue" and group:
            group.append(tc)
            continue
        if len(group) > 1:
            _join_cells(group)
        elif group:
            _drop_hmerge(group[0])
        group = [tc] if merge is not None else []


def _drop_hmerge(tc) -> None:
    for merge in tc.findall(f"{TCPR}/{_w('hMerge')}"):
        merge.getparent().remove(merge)


def _join_cells(group: list) -> None:
    first = group[0]
    span = sum(_span(tc) for tc in group)
    widths = [_dxa(tc) for tc in group]
    if None not in widths:
        first.find(f"{TCPR}/{_w('tcW')}").set(_w("w"), str(sum(widths)))
    props = first.find(TCPR)
    grid_span = props.find(_w("gridSpan"))
    if grid_span is None:
        grid_span = etree.SubElement(props, _w("gridSpan"))
    grid_span.set(_w("val"), str(span))
    _drop_hmerge(first)
    # The content: the pieces' that hold text (the removed column's piece holds an empty paragraph).
    holding = [tc for tc in group if _text(tc).strip()] or [first]
    blocks = [b for tc in holding for b in tc if b.tag != TCPR]
    for b in [b for b in first if b.tag != TCPR]:
        first.remove(b)
    first.extend(blocks)
    for tc in group[1:]:
        tc.getparent().remove(tc)

