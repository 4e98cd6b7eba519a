"""Two paired paragraphs compared word by word: NEW's runs with w:ins/w:del where they differ."""
from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from lxml import etree

from .align import TOKEN
from .marking import _as_deleted_text, _wrap_runs
from .ooxml import FN_REF, PPR, R_NS, RPR, WP, XML_SPACE, R, T, _c14n, _text, _w
from .props import _add_ppr_change, _old_props, _props_key
from .transfer import _note_insertions, _Part

if TYPE_CHECKING:
    from .context import _Context


@dataclass
class _Atom:
    """One comparable piece of a paragraph: a word, a tab, a footnote reference, a field…"""

    key: tuple
    kind: str                 # "text", "node" (a run's child), "opaque" (a whole element)
    value: object             # the word, or the element
    run: object = None        # the run it came from (its w:rPr is the look)
    host: object = None       # the hyperlink (or similar) it sits in
    before: list = field(default_factory=list)  # NEW's bookmarks etc. just before it


def _atoms(p, rel_key) -> tuple[list[_Atom], list]:
    """A paragraph as atoms, and the bookmarks etc. after its last atom."""
    atoms: list[_Atom] = []
    pending: list = []

    def add(atom: _Atom) -> None:
        nonlocal pending
        atom.before, pending = pending, []
        atoms.append(atom)

    def walk(parent, host, host_key) -> None:
        for child in parent:
            if not isinstance(child.tag, str) or child.tag == PPR:
                continue
            if child.tag == R:
                rpr = child.find(RPR)
                look = _c14n(rpr) if rpr is not None else ""
                for node in child:
                    if node.tag == RPR:
                        continue
                    if node.tag == T:
                        for word in TOKEN.findall(node.text or ""):
                            add(_Atom(("t", word, look, host_key), "text", word, child, host))
                    else:
                        add(_Atom(("n", _node_key(node, rel_key), look, host_key), "node", node, child, host))
            elif child.tag == _w("hyperlink"):
                rid = child.get(f"{{{R_NS}}}id")
                walk(child, child, rel_key(rid) if rid else "#" + (child.get(_w("anchor")) or ""))
            elif next(child.iter(R), None) is None:
                pending.append(child)  # a bookmark or similar: kept where NEW has it
            else:
                add(_Atom(("o", child.tag, _text(child), host_key), "opaque", child, None, host))

    walk(p, None, None)
    return atoms, pending


def _node_key(node, rel_key) -> str:
    if node.tag == FN_REF:
        return "footnote"  # the footnote's text is compared on its own
    if node.tag in (_w("drawing"), _w("pict"), _w("object")):
        # A picture is the same when it shows the same image at the same size.
        images = [rel_key(v) for el in node.iter() for k, v in el.attrib.items() if k.startswith(f"{{{R_NS}}}")]
        extent = node.find(f".//{{{WP}}}extent")
        size = sorted(extent.attrib.items()) if extent is not None else []
        return f"{etree.QName(node).localname}:{images}:{size}"
    return _c14n(node)


def _pair_paragraph(old, new, part: _Part):
    ctx = part.ctx
    old_atoms, _ = _atoms(old, part.old_rel)
    new_atoms, trailing = _atoms(new, part.new_rel)
    if _props_key(old, ctx.old) != _props_key(new, ctx.new):
        _add_ppr_change(new, _old_props(old, ctx), ctx)
    old_keys, new_keys = [a.key for a in old_atoms], [a.key for a in new_atoms]
    if old_keys == new_keys:
        _pair_footnotes(old_atoms, new_atoms, ctx)
        return new
    items = []
    for tag, i1, i2, j1, j2 in _opcodes(old_keys, new_keys, old_atoms):
        if tag == "equal":
            _pair_footnotes(old_atoms[i1:i2], new_atoms[j1:j2], ctx)
            items += [("eq", a) for a in new_atoms[j1:j2]]
        else:
            items += [("del", a) for a in old_atoms[i1:i2]] + [("ins", a) for a in new_atoms[j1:j2]]
    content = _rebuild(items, trailing, part)
    for child in [c for c in new if c.tag != PPR]:
        new.remove(child)
    new.extend(content)
    return new


