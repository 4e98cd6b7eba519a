"""Word redlines: the NEW document with native tracked changes against the OLD one.

Both documents come from the same template, so NEW is the base (its styles, sections and
numbering) and OLD's content comes back only as deleted text. Blocks (paragraphs and tables)
are aligned on their text with difflib; paired paragraphs are compared word by word, paired
tables row by row and cell by cell. Footnotes follow their references: a footnote whose
reference stays is compared word by word, one whose reference goes or comes is deleted or
inserted whole.

`accept_all` and `reject_all` resolve every tracked change, the way Word's and LibreOffice's
"accept all" and "reject all" do; the tests hold them against LibreOffice.

A few choices are made for LibreOffice, which reads less of the format than Word: footnotes are
written in reference order, a changed picture replaces its paragraph whole, and where a whole
paragraph holding a footnote or standing before a table comes or goes, the paragraph mark
before it carries the change (see _shifted_runs).
"""
from __future__ import annotations

import copy
import hashlib
import io
import itertools
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher

from lxml import etree

from .docx_package import _parse, _w3cdtf, _xml, _zip

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
FOOTNOTES_REL = f"{R_NS}/footnotes"
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


P, TBL, TR, TC, R, T = (_w(n) for n in ("p", "tbl", "tr", "tc", "r", "t"))
PPR, RPR, TRPR, INS, DEL = (_w(n) for n in ("pPr", "rPr", "trPr", "ins", "del"))
PPR_CHANGE, FN_REF = _w("pPrChange"), _w("footnoteReference")
# Elements that hold runs inside a paragraph; runs in them are tracked like any other.
RUN_HOSTS = {_w(n) for n in ("hyperlink", "smartTag", "customXml", "fldSimple", "sdt", "sdtContent")}
# Paragraph properties that are not the paragraph's own look (mark formatting, section, history).
NOT_PROPS = {RPR, _w("sectPr"), PPR_CHANGE}
# Anchors whose ids would clash with NEW's: dropped from OLD content brought back as deleted.
ANCHORS = {_w(n) for n in ("bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd",
                            "commentReference", "permStart", "permEnd")}
TOKEN = re.compile(r"\w+(?:[.,:/'’-]\w+)*|\s+|[^\w\s]")  # 31.169 and 19,3 stay one word
PAIR_AT = 0.5          # paragraphs this similar are compared word by word, not replaced
PAIR_LIMIT = 40_000    # above this many candidate pairs a changed stretch is replaced whole
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def redline(old_docx: bytes, new_docx: bytes, *, author: str, date: datetime) -> bytes:
    """NEW's .docx with tracked changes that turn OLD into NEW (same template assumed)."""
    old, new = _Package(old_docx), _Package(new_docx)
    ctx = _Context(author=author, date=_w3cdtf(date), old=old, new=new)
    body_old, body_new = old.root("word/document.xml")[0], new.root("word/document.xml")[0]
    doc = _Part(ctx, "word/document.xml")
    _set_blocks(body_new, _diff_container(_blocks(body_old), _blocks(body_new), doc))
    ctx.finish_footnotes()
    ctx.order_footnotes()
    return new.save()


def accept_all(docx: bytes) -> bytes:
    """Every insertion kept, every deletion gone: the NEW document's content."""
    return _resolve_package(docx, accept=True)


def reject_all(docx: bytes) -> bytes:
    """Every insertion gone, every deletion back: the OLD document's content."""
    return _resolve_package(docx, accept=False)


# -- the package ---------------------------------------------------------------------------


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


