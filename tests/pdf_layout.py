"""A Word file's layout as LibreOffice set it, read back from the PDF, against the document's own text.

The PDF's words come from `pdftotext -raw -bbox` (content order: LibreOffice writes a table cell
by cell, row by row) with their page and position; the document's words from its XML, each with
the paragraph, heading or table row it belongs to. The two sequences are aligned (difflib), so
every word of the document that is on a page knows its page. From that:

- broken words: a PDF token that is no word of the document, but is one when joined with the
  next token (a break inside a word without a hyphen). A token ending in a hyphen that joins
  with the next into a document word is a hyphenation, and fine.
- pages without "Side N af M" (N the page, M the page count).
- headings and table captions that are the last thing on their page (what follows starts on the
  next page).
- table rows split across pages. A row taller than a third of a page may split, like a long
  paragraph: with at least two of its lines, or whole paragraphs, on each page.
- pages with fewer than three lines of text, in a document that has more.
- tall rows pushed: a row taller than a third of a page (which may split) that starts on the
  next page while the page before has more than a third of its lines empty.

Nothing here depends on where LibreOffice breaks a line: only on which words end up on which page
and whether a word is whole.
"""
from __future__ import annotations

import difflib
import re
import subprocess
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_w = lambda name: f"{{{W}}}{name}"  # noqa: E731
XHTML = "{http://www.w3.org/1999/xhtml}"
_STRIP = "()[]{}<>,.;:!?\"'»«“”‘’…*"
_HYPHENS = "-\u00ad\u2010"
_PAGE_NUMBER = re.compile(r"^Side (\d+) af (\d+)$")
MIN_LINES = 3
SPLIT_MIN_LINES = 2  # lines of a split row on each page (unless they are whole paragraphs)
LINE_HEIGHT = 11.5  # pt: a line of 10 pt text; a page's body is about 85 % of its height


def norm(token: str) -> str:
    return token.strip(_STRIP).replace("\u00ad", "").lower()


@dataclass
class Token:
    text: str
    page: int  # 1-based
    x: float
    y: float


@dataclass
class Unit:
    """A paragraph in document order: a heading (a heading style, a bold paragraph, in a cell a
    bold lead with more of the cell after it), a table caption, or body text; `row` numbers the
    table row a cell's paragraph belongs to."""
    kind: str  # "heading", "caption", "body"
    text: str
    row: int | None = None
    words: list[str] = field(default_factory=list)


@dataclass
class Layout:
    pages: list[list[Token]]  # body tokens per page, the footer left out
    footers: list[str]  # the footer line(s) of each page
    units: list[Unit]
    pages_of: dict[int, list[int]]  # unit index → the pages of its words
    lines_of: dict[tuple[int, int], int]  # (unit index, page) → lines of the unit on that page
    vocabulary: set[str]
    page_height: float


# -- the PDF ----------------------------------------------------------------------------------

def pdf_tokens(pdf: Path) -> tuple[list[list[Token]], float]:
    xml = subprocess.run(["pdftotext", "-raw", "-bbox", str(pdf), "-"], capture_output=True, check=True).stdout
    root = etree.fromstring(xml, etree.XMLParser(recover=True))
    pages, height = [], 0.0
    for n, page in enumerate(root.iter(f"{XHTML}page"), start=1):
        height = float(page.get("height"))
        pages.append([Token(w.text or "", n, float(w.get("xMin")), float(w.get("yMin")))
                      for w in page.iter(f"{XHTML}word")])
    return pages, height


def _lines(tokens: list[Token]) -> list[list[Token]]:
    """Tokens grouped by their line on the page (the same baseline, within 2 pt)."""
    rows: dict[int, list[Token]] = {}
    for t in tokens:
        rows.setdefault(round(t.y / 2), []).append(t)
    return [sorted(rows[k], key=lambda t: t.x) for k in sorted(rows)]


