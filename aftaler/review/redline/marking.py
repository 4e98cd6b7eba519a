"""Whole content marked inserted or deleted: runs wrapped in w:ins/w:del, paragraph marks, rows."""
from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from .ooxml import (
    PPR,
    PPR_CHANGE,
    RPR,
    RUN_HOSTS,
    TBL,
    TC,
    TR,
    TRPR,
    P,
    R,
    T,
    _blocks,
    _w,
)

if TYPE_CHECKING:
    from .context import _Context


def _mark_blocks(blocks: list, kind: str, ctx: _Context, mark_last: bool) -> None:
    """Track every run in `blocks`, every paragraph mark but (unless mark_last) the last one."""
    for index, block in enumerate(blocks):
        if block.tag == P:
            _wrap_runs(block, kind, ctx)
            if mark_last or index < len(blocks) - 1:
                _mark_end(block, kind, ctx)
        elif block.tag == TBL:
            for tr in block.findall(TR):
                _mark_row(tr, kind, ctx)
        else:
            for p in block.iter(P):
                _wrap_runs(p, kind, ctx)


def _mark_row(tr, kind: str, ctx: _Context) -> None:
    tr_pr = tr.find(TRPR)
    if tr_pr is None:
        tr_pr = etree.Element(TRPR)
        ex = tr.find(_w("tblPrEx"))
        (ex.addnext(tr_pr) if ex is not None else tr.insert(0, tr_pr))
    change = tr_pr.find(_w("trPrChange"))
    (change.addprevious if change is not None else tr_pr.append)(ctx.revision(kind))
    for tc in tr.findall(TC):
        _mark_blocks(_blocks(tc), kind, ctx, mark_last=False)


def _wrap_runs(parent, kind: str, ctx: _Context) -> None:
    """Put each stretch of runs under `parent` (and in hyperlinks etc.) in a w:ins/w:del."""
    children = list(parent)
    k = 0
    while k < len(children):
        child = children[k]
        if child.tag == R:
            end = k
            while end < len(children) and children[end].tag == R:
                end += 1
            wrapper = ctx.revision(kind)
            child.addprevious(wrapper)
            wrapper.extend(children[k:end])
            if kind == "del":
                _as_deleted_text(wrapper)
            k = end
            continue
        if child.tag in RUN_HOSTS:
            _wrap_runs(child, kind, ctx)
        k += 1


def _as_deleted_text(element) -> None:
    for el in element.iter(T, _w("instrText")):
        el.tag = _w("delText") if el.tag == T else _w("delInstrText")


def _mark_end(p, kind: str, ctx: _Context) -> None:
    """Mark the paragraph mark itself inserted or deleted (first in the mark's w:rPr)."""
    ppr = p.find(PPR)
    if ppr is None:
        ppr = etree.Element(PPR)
        p.insert(0, ppr)
    rpr = ppr.find(RPR)
    if rpr is None:
        rpr = etree.Element(RPR)
        after = next((c for c in ppr if c.tag in (_w("sectPr"), PPR_CHANGE)), None)
        (after.addprevious(rpr) if after is not None else ppr.append(rpr))
    rpr.insert(0, ctx.revision(kind))