@dataclass
class _Context:
    """Everything one redline run shares: revision ids, author, date, footnotes, numbering."""

    author: str
    date: str
    old: _Package
    new: _Package
    ids: itertools.count = field(init=False)
    fn_work: list = field(default_factory=list)     # ("pair", old id, new id) | ("ins", new id)
    num_map: dict = field(default_factory=dict)
    next_fn: int = 0
    next_doc_pr: int = 0

    def __post_init__(self):
        # Annotation ids (revisions, bookmarks, comments) share one space: start above them all.
        xml = [n for n in self.new.parts if n.startswith("word/") and n.endswith(".xml")]
        ids = [int(v) for n in xml for v in _parse(self.new.parts[n]).xpath("//@w:id", namespaces={"w": W})
               if re.fullmatch(r"-?\d+", v)]
        self.ids = itertools.count(max([0, *ids]) + 1)
        self.next_fn = max([0, *(int(k) for k in self.footnotes(self.new))]) + 1
        doc_prs = [int(v) for v in self.new.root("word/document.xml").xpath(
            "//wp:docPr/@id", namespaces={"wp": WP}) if v.isdigit()]
        self.next_doc_pr = max([0, *doc_prs]) + 1

    def revision(self, kind: str):
        """A w:ins, w:del or w:pPrChange with a fresh id and this run's author and date."""
        return etree.Element(_w(kind), {_w("id"): str(next(self.ids)), _w("author"): self.author,
                                         _w("date"): self.date})

    # -- footnotes
    def footnotes_name(self, pkg: _Package) -> str | None:
        rels = pkg.rels("word/document.xml")
        rel = next((r for r in rels if r.get("Type") == FOOTNOTES_REL), None)
        return pkg.target("word/document.xml", rel) if rel is not None else None

    def footnotes(self, pkg: _Package) -> dict[str, etree._Element]:
        name = self.footnotes_name(pkg)
        if name is None or not pkg.has(name):
            return {}
        return {fn.get(_w("id")): fn for fn in pkg.root(name).findall(_w("footnote"))}

    def copy_old_footnote(self, old_id: str) -> str:
        """OLD's footnote, wholly deleted, added to NEW's footnotes; returns its new id."""
        source = self.footnotes(self.old).get(old_id)
        if source is None:
            return old_id
        name = self.footnotes_name(self.new) or self._add_footnotes_part()
        note = copy.deepcopy(source)
        new_id, self.next_fn = str(self.next_fn), self.next_fn + 1
        note.set(_w("id"), new_id)
        _mark_blocks(_blocks(note), "del", self, mark_last=False)
        _Part(self, name, old_name=self.footnotes_name(self.old)).import_old(note)
        self.new.root(name).append(note)
        return new_id

    def _add_footnotes_part(self) -> str:
        # NEW has no footnotes at all: start from OLD's part with only its separators.
        name = "word/footnotes.xml"
        root = copy.deepcopy(self.old.root(self.footnotes_name(self.old)))
        for fn in root.findall(_w("footnote")):
            if fn.get(_w("type")) is None:
                root.remove(fn)
        self.new.trees[name] = root
        _add_rel(self.new.rels("word/document.xml"), FOOTNOTES_REL, "footnotes.xml")
        types = self.new.root("[Content_Types].xml")
        etree.SubElement(types, f"{{{CT_NS}}}Override", PartName="/" + name, ContentType=FOOTNOTES_CT)
        return name

    def finish_footnotes(self) -> None:
        """Compare or mark the footnotes whose references the body diff met."""
        old_notes, new_notes = self.footnotes(self.old), self.footnotes(self.new)
        name = self.footnotes_name(self.new)
        part = _Part(self, name, old_name=self.footnotes_name(self.old)) if name else None
        for work in self.fn_work:
            if work[0] == "ins" and work[1] in new_notes:
                _mark_blocks(_blocks(new_notes[work[1]]), "ins", self, mark_last=False)
            elif work[0] == "pair" and work[1] in old_notes and work[2] in new_notes:
                note = new_notes[work[2]]
                _set_blocks(note, _diff_container(_blocks(old_notes[work[1]]), _blocks(note), part))

    def order_footnotes(self) -> None:
        """Footnotes in the order of their references, numbered 1, 2, …

        LibreOffice reads footnotes.xml in file order, not by id: OLD's footnotes brought back
        at the end would be attached to the wrong references.
        """
        name = self.footnotes_name(self.new)
        if name is None or not self.new.has(name):
            return
        notes = self.new.root(name)
        refs = list(self.new.root("word/document.xml").iter(FN_REF))
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

    # -- numbering
    def new_num_id(self, old_id: str) -> str:
        """A NEW numId that numbers like OLD's list `old_id` did (copied when NEW lacks it)."""
        if old_id in self.num_map:
            return self.num_map[old_id]
        result = old_id
        old_num = _num(self.old, old_id)
        if old_num is not None and self.new.has("word/numbering.xml") \
                and _num_signature(self.new, old_id) != _num_signature(self.old, old_id):
            numbering = self.new.root("word/numbering.xml")
            ids = [int(n.get(_w("numId"))) for n in numbering.findall(_w("num"))]
            result = str(max([0, *ids]) + 1)
            num = copy.deepcopy(old_num)
            num.set(_w("numId"), result)
            last = numbering.findall(_w("num"))
            (last[-1].addnext(num) if last else numbering.append(num))
        self.num_map[old_id] = result
        return result


