"""Footnotes after the body: each one whose reference stays compared word by word, each new one
marked inserted, then all put in reference order. (OLD's footnotes come in through transfer.py.)"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .blocks import _diff_container
from .marking import _mark_blocks
from .ooxml import FN_REF, _blocks, _set_blocks, _w
from .package import _footnotes, _footnotes_name
from .transfer import _Part

if TYPE_CHECKING:
    from .context import _Context


def _finish_footnotes(ctx: _Context) -> None:
    """Compare or mark the footnotes whose references the body diff met."""
    old_notes, new_notes = _footnotes(ctx.old), _footnotes(ctx.new)
    name = _footnotes_name(ctx.new)
    part = _Part(ctx, name, old_name=_footnotes_name(ctx.old)) if name else None
    for work in ctx.fn_work:
        if work[0] == "ins" and work[1] in new_notes:
            _mark_blocks(_blocks(new_notes[work[1]]), "ins", ctx, mark_last=False)
        elif work[0] == "pair" and work[1] in old_notes and work[2] in new_notes:
            note = new_notes[work[2]]
            _set_blocks(note, _diff_container(_blocks(old_notes[work[1]]), _blocks(note), part))


def _order_footnotes(ctx: _Context) -> None:
    """Footnotes in the order of their references, numbered 1, 2, …

    LibreOffice reads footnotes.xml in file order, not by id: OLD's footnotes brought back
    at the end would be attached to the wrong references.
    """
    name = _footnotes_name(ctx.new)
    if name is None or not ctx.new.has(name):
        return
    notes = ctx.new.root(name)
    refs = list(ctx.new.root("word/document.xml").iter(FN_REF))
    by_id = {fn.get(_w("id")): fn for fn in notes.findall(_w("footnote")) if fn.get(_w("type")) is None}
    order = list(dict.fromkeys(r.get(_w("id")) for r in refs if r.get(_w("id")) in by_id))
    order += [i for i in by_id if i not in order]
    number = {old: str(k) for k, old in enumerate(order, start=1)}
    for fn in by_id.values():
        notes.remove(fn)
    for old in order:
        by_id[old].set(_w("id"), number[old])
        notes.append(by_id[old])
    for ref in refs:
        ref.set(_w("id"), number.get(ref.get(_w("id")), ref.get(_w("id"))))
