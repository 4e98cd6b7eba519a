"""Markdown subset -> real Word paragraphs, lists, hyperlinks and footnotes.

`parse` turns author Markdown into small dataclasses; `replace_placeholder` swaps a
placeholder paragraph of a rendered python-docx Document for real content.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, nsmap, qn
from docx.oxml.parser import oxml_parser
from lxml import etree
from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import normalizeLinkText
from mdit_py_plugins.footnote import footnote_plugin

from .. import markdown_limits
from ..characters import XML_INVALID
from .links import SAFE_SCHEMES

_TEXT_SPLIT = re.compile(r"(\t|\r\n|\r|\n)")
# Word (2010 and later) writes the separators with ids -1 and 0; real notes start at 1.
_EMPTY_FOOTNOTES = (
    f"<w:footnotes {nsdecls('w', 'r')}>"
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240"'
    ' w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0"'
    ' w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p>'
    "</w:footnote></w:footnotes>"
)
_LIST_STYLES = {"bullet": "List Bullet", "number": "List Number", "continue": "List Continue"}


@dataclass(frozen=True)
class Run:
    """A piece of inline content: text, a line break or a footnote reference."""

    text: str = ""
    bold: bool = False
    italic: bool = False
    url: str | None = None
    footnote: int | None = None  # refers to Block.note of a "footnote" block
    line_break: bool = False


@dataclass(frozen=True)
class Block:
    """A paragraph-level item.

    kind: "paragraph", "bullet", "number", "continue" (a further paragraph inside a list
    item) or "footnote" (one paragraph of the definition of footnote `note`).
    Numbered items with the same `list_id` form one list, which starts at `start`.
    """

    kind: str
    runs: tuple[Run, ...]
    level: int = 0
    list_id: int = 0
    start: int = 1
    note: int | None = None


class _Markdown(MarkdownIt):
    def validateLink(self, url: str) -> bool:  # noqa: N802 - markdown-it's name
        # Accept every link so unsafe schemes reach us and are shown as text, not dropped.
        return True


@functools.cache
def _parser() -> MarkdownIt:
    """One configured parser per process: building one costs more than parsing a field."""
    return _Markdown("js-default").use(footnote_plugin)


def _is_safe(url: str) -> bool:
    try:
        return urlsplit(url).scheme.lower() in SAFE_SCHEMES
    except ValueError:
        return False


def _inline(children, in_note: bool) -> tuple[Run, ...]:
    runs: list[Run] = []
    bold = italic = 0
    links: list[tuple[str, int]] = []
    for tok in children:
        kind = tok.type
        if kind in ("strong_open", "strong_close"):
            bold += 1 if kind.endswith("open") else -1
        elif kind in ("em_open", "em_close"):
            italic += 1 if kind.endswith("open") else -1
        elif kind == "link_open":
            links.append((str(tok.attrs.get("href", "")), len(runs)))
        elif kind == "link_close" and links:
            href, first = links.pop()
            if _is_safe(href):
                runs[first:] = [r if r.footnote is not None else replace(r, url=href)
                                for r in runs[first:]]
            else:
                shown = normalizeLinkText(href)
                if shown != "".join(r.text for r in runs[first:]):
                    runs.append(Run(f" ({shown})", bold > 0, italic > 0))
        elif kind == "softbreak":
            runs.append(Run(" ", bold > 0, italic > 0))
        elif kind == "hardbreak":
            runs.append(Run(line_break=True))
        elif kind == "footnote_ref":
            if not in_note:  # Word cannot nest footnotes
                runs.append(Run(footnote=int(tok.meta["id"])))
        elif tok.content:  # text, code_inline, image alt text, anything else textual
            runs.append(Run(tok.content, bold > 0, italic > 0))
    return tuple(runs)


def parse(text: str) -> list[Block]:
    """Parse author Markdown into blocks (body first, footnote definitions last).

    Text beyond aftaler/markdown_limits.py (validate refuses it, but build renders while it
    validates) is not parsed: it comes back as plain paragraphs, in linear time."""
    return list(_parsed(text or ""))


@functools.lru_cache(maxsize=1024)
def _parsed(text: str) -> tuple[Block, ...]:
    """parse's blocks, kept per text: blocks and runs are frozen, and a set's documents repeat
    many of their fields (a set's Word files parse ≈117 fields, ≈20 of them again)."""
    return tuple(_parse(text))


def _parse(text: str) -> list[Block]:
    if text and markdown_limits.problem(text) is not None:
        return [Block("paragraph", (Run(part),)) for part in text.split("\n\n") if part.strip()]
    if _NOT_PLAIN.search(text) is None:
        return _plain_paragraphs(text)
    return _parse_markdown(text)


# What could make markdown-it read a text as more than paragraphs of its own characters: a
# character an inline rule starts at (linkify and HTML are off), a line that could open a block
# (a list item, heading, quote, rule, setext underline, code block, table, footnote), and any
# whitespace but the space and the line break (tabs indent, CR and NUL are normalised). Two
# thirds of a set's fields (names, short descriptions) have none of them.
_NOT_PLAIN = re.compile(r"[\\`*_\[\]<>&~!^|#=+\r\0]|[^\S \n]|^ *(?:-|\d{1,9}[.)])|^ {4}", re.M)


def _plain_paragraphs(text: str) -> list[Block]:
    """What markdown-it makes of a text _NOT_PLAIN finds nothing in: lines up to a blank one are
    a paragraph (the whole stripped); inside one, a line break is soft, or hard after two spaces,
    the spaces around it dropped (markdown-it's newline rule)."""
    blocks, lines = [], []
    for line in [*text.split("\n"), ""]:
        if line.strip(" "):
            lines.append(line)
        elif lines:
            blocks.append(Block("paragraph", _plain_runs("\n".join(lines).strip().split("\n"))))
            lines = []
    return blocks


def _plain_runs(lines: list[str]) -> tuple[Run, ...]:
    runs: list[Run] = []
    for i, line in enumerate(lines):
        line = line.lstrip(" ")
        if i == len(lines) - 1:
            runs.append(Run(line))
            break
        text = line.rstrip(" ")
        runs += [Run(text), Run(line_break=True) if len(line) - len(text) >= 2 else Run(" ")]
    return tuple(runs)


def _parse_markdown(text: str) -> list[Block]:
    blocks: list[Block] = []
    lists: list[tuple[str, int, int]] = []  # (kind, list_id, start)
    first_in_item: list[bool] = []
    note: int | None = None
    list_count = 0
    # js-default: raw HTML is not parsed, so it stays literal text.
    for tok in _parser().parse(text or ""):
        kind = tok.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            list_count += 1
            ordered = kind == "ordered_list_open"
            lists.append(("number" if ordered else "bullet", list_count,
                          int(tok.attrs.get("start", 1))))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            first_in_item.append(True)
        elif kind == "list_item_close":
            first_in_item.pop()
        elif kind == "footnote_open":
            note = int(tok.meta["id"])
        elif kind == "footnote_close":
            note = None
        elif kind in ("inline", "fence", "code_block"):
            runs = (_inline(tok.children or [], note is not None) if kind == "inline"
                    else (Run(tok.content.rstrip("\n")),))
            if note is not None:
                blocks.append(Block("footnote", runs, note=note))
            elif lists:
                list_kind, list_id, start = lists[-1]
                level = min(len(lists) - 1, 1)
                if first_in_item[-1]:
                    first_in_item[-1] = False
                    blocks.append(Block(list_kind, runs, level, list_id, start))
                else:
                    blocks.append(Block("continue", runs, level))
            else:
                blocks.append(Block("paragraph", runs))
    return blocks


def is_plain(text: str) -> bool:
    """Whether the text, read as Markdown, is one paragraph of exactly the typed characters:
    shown as typed, it reads the same as rendered."""
    blocks = parse(text)
    return not text or (len(blocks) == 1 and blocks[0].kind == "paragraph" and blocks[0].runs == (Run(text),))


def opens_with_paragraph(text: str) -> bool:
    """Whether the text's first block is a paragraph that starts on its first line, so that a
    label put before that line (a note's "(17b) ") stays a part of the same paragraph."""
    tokens = _parser().parse(text or "")
    return bool(tokens) and tokens[0].type == "paragraph_open" and bool(tokens[0].map) and tokens[0].map[0] == 0


def plain_text(blocks: list[Block]) -> str:
    """Readable text of blocks, one line per block; footnote refs as [n]."""
    lines, counters = [], {}
    for b in blocks:
        indent = "  " * b.level
        if b.kind == "number":
            counters[b.list_id] = counters.get(b.list_id, b.start - 1) + 1
            prefix = f"{indent}{counters[b.list_id]}. "
        else:
            prefix = {"bullet": f"{indent}- ", "continue": f"{indent}  ",
                      "footnote": f"[{(b.note or 0) + 1}]: "}.get(b.kind, "")
        lines.append(prefix + "".join("\n" if r.line_break else r.text if r.footnote is None
                                      else f"[{r.footnote + 1}]" for r in b.runs))
    return "\n".join(lines)


# ---------------------------------------------------------------- Word writing


@functools.cache
def _tag(tag: str) -> tuple[str, dict[str, str]]:
    prefix = tag.partition(":")[0]
    return qn(tag), {prefix: nsmap[prefix]}


def _element(tag: str, attrs: dict | None = None):
    """python-docx's OxmlElement, without parsing the tag again for every run and text; one
    without attributes copied from a prototype (lxml copies an element in half the time it
    makes one with its namespace)."""
    if attrs is None:
        return _prototype(tag).__copy__()
    clark, declared = _tag(tag)
    return oxml_parser.makeelement(clark, attrib=attrs, nsmap=declared)


_PRESERVE = (("{http://www.w3.org/XML/1998/namespace}space", "preserve"),)


@functools.cache
def _prototype(tag: str, attrs: tuple[tuple[str, str], ...] = ()):
    """An element with constant attributes, made once per process; copy it, never change it."""
    clark, declared = _tag(tag)
    return oxml_parser.makeelement(clark, attrib=dict(attrs), nsmap=declared)


def _style_id(document, name: str, style_type: str) -> str | None:
    """Style id by English built-in name (localized templates keep w:name) or by id."""
    wanted = {name.lower(), name.replace(" ", "").lower()}
    val = qn("w:val")
    # find/iterchildren, not xpath: this runs over every style of the template
    for style in document.styles.element.iterchildren(qn("w:style")):
        if style.get(qn("w:type")) != style_type:
            continue
        style_id = style.get(qn("w:styleId")) or ""
        names = {n.get(val).lower() for n in style.iterchildren(qn("w:name")) if n.get(val) is not None}
        if (names | {style_id.lower()}) & wanted:
            return style_id
    return None


class _Notes:
    """The footnotes part: found or created on first use; hands out unique ids."""

    def __init__(self, document):
        part = next((rel.target_part for rel in document.part.rels.values()
                     if rel.reltype == RT.FOOTNOTES and not rel.is_external), None)
        if part is None:
            part = XmlPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES,
                           parse_xml(_EMPTY_FOOTNOTES), document.part.package)
            document.part.relate_to(part, RT.FOOTNOTES)
        self.part = part
        # python-docx loads an existing footnotes part as a plain blob Part (docxtpl does too).
        self.root = part.element if isinstance(part, XmlPart) else parse_xml(part.blob)
        ids = [int(n.get(qn("w:id"), "0")) for n in self.root.iterchildren(qn("w:footnote"))]
        self.next_id = max([0, *ids]) + 1

    def add(self, paragraphs) -> int:
        note_id, self.next_id = self.next_id, self.next_id + 1
        note = _element("w:footnote", {qn("w:id"): str(note_id)})
        note.extend(paragraphs)
        self.root.append(note)
        return note_id

    def flush(self) -> None:
        if not isinstance(self.part, XmlPart):
            self.part._blob = serialize_part_xml(self.root)