def _num(pkg: _Package, num_id: str):
    if not pkg.has("word/numbering.xml"):
        return None
    return next((n for n in pkg.root("word/numbering.xml").findall(_w("num"))
                 if n.get(_w("numId")) == num_id), None)


def _num_signature(pkg: _Package, num_id: str) -> str | None:
    num = _num(pkg, num_id)
    return None if num is None else "".join(_c14n(c) for c in num)


def _add_rel(rels, reltype: str, target: str, external: bool = False) -> str:
    ids = {r.get("Id") for r in rels}
    rid = next(f"rId{n}" for n in itertools.count(1) if f"rId{n}" not in ids)
    attrs = {"Id": rid, "Type": reltype, "Target": target}
    if external:
        attrs["TargetMode"] = "External"
    etree.SubElement(rels, f"{{{PKG_REL}}}Relationship", attrs)
    return rid


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
            el.set(_w("id"), self.ctx.copy_old_footnote(el.get(_w("id"))))
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


# -- blocks: paragraphs and tables in a container ------------------------------------------


def _blocks(container) -> list:
    """The block-level children of a body, cell or footnote (not its properties)."""
    return [c for c in container if c.tag not in (_w("tcPr"), _w("sectPr")) and isinstance(c.tag, str)]


def _set_blocks(container, blocks: list) -> None:
    for child in _blocks(container):
        container.remove(child)
    tail = container.find(_w("sectPr"))
    for block in blocks:
        (tail.addprevious(block) if tail is not None else container.append(block))


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(T))


def _words(text: str) -> list[str]:
    return [w for w in TOKEN.findall(text) if not w.isspace()]


def _similarity(a: str, b: str) -> float:
    """Share of words in common, in order; 0 when it cannot reach PAIR_AT (cheap bounds first)."""
    matcher = SequenceMatcher(None, _words(a), _words(b), autojunk=False)
    if matcher.real_quick_ratio() < PAIR_AT or matcher.quick_ratio() < PAIR_AT:
        return 0.0
    return matcher.ratio()


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


