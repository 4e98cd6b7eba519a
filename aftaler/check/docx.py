"""Is a .docx structurally sound? The checks Word makes before it calls a file "unreadable".

LibreOffice opens files Word refuses (see pitfalls), so the package is checked here as well:
every part typed and referenced, every relationship resolving, every XML part well-formed, ids
unique where Word needs them unique, and no template tag left behind. `check_docx` returns the
problems as short texts; an empty list means sound.
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from urllib.parse import unquote

from lxml import etree

_PKG = "http://schemas.openxmlformats.org/package/2006"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
CONTENT_TYPES = "[Content_Types].xml"
# Revision marks share one id space in Word: each w:id must be unique in the document.
REVISIONS = ("ins", "del", "moveFrom", "moveTo", "rPrChange", "pPrChange", "tblPrChange", "trPrChange",
             "tcPrChange", "sectPrChange", "numberingChange", "cellIns", "cellDel", "cellMerge")
# docxtpl's own tag forms ({%tr …%}, {{p …}} …): after rendering none may remain. A plain
# "{{ … }}" or "{% … %}" is left alone: an author may write that as literal text.
_TEMPLATE_TAG = re.compile(r"\{%-?(?:p|tr|tc|r)\s|\{\{-?(?:p|r|tr|tc)\s")
_PLACEHOLDER = re.compile("[\ue000\ue001]")  # render_word's private-use markers
_TEXT_PART = re.compile(r"^word/(?:document|footnotes|endnotes|comments|header\d*|footer\d*)\.xml$")
_OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
# The content type Word expects behind a relationship type; a part typed otherwise is not read.
EXPECTED_TYPES = {
    _OFFICE_REL + "officeDocument": {_WML + "document.main+xml", _WML + "template.main+xml",
                                     "application/vnd.ms-word.document.macroEnabled.main+xml"},
    _OFFICE_REL + "styles": {_WML + "styles+xml"},
    _OFFICE_REL + "numbering": {_WML + "numbering+xml"},
    _OFFICE_REL + "settings": {_WML + "settings+xml"},
    _OFFICE_REL + "footnotes": {_WML + "footnotes+xml"},
    _OFFICE_REL + "endnotes": {_WML + "endnotes+xml"},
    _OFFICE_REL + "comments": {_WML + "comments+xml"},
    _OFFICE_REL + "header": {_WML + "header+xml"},
    _OFFICE_REL + "footer": {_WML + "footer+xml"},
    _OFFICE_REL + "fontTable": {_WML + "fontTable+xml"},
    _OFFICE_REL + "extended-properties": {"application/vnd.openxmlformats-officedocument.extended-properties+xml"},
    _OFFICE_REL + "custom-properties": {"application/vnd.openxmlformats-officedocument.custom-properties+xml"},
    f"{_PKG}/relationships/metadata/core-properties": {"application/vnd.openxmlformats-package.core-properties+xml"},
}


def check_docx(data: bytes) -> list[str]:
    """Every structural problem of a Word package, or [] when it is sound."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        return [f"not a zip package: {exc}"]
    with archive:
        names = [info.filename for info in archive.infolist()]
        problems = [f"zip entry '{n}' appears {c} times" for n, c in Counter(names).items() if c > 1]
        parts = {name: archive.read(name) for name in dict.fromkeys(names) if not name.endswith("/")}
    trees, bad_xml = _parse_xml(parts)
    problems += bad_xml
    if CONTENT_TYPES not in trees:
        return problems + [f"{CONTENT_TYPES} is missing or unreadable"]
    types = _content_type_table(trees[CONTENT_TYPES])
    rels, rel_problems = _relationships(parts, trees)
    problems += _content_types(parts, types)
    problems += rel_problems
    problems += _types_fit_relationships(types, rels)
    problems += _orphans(parts, rels)
    problems += _relationship_ids_used(trees, rels)
    problems += _template_leftovers(parts, trees)
    problems += _unique_ids(trees)
    return problems


@dataclass(frozen=True)
class _Rel:
    """An internal relationship: its id, type and the part it points at."""

    rid: str
    kind: str
    target: str


def _parse_xml(parts: dict[str, bytes]) -> tuple[dict[str, etree._Element], list[str]]:
    trees, problems = {}, []
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    for name, data in parts.items():
        if not (name.endswith(".xml") or name.endswith(".rels")):
            continue
        try:
            trees[name] = etree.fromstring(data, parser)
        except etree.XMLSyntaxError as exc:
            problems.append(f"{name}: not well-formed XML ({exc})")
    return trees, problems


def _content_type_table(types) -> tuple[dict[str, str], dict[str, str]]:
    """(overrides by lower-case part name without '/', defaults by lower-case extension)."""
    overrides = {o.get("PartName", "").lower().lstrip("/"): o.get("ContentType")
                 for o in types.iter(f"{{{_PKG}/content-types}}Override")}
    defaults = {d.get("Extension", "").lower(): d.get("ContentType")
                for d in types.iter(f"{{{_PKG}/content-types}}Default")}
    return overrides, defaults


def _content_type(types, name: str) -> str | None:
    overrides, defaults = types
    if name.lower() in overrides:
        return overrides[name.lower()]
    base = posixpath.basename(name)
    return defaults.get(base.rsplit(".", 1)[-1].lower()) if "." in base else None


def _content_types(parts: dict[str, bytes], types) -> list[str]:
    """Every part has a content type (an Override by name, or a Default by extension), and every
    Override names a part that is there."""
    present = {name.lower() for name in parts}
    problems = [f"[Content_Types].xml names '/{o}', which is not in the package"
                for o in sorted(types[0]) if o not in present]
    problems += [f"{name}: no content type (neither Override nor Default)"
                 for name in parts if name != CONTENT_TYPES and _content_type(types, name) is None]
    return problems


