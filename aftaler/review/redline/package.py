"""A .docx as parts and relationships, and what the redline looks up in one: footnotes, lists."""
from __future__ import annotations

import hashlib
import io
import itertools
import posixpath
import zipfile

from lxml import etree

from ...render.docx_package import _parse, _xml, _zip
from .ooxml import CT_NS, FOOTNOTES_REL, PKG_REL, _c14n, _w


class _Package:
    """A .docx held as parts; XML parts are parsed on first use and written back on save."""

    def __init__(self, data: bytes):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            self.names = list(dict.fromkeys(i.filename for i in z.infolist()))
            self.parts = {n: z.read(n) for n in self.names}
        self.trees: dict[str, etree._Element] = {}

    def root(self, name: str):
        if name not in self.trees:
            self.trees[name] = _parse(self.parts[name])
        return self.trees[name]

    def has(self, name: str) -> bool:
        return name in self.parts or name in self.trees

    def rels_name(self, part: str) -> str:
        folder, base = posixpath.split(part)
        return f"{folder}/_rels/{base}.rels"

    def rels(self, part: str):
        name = self.rels_name(part)
        if not self.has(name):
            self.trees[name] = etree.Element(f"{{{PKG_REL}}}Relationships", nsmap={None: PKG_REL})
        return self.root(name)

    def target(self, part: str, rel) -> str:
        """The part a relationship points at, as a name inside the package."""
        return posixpath.normpath(posixpath.join(posixpath.dirname(part), rel.get("Target")))

    def save(self) -> bytes:
        for name, tree in self.trees.items():
            self.parts[name] = _xml(tree)
        names = self.names + sorted(n for n in self.parts if n not in self.names)
        return _zip([(n, self.parts[n]) for n in names])


def _add_rel(rels, reltype: str, target: str, external: bool = False) -> str:
    ids = {r.get("Id") for r in rels}
    rid = next(f"rId{n}" for n in itertools.count(1) if f"rId{n}" not in ids)
    attrs = {"Id": rid, "Type": reltype, "Target": target}
    if external:
        attrs["TargetMode"] = "External"
    etree.SubElement(rels, f"{{{PKG_REL}}}Relationship", attrs)
    return rid


def _rel_key(pkg: _Package, part: str, rid: str) -> str:
    """What a relationship points at, comparable between OLD and NEW: a URL or the part's hash."""
    rel = next((r for r in pkg.rels(part) if r.get("Id") == rid), None)
    if rel is None:
        return ""
    if rel.get("TargetMode") == "External":
        return rel.get("Target")
    return hashlib.sha256(pkg.parts.get(pkg.target(part, rel), b"")).hexdigest()


def _ensure_default_type(new: _Package, ext: str, old: _Package) -> None:
    types = new.root("[Content_Types].xml")
    if any(d.get("Extension", "").lower() == ext.lower() for d in types.iter(f"{{{CT_NS}}}Default")):
        return
    source = next((d for d in old.root("[Content_Types].xml").iter(f"{{{CT_NS}}}Default")
                   if d.get("Extension", "").lower() == ext.lower()), None)
    content_type = source.get("ContentType") if source is not None else "application/octet-stream"
    types.insert(0, etree.Element(f"{{{CT_NS}}}Default", Extension=ext, ContentType=content_type))


def _footnotes_name(pkg: _Package) -> str | None:
    rels = pkg.rels("word/document.xml")
    rel = next((r for r in rels if r.get("Type") == FOOTNOTES_REL), None)
    return pkg.target("word/document.xml", rel) if rel is not None else None


def _footnotes(pkg: _Package) -> dict[str, etree._Element]:
    name = _footnotes_name(pkg)
    if name is None or not pkg.has(name):
        return {}
    return {fn.get(_w("id")): fn for fn in pkg.root(name).findall(_w("footnote"))}


def _num(pkg: _Package, num_id: str):
    if not pkg.has("word/numbering.xml"):
        return None
    return next((n for n in pkg.root("word/numbering.xml").findall(_w("num"))
                 if n.get(_w("numId")) == num_id), None)


def _num_signature(pkg: _Package, num_id: str) -> str | None:
    num = _num(pkg, num_id)
    return None if num is None else "".join(_c14n(c) for c in num)