def split_footer(tokens: list[Token]) -> tuple[list[Token], str]:
    """The page's body tokens and its footer line: the line holding "Side N af M", found by text
    (the page number is the one line that must be there)."""
    for line in reversed(_lines(tokens)):
        text = " ".join(t.text for t in line)
        match = re.search(r"Side \d+ af \d+$", text)
        if match:
            footer_y = line[0].y
            return [t for t in tokens if t.y < footer_y - 1], text
    return tokens, ""


# -- the document -----------------------------------------------------------------------------

def _text(el) -> str:
    parts = []
    for node in el.iter(_w("t"), _w("tab"), _w("br")):
        parts.append(node.text or "" if node.tag == _w("t") else " ")
    return "".join(parts)


def _style(p) -> str:
    style = p.find(f"{_w('pPr')}/{_w('pStyle')}")
    return style.get(_w("val")) if style is not None else ""


def _is_heading(p, heading_styles: set[str]) -> bool:
    if _style(p) in heading_styles:
        return True
    runs = [r for r in p.iter(_w("r")) if (_text(r)).strip()]
    bold = [r.find(f"{_w('rPr')}/{_w('b')}") for r in runs]
    return bool(runs) and all(b is not None and b.get(_w("val")) not in ("0", "false") for b in bold)


def document_units(docx: Path) -> tuple[list[Unit], set[str]]:
    with zipfile.ZipFile(docx) as z:
        body = etree.fromstring(z.read("word/document.xml")).find(_w("body"))
        styles = etree.fromstring(z.read("word/styles.xml"))
        extra = [etree.fromstring(z.read(n)) for n in z.namelist() if re.match(r"word/(footnotes|endnotes)\.xml$", n)]
    heading_styles = {s.get(_w("styleId")) for s in styles.iter(_w("style"))
                      if s.find(f"{_w('pPr')}/{_w('outlineLvl')}") is not None
                      or s.get(_w("styleId")) in ("Title", "Subtitle")}
    units: list[Unit] = []
    children = list(body)
    rows = 0
    for i, el in enumerate(children):
        if el.tag == _w("p"):
            text = _text(el)
            if not text.strip():
                continue
            following = next((c for c in children[i + 1:] if c.tag != _w("p") or _text(c).strip()), None)
            kind = "heading" if _is_heading(el, heading_styles) else "body"
            if kind == "body" and following is not None and following.tag == _w("tbl"):
                kind = "caption"
            units.append(Unit(kind, text))
        elif el.tag == _w("tbl"):
            for tr in el.iter(_w("tr")):
                if tr.getparent() is not el:
                    continue  # a nested table's rows are part of their cell's row
                rows += 1
                for tc in tr.iterchildren(_w("tc")):
                    paragraphs = [p for p in tc.iter(_w("p")) if _text(p).strip()]
                    for k, p in enumerate(paragraphs):
                        lead = k + 1 < len(paragraphs) and _is_heading(p, heading_styles)
                        units.append(Unit("heading" if lead else "body", _text(p), rows))
    for unit in units:
        unit.words = [w for w in (norm(t) for t in unit.text.split()) if w]
    vocabulary = {w for u in units for w in u.words}
    for root in extra:  # footnotes: their words are the document's too (they sit at a page's foot)
        vocabulary |= {w for w in (norm(t) for t in _text(root).split()) if w}
    return units, vocabulary


# -- both -------------------------------------------------------------------------------------