def _relationships(parts, trees) -> tuple[dict[str | None, list[_Rel]], list[str]]:
    """The internal relationships of each source part (None: the package); problems for broken ones."""
    result: dict[str | None, list[_Rel]] = {}
    problems = []
    for name in sorted(n for n in parts if n.endswith(".rels")):
        folder, file = posixpath.split(name)
        if posixpath.basename(folder) != "_rels":
            continue  # a stray .rels file is no relationships part; its content type is checked
        source = None if name == "_rels/.rels" else posixpath.join(posixpath.dirname(folder), file.removesuffix(".rels"))
        if source is not None and source not in parts:
            problems.append(f"{name}: relationships of '{source}', which is not in the package")
        if name not in trees:
            continue
        ids = Counter(rel.get("Id") for rel in trees[name])
        problems += [f"{name}: relationship id '{i}' is used {c} times" for i, c in ids.items() if c > 1]
        base = posixpath.dirname(source) if source else ""
        internal = result.setdefault(source, [])
        for rel in trees[name]:
            if rel.get("TargetMode") == "External":
                continue
            target = unquote(rel.get("Target", ""))
            target = posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join(base, target))
            internal.append(_Rel(rel.get("Id"), rel.get("Type", ""), target))
            if target not in parts:
                problems.append(f"{name}: relationship '{rel.get('Id')}' points at '{target}', "
                                "which is not in the package")
    return result, problems


def _types_fit_relationships(types, rels) -> list[str]:
    """A footnotes relationship leads to a footnotes part, an image relationship to an image."""
    problems = []
    for rel in (rel for internal in rels.values() for rel in internal):
        actual = _content_type(types, rel.target)
        expected = EXPECTED_TYPES.get(rel.kind)
        is_image = rel.kind == _OFFICE_REL + "image"
        if actual and (expected and actual not in expected or is_image and not actual.startswith("image/")):
            problems.append(f"{rel.target}: content type '{actual}' does not fit its relationship "
                            f"({rel.kind.rsplit('/', 1)[-1]})")
    return problems


def _orphans(parts, rels) -> list[str]:
    """Every part but the content types and relationship parts is the target of a relationship."""
    referenced = {rel.target for internal in rels.values() for rel in internal}
    return [f"{name}: orphan part (no relationship points at it)" for name in sorted(parts)
            if name != CONTENT_TYPES and not name.endswith(".rels") and name not in referenced]


def _relationship_ids_used(trees, rels) -> list[str]:
    """Every r:id, r:embed or r:link inside a part names one of that part's relationships."""
    problems = []
    for name, tree in trees.items():
        if name.endswith(".rels") or name == CONTENT_TYPES:
            continue
        folder, file = posixpath.split(name)
        own = trees.get(posixpath.join(folder, "_rels", f"{file}.rels"))
        known = {rel.get("Id") for rel in own} if own is not None else set()
        for element in tree.iter():
            for attribute, value in element.attrib.items():
                if attribute.startswith(f"{{{R}}}") and value not in known:
                    problems.append(f"{name}: r:{etree.QName(attribute).localname}='{value}' "
                                    "names no relationship of the part")
    return problems


def _template_leftovers(parts, trees) -> list[str]:
    """No docxtpl tag and no render placeholder survived: read per paragraph, as Word shows it."""
    problems = []
    for name in sorted(parts):
        if name.endswith(".xml") and _PLACEHOLDER.search(parts[name].decode("utf-8", "replace")):
            problems.append(f"{name}: a render placeholder (U+E000/U+E001) is left in the file")
        if not _TEXT_PART.match(name) or name not in trees:
            continue
        for paragraph in trees[name].iter(f"{{{W}}}p"):
            text = "".join(t.text or "" for t in paragraph.iter(f"{{{W}}}t", f"{{{W}}}delText", f"{{{W}}}instrText"))
            if match := _TEMPLATE_TAG.search(text):
                problems.append(f"{name}: template tag left in the text: {text[match.start():match.start() + 40]!r}")
    return problems


def _unique_ids(trees) -> list[str]:
    """Footnote and endnote ids, drawing ids and revision ids are unique; note references resolve."""
    problems = []
    for kind in ("footnote", "endnote"):
        part = f"word/{kind}s.xml"
        notes = [n.get(f"{{{W}}}id") for n in trees[part].iter(f"{{{W}}}{kind}")] if part in trees else []
        problems += [f"{part}: {kind} id {i} is used {c} times" for i, c in Counter(notes).items() if c > 1]
        for name, tree in trees.items():
            for ref in tree.iter(f"{{{W}}}{kind}Reference"):
                if ref.get(f"{{{W}}}id") not in notes:
                    problems.append(f"{name}: {kind} reference {ref.get(f'{{{W}}}id')} has no {kind}")
    word = {name: tree for name, tree in trees.items() if name.startswith("word/") and name.endswith(".xml")}
    drawings = Counter(d.get("id") for tree in word.values() for d in tree.iter(f"{{{WP}}}docPr"))
    problems += [f"drawing id (wp:docPr) {i} is used {c} times" for i, c in drawings.items() if c > 1]
    revisions = Counter(r.get(f"{{{W}}}id") for tree in word.values()
                        for r in tree.iter(*(f"{{{W}}}{tag}" for tag in REVISIONS)))
    problems += [f"revision id (w:ins/w:del) {i} is used {c} times" for i, c in revisions.items()
                 if c > 1 and i is not None]
    if None in revisions:
        problems.append(f"{revisions[None]} revision mark(s) without w:id")
    return problems