def _align(old: list, new: list, keys: tuple, score) -> list[tuple]:
    """("pair"|"del"|"ins", old item, new item) in document order: difflib, then pairing."""
    ops = []
    matcher = SequenceMatcher(None, [keys[0](b) for b in old], [keys[1](b) for b in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops += [("pair", old[i], new[j]) for i, j in zip(range(i1, i2), range(j1, j2))]
        else:
            ops += _pair_up(old[i1:i2], new[j1:j2], score)
    return ops


def _pair_up(old: list, new: list, score) -> list[tuple]:
    """Pair a changed stretch by similarity (best total, order kept); the rest is del/ins."""
    n, m = len(old), len(new)
    if n * m > PAIR_LIMIT or not n or not m:
        return [("del", o, None) for o in old] + [("ins", None, b) for b in new]
    s = [[score(o, b) for b in new] for o in old]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            pair = s[i][j] + best[i + 1][j + 1] if s[i][j] is not None else -1.0
            best[i][j] = max(best[i + 1][j], best[i][j + 1], pair)
    ops, i, j = [], 0, 0
    while i < n or j < m:
        if i < n and j < m and s[i][j] is not None and best[i][j] == s[i][j] + best[i + 1][j + 1]:
            ops.append(("pair", old[i], new[j]))
            i, j = i + 1, j + 1
        elif i < n and (j == m or best[i][j] == best[i + 1][j]):
            ops.append(("del", old[i], None))
            i += 1
        else:
            ops.append(("ins", None, new[j]))
            j += 1
    return ops


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
        return _pair_table(old, new, part)
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


def _note_insertions(element, part: _Part) -> None:
    if part.name == "word/document.xml":
        part.ctx.fn_work += [("ins", r.get(_w("id"))) for r in element.iter(FN_REF)]


# -- marking whole content inserted or deleted ---------------------------------------------


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


# -- paragraph properties ------------------------------------------------------------------


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


# -- a paragraph compared word by word -----------------------------------------------------


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


# -- a table compared row by row -----------------------------------------------------------


def _row_key(tr) -> str:
    return "\x1f".join(_text(tc) for tc in tr.findall(TC))


def _row_shape(tr) -> list[str]:
    """How many grid columns each cell spans."""
    spans = [tc.find(f"{_w('tcPr')}/{_w('gridSpan')}") for tc in tr.findall(TC)]
    return [span.get(_w("val")) if span is not None else "1" for span in spans]


def _row_score(old, new) -> float | None:
    if _row_shape(old) != _row_shape(new):
        return None  # cells cannot be paired one to one
    old_cells, new_cells = old.findall(TC), new.findall(TC)
    score = _similarity(_row_key(old), _row_key(new))
    if old_cells and _text(old_cells[0]).strip() and _text(old_cells[0]) == _text(new_cells[0]):
        return 1.0 + score  # same label in the first column: the same row, changed
    return score if score >= PAIR_AT else None


def _pair_table(old, new, part: _Part):
    shape = {_w("tblPr"), _w("tblGrid"), TR}
    if any(c.tag not in shape for c in itertools.chain(old, new) if isinstance(c.tag, str)):
        # Rows inside content controls and the like: replace the table whole.
        return _replace_table(old, new, part)
    rows = []
    for op, o, n in _align(old.findall(TR), new.findall(TR), (_row_key, _row_key), _row_score):
        if op == "pair":
            for old_tc, new_tc in zip(o.findall(TC), n.findall(TC)):
                _set_blocks(new_tc, _diff_container(_blocks(old_tc), _blocks(new_tc), part))
            rows.append(n)
        elif op == "del":
            row = copy.deepcopy(o)
            _mark_row(row, "del", part.ctx)
            part.import_old(row)
            rows.append(row)
        else:
            _mark_row(n, "ins", part.ctx)
            _note_insertions(n, part)
            rows.append(n)
    for tr in new.findall(TR):
        new.remove(tr)
    new.extend(rows)
    return new


def _replace_table(old, new, part: _Part):
    for tr in new.iter(TR):
        _mark_row(tr, "ins", part.ctx)
    _note_insertions(new, part)
    first = new.find(TR)
    for tr in old.iter(TR):
        if next(tr.iterancestors(TBL)) is old:  # not the rows of a nested table
            row = copy.deepcopy(tr)
            _mark_row(row, "del", part.ctx)
            part.import_old(row)
            (first.addprevious(row) if first is not None else new.append(row))
    return new


# -- accept / reject -----------------------------------------------------------------------


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


def _c14n(element) -> str:
    return etree.tostring(element, method="c14n", exclusive=True).decode()
