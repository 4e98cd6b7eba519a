"""OLD content brought into NEW: relationships, pictures, footnotes, lists and drawing ids made
valid there; and the footnote references of NEW content marked inserted, noted for later."""
from __future__ import annotations

import copy
import hashlib
import posixpath
from typing import TYPE_CHECKING

from lxml import etree

from .marking import _mark_blocks
from .ooxml import (
    ANCHORS,
    CT_NS,
    FN_REF,
    FOOTNOTES_CT,
    FOOTNOTES_REL,
    R_NS,
    WP,
    _blocks,
    _w,
)
from .package import (
    _add_rel,
    _ensure_default_type,
    _footnotes,
    _footnotes_name,
    _rel_key,
)

if TYPE_CHECKING:
    from .context import _Context


class _Part:
    """One story (document body or footnotes) of both packages: brings OLD content into NEW."""

    def __init__(self, ctx: _Context, name: str, old_name: str | None = None):
        self.ctx, self.name, self.old_name = ctx, name, old_name or name
        self.rid_map: dict[str, str] = {}

    def old_rel(self, rid: str) -> str:
        return _rel_key(self.ctx.old, self.old_name, rid)

    def new_rel(self, rid: str) -> str:
        return _rel_key(self.ctx.new, self.name, rid)

    def import_old(self, element) -> None:
        """Make OLD content valid in NEW: relationships, footnotes, numbering, drawing ids."""
        for el in list(element.iter()):
            if el.tag in ANCHORS and el.getparent() is not None:
                el.getparent().remove(el)
            else:
                self.import_element(el)

    def import_element(self, el) -> None:
        for attr, value in list(el.attrib.items()):
            if attr.startswith(f"{{{R_NS}}}"):
                el.set(attr, self._rid(value))
        if el.tag == FN_REF and self.name == "word/document.xml":
            el.set(_w("id"), _copy_old_footnote(self.ctx, el.get(_w("id"))))
        elif el.tag == _w("numId"):
            el.set(_w("val"), self.ctx.new_num_id(el.get(_w("val"))))
        elif el.tag == f"{{{WP}}}docPr":
            el.set("id", str(self.ctx.next_doc_pr))
            self.ctx.next_doc_pr += 1

    def _rid(self, old_rid: str) -> str:
        if old_rid not in self.rid_map:
            self.rid_map[old_rid] = self._copy_rel(old_rid)
        return self.rid_map[old_rid]

    def _copy_rel(self, old_rid: str) -> str:
        old, new = self.ctx.old, self.ctx.new
        rel = next((r for r in old.rels(self.old_name) if r.get("Id") == old_rid), None)
        if rel is None:
            return old_rid
        rels, reltype = new.rels(self.name), rel.get("Type")
        if rel.get("TargetMode") == "External":
            same = next((r for r in rels if r.get("Type") == reltype and r.get("TargetMode") == "External"
                         and r.get("Target") == rel.get("Target")), None)
            return same.get("Id") if same is not None else _add_rel(rels, reltype, rel.get("Target"), True)
        data = old.parts.get(old.target(self.old_name, rel), b"")
        for r in rels:  # the same picture already in NEW
            if r.get("Type") == reltype and r.get("TargetMode") != "External" \
                    and new.parts.get(new.target(self.name, r)) == data:
                return r.get("Id")
        ext = posixpath.splitext(rel.get("Target"))[1]
        name = f"word/media/redline-{hashlib.sha256(data).hexdigest()[:16]}{ext}"
        new.parts[name] = data
        _ensure_default_type(new, ext.lstrip("."), old)
        return _add_rel(rels, reltype, posixpath.relpath(name, posixpath.dirname(self.name)))


def _copy_old_footnote(ctx: _Context, old_id: str) -> str:
    """OLD's footnote, wholly deleted, added to NEW's footnotes; returns its new id."""
    source = _footnotes(ctx.old).get(old_id)
    if source is None:
        return old_id
    name = _footnotes_name(ctx.new) or _add_footnotes_part(ctx)
    note = copy.deepcopy(source)
    new_id, ctx.next_fn = str(ctx.next_fn), ctx.next_fn + 1
    note.set(_w("id"), new_id)
    _mark_blocks(_blocks(note), "del", ctx, mark_last=False)
    _Part(ctx, name, old_name=_footnotes_name(ctx.old)).import_old(note)
    ctx.new.root(name).append(note)
    return new_id


def _add_footnotes_part(ctx: _Context) -> str:
    # NEW has no footnotes at all: start from OLD's part with only its separators.
    name = "word/footnotes.xml"
    root = copy.deepcopy(ctx.old.root(_footnotes_name(ctx.old)))
    for fn in root.findall(_w("footnote")):
        if fn.get(_w("type")) is None:
            root.remove(fn)
    ctx.new.trees[name] = root
    _add_rel(ctx.new.rels("word/document.xml"), FOOTNOTES_REL, "footnotes.xml")
    types = ctx.new.root("[Content_Types].xml")
    etree.SubElement(types, f"{{{CT_NS}}}Override", PartName="/" + name, ContentType=FOOTNOTES_CT)
    return name


def _note_insertions(element, part: _Part) -> None:
    if part.name == "word/document.xml":
        part.ctx.fn_work += [("ins", r.get(_w("id"))) for r in element.iter(FN_REF)]
