"""The blocks (paragraphs and tables) of one container (body, cell, footnote) aligned and compared;
the container's last paragraph mark kept untracked, and marks shifted where LibreOffice needs it."""
from __future__ import annotations

import copy
from difflib import SequenceMatcher

from .align import PAIR_AT, _align, _similarity, _words
from .marking import _mark_blocks, _mark_end
from .ooxml import ANCHORS, FN_REF, TBL, P, _text, _w
from .paragraph import _node_key, _pair_paragraph
from .props import _add_ppr_change, _old_props, _props, _props_key, _replace_props
from .table import _pair_table
from .transfer import _note_insertions, _Part


def _block_key(block, rel_key) -> tuple:
    if block.tag == P:
        return (P, _text(block), _pictures(block, rel_key))
    return (block.tag, _text(block))


def _pictures(p, rel_key) -> tuple:
    return tuple(_node_key(node, rel_key) for node in p.iter(_w("drawing"), _w("pict")))


def _block_score(old, new, part: _Part) -> float | None:
    """How well two blocks pair up (None: never)."""
    if old.tag != new.tag:
        return None
    if old.tag == TBL:  # tables pair with tables; their rows decide the rest
        return 0.5 + 0.5 * SequenceMatcher(None, _words(_text(old)), _words(_text(new)),
                                           autojunk=False).quick_ratio()
    # A changed picture replaces its paragraph whole: LibreOffice joins a paragraph with the
    # next when a tracked picture at its end is removed.
    if old.tag != P or _pictures(old, part.old_rel) != _pictures(new, part.new_rel):
        return None
    score = _similarity(_text(old), _text(new))
    return score if score >= PAIR_AT else None


def _diff_container(old: list, new: list, part: _Part) -> list:
    """The output blocks of one container (body, cell, footnote)."""
    keys = (lambda b: _block_key(b, part.old_rel), lambda b: _block_key(b, part.new_rel))
    ops, tail = _fix_tail(_align(old, new, keys, lambda o, n: _block_score(o, n, part)))
    shifts = _shifted_runs(ops, tail)
    keep = {last for _, last, _ in shifts}  # these paragraphs' marks survive both ways
    out = []
    for index, (op, o, n) in enumerate(ops):
        if op == "pair":
            out.append(_pair_block(o, n, part))
        elif op == "del":
            out.append(_deleted(o, part, mark=index not in keep))
        else:
            out.append(_inserted(n, part, mark=index not in keep))
    for first, last, kind in shifts:
        _shift_marks(ops, out, first, last, kind, part)
    return [block for block in out if block is not None]


def _fix_tail(ops: list) -> tuple[list, str | None]:
    """Keep a container's last paragraph mark untracked: it must survive accept and reject.

    When the container ends in deleted or inserted blocks, the final mark belongs to one side
    only. Both sides there: their last paragraphs are paired. One side, paragraphs only: the
    marks shift up one paragraph, as Word records it (returns "del" or "ins"). With tables in
    between: the last paired paragraph is paired with the final one instead.
    """
    last_pair = max((k for k, op in enumerate(ops) if op[0] == "pair"), default=-1)
    tail = ops[last_pair + 1:]
    kinds = {op[0] for op in tail}
    if not tail:
        return ops, None
    if len(kinds) == 2 or last_pair < 0:
        return ops[:last_pair + 1] + _pair_finals(tail), None
    kind = kinds.pop()
    side = 1 if kind == "del" else 2
    head, (_, o, n) = ops[:last_pair], ops[last_pair]
    if n.tag != P or tail[-1][side].tag != P:
        return ops, None
    if all(op[side].tag == P for op in tail):
        return ops, kind
    if kind == "del":
        return head + [("del", o, None)] + tail[:-1] + [("pair", tail[-1][1], n)], None
    return head + [("ins", None, n)] + tail[:-1] + [("pair", o, tail[-1][2])], None


def _shifted_runs(ops: list, tail: str | None) -> list[tuple[int, int, str]]:
    """Runs of whole paragraphs whose marks shift up one: (paired paragraph, last, kind).

    The tail always (see _fix_tail). Elsewhere only where LibreOffice needs it: it cannot
    remove a paragraph that holds a footnote reference, or stands before a table, together
    with its own mark, but it can when the mark before it goes instead. Word takes both.
    """
    def element(op):
        return op[1] if op[0] == "del" else op[2]

    runs = []
    for k, op in enumerate(ops):
        if op[0] != "pair" or op[2].tag != P:
            continue
        end = k
        while end + 1 < len(ops) and ops[end + 1][0] == ops[k + 1][0] != "pair" and element(ops[end + 1]).tag == P:
            end += 1
        if end == k:
            continue
        if end == len(ops) - 1:
            needed = tail is not None
        else:
            needed = element(ops[end + 1]).tag != P or any(
                next(element(run).iter(FN_REF), None) is not None for run in ops[k + 1:end + 1])
        if needed:
            runs.append((k, end, ops[k + 1][0]))
    return runs


def _pair_finals(ops: list) -> list:
    dels = [k for k, op in enumerate(ops) if op[0] == "del" and op[1].tag == P]
    inss = [k for k, op in enumerate(ops) if op[0] == "ins" and op[2].tag == P]
    if not dels or not inss:
        return ops
    d, i = dels[-1], inss[-1]
    if any(op[0] == "del" for op in ops[d + 1:]) or any(op[0] == "ins" for op in ops[i + 1:]):
        return ops  # a side does not end in a paragraph: nothing to pair safely
    rest = [op for k, op in enumerate(ops) if k not in (d, i)]
    return rest + [("pair", ops[d][1], ops[i][2])]


def _shift_marks(ops: list, out: list, first: int, last: int, kind: str, part: _Part) -> None:
    """Whole paragraphs ops[first + 1:last + 1] of one kind: the paired paragraph before them
    carries a mark, and the last one's mark stays.

    The paired paragraph's text then ends in that last mark when the change is rejected
    ("ins") or accepted ("del"), so that mark gets the paired paragraph's look on that side.
    """
    ctx = part.ctx
    _mark_end(out[first], kind, ctx)
    final, (_, old, new) = out[last], ops[first]
    if kind == "ins" and _props_key(final, ctx.new) != _props_key(old, ctx.old):
        _add_ppr_change(final, _old_props(old, ctx), ctx)
    elif kind == "del" and _props_key(final, ctx.new) != _props_key(new, ctx.new):
        old_props = [copy.deepcopy(c) for c in _props(final)]  # imported already
        _replace_props(final, [copy.deepcopy(c) for c in _props(new)])
        _add_ppr_change(final, old_props, ctx)


def _pair_block(old, new, part: _Part):
    if new.tag == P:
        return _pair_paragraph(old, new, part)
    if new.tag == TBL:
        return _pair_table(old, new, part, _diff_container)
    return new  # other block content (content controls) is kept as NEW has it


def _deleted(old, part: _Part, mark: bool = True):
    if old.tag in ANCHORS:
        return None  # OLD's bookmark around nothing that is left
    element = copy.deepcopy(old)
    _mark_blocks([element], "del", part.ctx, mark_last=mark)
    part.import_old(element)
    return element


def _inserted(new, part: _Part, mark: bool = True):
    _mark_blocks([new], "ins", part.ctx, mark_last=mark)
    _note_insertions(new, part)
    return new
