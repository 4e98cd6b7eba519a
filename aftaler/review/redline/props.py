"""Paragraph properties: a paragraph's look compared across documents, and its former look
recorded as w:pPrChange."""
from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from lxml import etree

from .ooxml import NOT_PROPS, PPR, _c14n, _w
from .package import _num_signature, _Package

if TYPE_CHECKING:
    from .context import _Context


def _props(p) -> list:
    ppr = p.find(PPR)
    return [] if ppr is None else [c for c in ppr if c.tag not in NOT_PROPS]


def _props_key(p, pkg: _Package) -> list[str]:
    """The paragraph's look, comparable across documents: a list by what it numbers like."""
    key = []
    for c in _props(p):
        if c.tag == _w("numPr"):
            num = c.find(_w("numId"))
            level = c.find(_w("ilvl"))
            key.append(f"num:{_c14n(level) if level is not None else ''}:"
                       f"{_num_signature(pkg, num.get(_w('val'))) if num is not None else ''}")
        else:
            key.append(_c14n(c))
    return key


def _replace_props(p, props: list) -> None:
    ppr = p.find(PPR)
    if ppr is None:
        ppr = etree.Element(PPR)
        p.insert(0, ppr)
    for c in _props(p):
        ppr.remove(c)
    for k, c in enumerate(props):
        ppr.insert(k, c)


def _old_props(p, ctx: _Context) -> list:
    """Copies of an OLD paragraph's properties, its lists renumbered for NEW."""
    props = [copy.deepcopy(c) for c in _props(p)]
    for num in (n for c in props for n in c.iter(_w("numId"))):
        num.set(_w("val"), ctx.new_num_id(num.get(_w("val"))))
    return props


def _add_ppr_change(p, old_props: list, ctx: _Context) -> None:
    """Record the paragraph's former look (given ready for NEW), so that rejecting restores it."""
    ppr = p.find(PPR)
    if ppr is None:
        ppr = etree.Element(PPR)
        p.insert(0, ppr)
    change = ctx.revision("pPrChange")
    etree.SubElement(change, PPR).extend(old_props)
    ppr.append(change)