def _joined_tokens(tokens: list[Token], vocabulary: set[str]) -> list[Token]:
    """Hyphenated words joined again ("Kriminalitets-" "forebyggelse"), where the join is a word
    of the document; every other token as it is."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.text and t.text[-1] in _HYPHENS and i + 1 < len(tokens):
            joined = norm(t.text.rstrip(_HYPHENS) + tokens[i + 1].text)
            if joined in vocabulary and norm(t.text) not in vocabulary:
                out.append(Token(t.text.rstrip(_HYPHENS) + tokens[i + 1].text, t.page, t.x, t.y))
                i += 2
                continue
        out.append(t)
        i += 1
    return out


def read(docx: Path, pdf: Path) -> Layout:
    raw_pages, height = pdf_tokens(pdf)
    pages, footers = [], []
    for tokens in raw_pages:
        body, footer = split_footer(tokens)
        pages.append(body)
        footers.append(footer)
    units, vocabulary = document_units(docx)
    flat = [t for page in pages for t in page]
    joined = _joined_tokens(flat, vocabulary)
    pdf_words = [norm(t.text) for t in joined]
    doc_words, owner = [], []
    for n, unit in enumerate(units):
        doc_words += unit.words
        owner += [n] * len(unit.words)
    matcher = difflib.SequenceMatcher(None, doc_words, pdf_words, autojunk=False)
    pages_of: dict[int, list[int]] = {}
    tokens_of: dict[int, list[Token]] = {}
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            unit, token = owner[block.a + k], joined[block.b + k]
            pages_of.setdefault(unit, []).append(token.page)
            tokens_of.setdefault(unit, []).append(token)
    lines_of = {}
    for unit, tokens in tokens_of.items():
        for page in set(t.page for t in tokens):
            lines_of[unit, page] = len({round(t.y / 2) for t in tokens if t.page == page})
    return Layout(pages, footers, units, pages_of, lines_of, vocabulary, height)


# -- the checks -------------------------------------------------------------------------------

def broken_words(layout: Layout) -> list[str]:
    """Tokens that are no word of the document but, joined with the next (or the next few: a
    word broken twice in a narrow column), are one."""
    tokens = [t for page in layout.pages for t in page]
    found = []
    i = 0
    while i < len(tokens):
        first = tokens[i]
        left = norm(first.text)
        if left and left not in layout.vocabulary and first.text[-1] not in _HYPHENS:
            joined = first.text
            for k in range(i + 1, min(i + 8, len(tokens))):
                joined += tokens[k].text
                if norm(joined) in layout.vocabulary:
                    pieces = " ".join(t.text for t in tokens[i:k + 1])
                    found.append(f"side {first.page}: '{pieces}'")
                    i = k
                    break
        i += 1
    return found


def unnumbered_pages(layout: Layout) -> list[str]:
    count = len(layout.footers)
    problems = []
    for n, footer in enumerate(layout.footers, start=1):
        match = re.search(r"Side (\d+) af (\d+)$", footer)
        if not match or (int(match[1]), int(match[2])) != (n, count):
            problems.append(f"side {n}: sidetallet mangler eller er forkert ({footer!r})")
    return problems


def stranded_headings(layout: Layout) -> list[str]:
    """Headings and captions whose following unit starts on a later page."""
    problems = []
    placed = [n for n in range(len(layout.units)) if n in layout.pages_of]
    for here, after in zip(placed, placed[1:]):
        unit = layout.units[here]
        if unit.kind not in ("heading", "caption"):
            continue
        last, first_next = max(layout.pages_of[here]), min(layout.pages_of[after])
        if first_next > last:
            problems.append(f"side {last}: '{unit.text.strip()[:60]}' står sidst på siden")
    return problems


def split_rows(layout: Layout) -> list[str]:
    """Rows on more than one page. A tall row (more than a third of a page's lines) may split,
    as a long paragraph would: on each page either two lines of it or whole paragraphs."""
    rows: dict[int, list[int]] = {}
    for n, unit in enumerate(layout.units):
        if unit.row is not None and n in layout.pages_of:
            rows.setdefault(unit.row, []).append(n)
    page_lines = layout.page_height * 0.85 / LINE_HEIGHT
    problems = []
    for row, members in rows.items():
        pages = sorted({p for n in members for p in layout.pages_of[n]})
        if len(pages) == 1:
            continue
        lines = [sum(layout.lines_of.get((n, p), 0) for n in members) for p in pages]
        tall = sum(lines) > page_lines / 3
        whole = all(lines[i] >= SPLIT_MIN_LINES or all(set(layout.pages_of[n]) == {page} for n in members
                                                          if page in layout.pages_of[n])
                    for i, page in enumerate(pages))
        if tall and whole:
            continue
        text = " ".join(layout.units[n].text.strip() for n in members)
        problems.append(f"side {pages[0]}–{pages[-1]}: rækken '{text[:60]}' er delt "
                        f"({' + '.join(map(str, lines))} linjer)")
    return problems


def pushed_rows(layout: Layout) -> list[str]:
    """Tall rows (more than a third of a page's lines) that begin on a later page than what comes
    before them, leaving more than a third of that page empty: moved whole where they may split."""
    bodies = [t.y for page in layout.pages for t in page]
    if not bodies:
        return []
    bottom = max(bodies)  # the lowest line any page reaches: the foot of the text area
    page_lines = layout.page_height * 0.85 / LINE_HEIGHT
    placed = [n for n in range(len(layout.units)) if n in layout.pages_of]
    first: dict[int, int] = {}
    for n in placed:
        row = layout.units[n].row
        if row is not None:
            first.setdefault(row, n)
    problems = []
    for row, start in first.items():
        members = [n for n in placed if layout.units[n].row == row]
        lines = sum(layout.lines_of.get((n, p), 0) for n in members for p in set(layout.pages_of[n]))
        before = [n for n in placed if n < start]
        if lines <= page_lines / 3 or not before:
            continue
        page, previous = min(layout.pages_of[start]), max(layout.pages_of[before[-1]])
        if page != previous + 1:
            continue
        empty = (bottom - max(t.y for t in layout.pages[previous - 1])) / LINE_HEIGHT
        if empty > page_lines / 3:
            problems.append(f"side {previous}: {empty:.0f} tomme linjer, fordi rækken "
                            f"'{layout.units[start].text.strip()[:60]}' ({lines} linjer) først begynder på side {page}")
    return problems


def short_pages(layout: Layout) -> list[str]:
    counts = [len(_lines(page)) for page in layout.pages]
    if sum(counts) <= MIN_LINES:
        return []
    return [f"side {n}: kun {c} linje(r)" for n, c in enumerate(counts, start=1) if c < MIN_LINES]


def problems(docx: Path, pdf: Path) -> dict[str, list[str]]:
    layout = read(docx, pdf)
    return {
        "brudte ord": broken_words(layout),
        "sider uden sidetal": unnumbered_pages(layout),
        "overskrifter sidst på siden": stranded_headings(layout),
        "delte rækker": split_rows(layout),
        "næsten tomme sider": short_pages(layout),
        "skubbede rækker": pushed_rows(layout),
    }


# -- converting -------------------------------------------------------------------------------

def convert_all(docx_files: list[Path], out_dir: Path, soffice: str, timeout: int = 600) -> dict[Path, Path]:
    """Every file to PDF, one LibreOffice run per folder of Word files (a set's names are unique,
    two sets' may not be), with a profile of its own so parallel runs do not clash."""
    import uuid
    by_folder: dict[Path, list[Path]] = {}
    for docx in docx_files:
        by_folder.setdefault(docx.parent, []).append(docx)
    profile = out_dir / f"lo-profile-{uuid.uuid4().hex}"
    pdfs = {}
    for n, (folder, files) in enumerate(sorted(by_folder.items())):
        target = out_dir / f"{n:02d}-{folder.name}"
        target.mkdir(parents=True, exist_ok=True)
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(target), *map(str, files)],
                       check=True, capture_output=True, timeout=timeout)
        pdfs.update({docx: target / f"{docx.stem}.pdf" for docx in files})
    return pdfs


def page_count(pdf: Path) -> int:
    return len(pdf_tokens(pdf)[0])