def _pair_footnotes(old_atoms: list, new_atoms: list, ctx: _Context) -> None:
    for o, n in zip(old_atoms, new_atoms):
        if o.kind == "node" and o.value.tag == FN_REF:
            ctx.fn_work.append(("pair", o.value.get(_w("id")), n.value.get(_w("id"))))


def _opcodes(old_keys: list, new_keys: list, old_atoms: list) -> list[tuple]:
    """difflib's opcodes, tidied for readers: a lone space between two changes joins them."""
    ops = [list(op) for op in SequenceMatcher(None, old_keys, new_keys, autojunk=False).get_opcodes()]
    for k in range(1, len(ops) - 1):
        tag, i1, i2, _, _ = ops[k]
        if tag == "equal" and ops[k - 1][0] != "equal" and ops[k + 1][0] != "equal" \
                and all(a.kind == "text" and not a.value.strip() for a in old_atoms[i1:i2]):
            ops[k][0] = "replace"
    merged: list[list] = []
    for op in ops:
        if merged and op[0] != "equal" and merged[-1][0] != "equal":
            merged[-1] = ["replace", merged[-1][1], op[2], merged[-1][3], op[4]]
        else:
            merged.append(op)
    return [tuple(op) for op in merged]


def _rebuild(items: list, trailing: list, part: _Part) -> list:
    """Paragraph content from (status, atom): runs, then w:ins/w:del, then hyperlinks."""
    pieces = []  # (host, status, element)
    for (status, run, host), group in itertools.groupby(
            items, key=lambda it: (it[0], it[1].run if it[1].kind != "opaque" else it[1], it[1].host)):
        group = [atom for _, atom in group]
        for atom in group:
            if status != "del":  # OLD's bookmarks do not come back
                pieces += [(host, "eq", marker) for marker in atom.before]
            if atom.kind == "opaque":
                pieces.append((host, "eq", _opaque(atom.value, status, part)))
        runs = [a for a in group if a.kind != "opaque"]
        if runs:
            pieces.append((host, status, _run(run, runs, status)))
    pieces += [(None, "eq", marker) for marker in trailing]
    old_hosts = {id(atom.host) for status, atom in items if status == "del" and atom.host is not None}
    out = []
    for host, by_host in itertools.groupby(pieces, key=lambda piece: piece[0]):
        children = []
        for status, by_status in itertools.groupby(by_host, key=lambda piece: piece[1]):
            elements = [piece[2] for piece in by_status]
            if status == "eq":
                children += elements
                continue
            wrapper = part.ctx.revision(status)
            wrapper.extend(elements)
            if status == "del":
                part.import_old(wrapper)
            else:
                _note_insertions(wrapper, part)
            children.append(wrapper)
        if host is None:
            out += children
            continue
        copy_host = etree.Element(host.tag, dict(host.attrib))
        if id(host) in old_hosts:  # OLD's hyperlink: its target comes along
            part.import_element(copy_host)
        copy_host.extend(children)
        out.append(copy_host)
    return out


def _run(source, atoms: list, status: str):
    """A run with `source`'s look holding `atoms` (deleted text as w:delText)."""
    run = etree.Element(R)
    rpr = source.find(RPR)
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    for kind, group in itertools.groupby(atoms, key=lambda a: a.kind):
        if kind == "text":
            t = etree.SubElement(run, _w("delText") if status == "del" else T)
            t.text = "".join(a.value for a in group)
            t.set(XML_SPACE, "preserve")
        else:
            for atom in group:
                run.append(copy.deepcopy(atom.value) if status == "del" else atom.value)
    if status == "del":
        _as_deleted_text(run)
    return run


def _opaque(element, status: str, part: _Part):
    if status == "eq":
        return element
    if status == "ins":
        _wrap_runs(element, "ins", part.ctx)
        _note_insertions(element, part)
        return element
    element = copy.deepcopy(element)
    _wrap_runs(element, "del", part.ctx)
    part.import_old(element)
    return element