class _Writer:
    """State for one placeholder replacement; ids are taken in document order."""

    def __init__(self, document, paragraph, blocks, styles: dict | None = None, looks: dict | None = None):
        self.document, self.old = document, paragraph._p
        try:
            self.part = paragraph.part
        except AttributeError:  # a Paragraph built without a parent
            self.part = document.part
        base = next((r.rPr for r in self.old.findall(qn("w:r")) if r.rPr is not None), None)
        self.base = copy.deepcopy(base) if base is not None else None  # the template's run look
        self.base_key = etree.tostring(self.base) if base is not None else None
        self.sources: dict[int, list[Block]] = {}
        for b in blocks:
            if b.kind == "footnote":
                self.sources.setdefault(b.note, []).append(b)
        self.notes: _Notes | None = None
        self.nums: dict[int, tuple[int, int] | None] = {}
        self.counters: dict[int, int] = {}
        self.styles: dict[tuple[str, str], str | None] = {} if styles is None else styles
        # Each run look (a w:r with its w:rPr) and each paragraph style built once, then copied:
        # python-docx's get_or_add_* find a child's place in the schema sequence, ≈0,2 ms per
        # run built. Shared like `styles`; keyed by what the look is made of.
        self.looks: dict[tuple, object] = {} if looks is None else looks

    def style(self, name: str, style_type: str = "paragraph") -> str | None:
        if (name, style_type) not in self.styles:
            self.styles[name, style_type] = _style_id(self.document, name, style_type)
        return self.styles[name, style_type]

    # -- runs
    def _r(self, run: Run, style: str | None, base, superscript: bool = False):
        key = ("r", None if base is None else self.base_key, style, superscript, run.bold, run.italic)
        look = self.looks.get(key)  # base: self.base or None
        if look is None:
            look = self.looks[key] = _element("w:r")
            rpr = self._rpr(run, style, base, superscript)
            if len(rpr):
                look.append(rpr)
        return look.__copy__()  # lxml copies the whole element

    def _rpr(self, run: Run, style: str | None, base, superscript: bool):
        rpr = copy.deepcopy(base) if base is not None else _element("w:rPr")
        if style:
            rpr.style = style
        if superscript:
            rpr.superscript = True
        for flag, on in (("b", run.bold), ("i", run.italic)):
            if on:
                getattr(rpr, f"get_or_add_{flag}")().attrib.pop(qn("w:val"), None)
        return rpr

    def _text_run(self, run: Run, style: str | None, base):
        r = self._r(run, style, base)
        if run.line_break:
            r.append(_element("w:br"))
        text = XML_INVALID.sub("", run.text)
        # _TEXT_SPLIT's split of a text without its characters is the text (most runs).
        for piece in _TEXT_SPLIT.split(text) if "\t" in text or "\n" in text or "\r" in text else (text,):
            if piece == "\t":
                r.append(_element("w:tab"))
            elif piece in ("\n", "\r", "\r\n"):
                r.append(_element("w:br"))
            elif piece:
                t = _prototype("w:t", _PRESERVE).__copy__()
                t.text = piece
                r.append(t)
        return r

    def _mark(self, tag: str, attrs, base):
        style = self.style("footnote reference", "character")
        r = self._r(Run(), style, base, superscript=style is None)
        r.append(_element(tag, attrs))
        return r

    def _note_ref(self, key: int):
        if self.notes is None:
            self.notes = _Notes(self.document)
        # One Word footnote per reference: Word cannot point twice at the same footnote.
        paragraphs = [self._paragraph(b, self.notes.part, first=i == 0)
                      for i, b in enumerate(self.sources[key])]
        return self._mark("w:footnoteReference", {qn("w:id"): str(self.notes.add(paragraphs))},
                          self.base)

    def _fill(self, p, runs, part, base) -> None:
        link = link_url = None
        for run in runs:
            if run.url:
                if link is None or link_url != run.url:
                    rid = part.relate_to(run.url, RT.HYPERLINK, is_external=True)
                    link = _element("w:hyperlink", {qn("r:id"): rid, qn("w:history"): "1"})
                    link_url = run.url
                    p.append(link)
                link.append(self._text_run(run, self.style("Hyperlink", "character"), base))
                continue
            link = None
            if run.footnote is None:
                p.append(self._text_run(run, None, base))
            elif run.footnote in self.sources:
                p.append(self._note_ref(run.footnote))

    # -- paragraphs
    def _numbering(self, block: Block, style_id: str) -> tuple[int, int] | None:
        """A fresh w:num per numbered list, so each list restarts (docxtpl #425)."""
        if block.list_id not in self.nums:
            self.nums[block.list_id] = None  # fallback: a typed prefix
            styles = self.document.styles.element
            for _ in range(10):  # follow basedOn to the numPr the style inherits
                style = styles.xpath(f'./w:style[@w:styleId="{style_id}"]')
                num_pr = style[0].xpath("./w:pPr/w:numPr") if style else []
                based = style[0].xpath("./w:basedOn/@w:val") if style else []
                if num_pr or not based:
                    break
                style_id = based[0]
            try:
                num_id = int(num_pr[0].xpath("./w:numId/@w:val")[0])
                ilvl = int((num_pr[0].xpath("./w:ilvl/@w:val") or [0])[0])
                numbering = self.document.part.numbering_part.element
                num = numbering.add_num(numbering.num_having_numId(num_id).abstractNumId.val)
                num.add_lvlOverride(ilvl=ilvl).add_startOverride(block.start)
                self.nums[block.list_id] = (num.numId, ilvl)
            except (KeyError, IndexError, ValueError, NotImplementedError):
                pass
        return self.nums[block.list_id]

    def _paragraph(self, block: Block, part=None, first: bool = False):
        p, runs, base, prefix = _element("w:p"), block.runs, self.base, ""
        if block.kind == "footnote":
            base = None  # footnote text has its own style, not the placeholder's look
            if style := self.style("footnote text"):
                self._styled(p, style)
            if first:
                p.append(self._mark("w:footnoteRef", {}, None))
                runs = (Run(" "), *runs)
        elif block.kind in _LIST_STYLES:
            style = self.style(_LIST_STYLES[block.kind] + (" 2" if block.level else ""))
            if style:
                self._styled(p, style)
            else:
                self._copy_ppr(p)
                prefix = "• " if block.kind == "bullet" else ""
            numbering = self._numbering(block, style) if style and block.kind == "number" else None
            if numbering:
                num_pr = p.get_or_add_pPr().get_or_add_numPr()
                num_pr.get_or_add_ilvl().val = numbering[1]
                num_pr.get_or_add_numId().val = numbering[0]
            elif block.kind == "number":
                self.counters[block.list_id] = self.counters.get(block.list_id, block.start - 1) + 1
                prefix = f"{self.counters[block.list_id]}. "
        else:
            self._copy_ppr(p)
        if prefix:
            runs = (Run("    " * block.level + prefix), *runs)
        self._fill(p, runs, part or self.part, base)
        return p

    def _styled(self, p, style: str) -> None:
        """What `p.get_or_add_pPr().style = style` makes of a new, empty `p`, copied."""
        ppr = self.looks.get(("p", style))
        if ppr is None:
            ppr = self.looks["p", style] = _element("w:pPr")
            ppr.style = style
        p.append(ppr.__copy__())

    def _copy_ppr(self, p) -> None:
        if self.old.pPr is not None:
            ppr = copy.deepcopy(self.old.pPr)
            for sect in ppr.findall(qn("w:sectPr")):
                ppr.remove(sect)  # a section break belongs to one paragraph only
            p.insert(0, ppr)

    def replace(self, blocks) -> None:
        body = [self._paragraph(b) for b in blocks if b.kind != "footnote"]
        if not body:  # keep an empty paragraph: a table cell must end with one
            for child in [c for c in self.old if c.tag != qn("w:pPr")]:
                self.old.remove(child)
        else:
            sect = self.old.pPr.find(qn("w:sectPr")) if self.old.pPr is not None else None
            if sect is not None:
                body[-1].get_or_add_pPr().append(sect)
            for p in body:
                self.old.addprevious(p)
            self.old.getparent().remove(self.old)
        if self.notes is not None:
            self.notes.flush()


def replace_placeholder(document, paragraph, blocks: list[Block], *, styles: dict | None = None,
                        looks: dict | None = None) -> None:
    """Replace `paragraph` (a python-docx Paragraph of `document`) by `blocks`, in place.

    `styles`: a dict the caller shares between the placeholders of one document (or of every
    document made from one template), so each style is looked up in the template once; the
    styles must not change meanwhile. `looks`: a dict shared the same way, for the run and
    paragraph properties built from those styles and the placeholders' own run properties.
    """
    _Writer(document, paragraph, blocks, styles, looks).replace(blocks)
