"""Layout rules a filled-in document needs that its template cannot know: they depend on the text.

- Tables that follow each other get a paragraph between them (Word and LibreOffice would join
  them into one table, and the first one's header row would repeat over the second).
- The paragraph just before a table (its caption) stays with the table.
- Column widths are planned from the content: a column gets at least the width of its longest
  word (or number) where the other columns can give it room, in the template's proportions.
- A word that still does not fit its column gets Danish soft hyphens (pyphen's da_DK patterns,
  the dictionary LibreOffice uses), so a renderer breaks it with a hyphen, never without one.

Widths are measured with Arial's metrics (arial_metrics.py), not with whatever font the machine
has, so the result is the same on every machine.
"""
from __future__ import annotations

import functools
import itertools
import re

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from .arial_metrics import BOLD, REGULAR

_W = qn("w:w")
# Tags and attributes of the hot loops, resolved once (qn is a dictionary look-up and a format).
_P, _R, _T, _PPR, _RPR, _PSTYLE, _NUMPR, _SZ, _B, _VAL = (
    qn(t) for t in ("w:p", "w:r", "w:t", "w:pPr", "w:rPr", "w:pStyle", "w:numPr", "w:sz", "w:b", "w:val"))
_TR, _TC, _TCPR, _GRIDSPAN, _TRPR, _GRIDBEFORE, _TCW, _TYPE = (
    qn(t) for t in ("w:tr", "w:tc", "w:tcPr", "w:gridSpan", "w:trPr", "w:gridBefore", "w:tcW", "w:type"))
_CELL_MARGIN = 108 * 2  # twips: Word's default left and right cell margins (Table Grid)
_LIST_INDENT = 360  # twips: the indent of a List Bullet/List Number paragraph
_MIN_HYPHENATE = 6  # shorter words are not hyphenated (pyphen's own minimum pieces are 2 and 2)
# Where a line may break inside a token without a hyphen being added: after a hyphen or a dash
# that is already there (not after a slash: LibreOffice keeps "drift/boligselskab" whole).
_BREAKS = re.compile(r"(?<=[-–])")
_WORD = re.compile(r"\S+")
_LETTERS = re.compile(r"[A-Za-zÆØÅæøåÉéÜüÖöÄä]+")
# A run of letters long enough to hyphenate: some run of _LETTERS is at least _MIN_HYPHENATE long.
_HYPHENATABLE = re.compile(r"[A-Za-zÆØÅæøåÉéÜüÖöÄä]{%d}" % _MIN_HYPHENATE)


@functools.cache
def _hyphenator():
    import pyphen
    return pyphen.Pyphen(lang="da_DK", left=2, right=3)


def text_width(text: str, size_half_points: int, bold: bool) -> float:
    """The width of `text` in twips at the given size (half-points, as w:sz holds it)."""
    metrics = BOLD if bold else REGULAR
    units = sum(map(metrics.get, text, itertools.repeat(metrics["n"])))
    return units * size_half_points * 10 / 1000  # 1 pt = 20 twips, size is half-points: /2 * 20


def apply(document) -> None:
    """Every rule above, on a rendered python-docx Document."""
    body = document.element.body
    separate_touching_tables(body)
    keep_captions(body)
    size, text_width_twips, page_height = _normal_size(document), _text_width(body), _text_height(body)
    runs: dict = {}  # paragraph -> its runs, read once for the three rules (hyphens add no runs)
    for tbl in body.iter(qn("w:tbl")):
        cells = list(_cells_by_column(tbl))  # the rules change widths and text, never the cells
        plan_columns(tbl, size, text_width_twips, runs=runs, cells=cells)
        hyphenate_cells(tbl, size, runs=runs, cells=cells)
        let_tall_rows_split(tbl, size, page_height, runs=runs, cells=cells)
    release_split_tables(body)
    shrink_last_paragraph(body)


def separate_touching_tables(body) -> None:
    for tbl in list(body.iter(qn("w:tbl"))):
        following = tbl.getnext()
        if following is not None and following.tag == qn("w:tbl"):
            tbl.addnext(OxmlElement("w:p"))


def keep_captions(body) -> None:
    """The paragraph before a table (a caption, a heading, a lead-in ending in a colon) keeps
    with the table, so it is never the last line of a page."""
    for tbl in body.iterchildren(qn("w:tbl")):
        before = tbl.getprevious()
        if before is None or before.tag != qn("w:p") or not "".join(before.itertext()).strip():
            continue
        ppr = before.find(qn("w:pPr"))
        if ppr is None:
            ppr = OxmlElement("w:pPr")
            before.insert(0, ppr)
        if ppr.find(qn("w:keepNext")) is None:
            keep = OxmlElement("w:keepNext")
            style = ppr.find(qn("w:pStyle"))
            if style is not None:
                style.addnext(keep)
            else:
                ppr.insert(0, keep)


def shrink_last_paragraph(body) -> None:
    """The empty paragraph a document must end with after a table, made 1 pt high: at full
    height it can fall on a page of its own, an empty last page."""
    last = body.find(qn("w:sectPr"))
    last = last.getprevious() if last is not None else (body[-1] if len(body) else None)
    if last is None or last.tag != qn("w:p") or "".join(last.itertext()).strip():
        return
    previous = last.getprevious()
    if previous is None or previous.tag != qn("w:tbl"):
        return
    for child in list(last):
        if child.tag != qn("w:pPr"):
            last.remove(child)
    _hairline(last)


def release_split_tables(body) -> None:
    """A table with a row that may split (let_tall_rows_split) gets a 1 pt paragraph between it
    and its caption: LibreOffice does not split a row of a table that a keep-with-next paragraph
    holds, and moves the row whole instead, leaving up to half a page empty (the delaftale's
    activity table under its heading). The caption keeps with the 1 pt paragraph, which does not
    keep with the table; Word splits the row either way. The price: where even the table's first
    row does not fit below the caption, the caption ends its page (the layout check's "headings
    last on a page" watches every example for it)."""
    for tbl in list(body.iterchildren(qn("w:tbl"))):
        before = tbl.getprevious()
        if before is None or before.tag != qn("w:p") or not "".join(before.itertext()).strip():
            continue
        if all(tr.find(f"{_TRPR}/{qn('w:cantSplit')}") is not None for tr in tbl.iterchildren(_TR)):
            continue
        spacer = OxmlElement("w:p")
        _hairline(spacer)
        tbl.addprevious(spacer)


def _hairline(p) -> None:
    """Make an empty paragraph 1 pt high, with no space around it and no other property."""
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        p.insert(0, ppr)
    for child in list(ppr):
        ppr.remove(child)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:before"), "0")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "20")
    spacing.set(qn("w:lineRule"), "exact")
    ppr.append(spacing)
    rpr = OxmlElement("w:rPr")
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), "2")
    rpr.append(sz)
    ppr.append(rpr)


def let_tall_rows_split(tbl, size: int, page_height: int | None, runs: dict | None = None,
                        cells: list | None = None) -> None:
    """A row that would take more than a third of a page may break across pages (its lines keep
    Word's widow and orphan control): moved whole, it would leave most of a page empty. Every
    other row stays whole (the template's w:cantSplit)."""
    if not page_height:
        return
    _, widths = _grid_of(tbl)
    if not widths:
        return
    heights: dict = {}
    for col, span, tc in _cells_by_column(tbl) if cells is None else cells:
        tr = tc.getparent()
        heights[tr] = max(heights.get(tr, 0.0), _cell_height(tc, sum(widths[col:col + span]) - _CELL_MARGIN, size, runs))
    for tr, height in heights.items():
        if height > page_height / 3:
            for cant in tr.iter(qn("w:cantSplit")):
                if cant.getparent().getparent() is tr:
                    cant.getparent().remove(cant)


def _cell_height(tc, available: float, size: int, runs: dict | None = None) -> float:
    """A cell's estimated height in twips: each paragraph's lines at 1.15 line spacing plus its
    space after (4 pt)."""
    if available <= 0:
        return 0.0
    height = 0.0
    for p in tc.iter(_P):
        width = sum(run[5] for run in _runs_of(p, size, runs))
        lines = max(1, -(-int(width * 1.1) // int(available)))  # 10 % for what wrapping wastes
        height += lines * size * 10 * 1.15 + 80
    return height


def _text_height(body) -> int | None:
    sect = body.find(qn("w:sectPr"))
    if sect is None:
        return None
    size, margins = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
    try:
        return int(size.get(qn("w:h"))) - int(margins.get(qn("w:top"))) - int(margins.get(qn("w:bottom")))
    except (AttributeError, TypeError, ValueError):
        return None


def _normal_size(document) -> int:
    """The body text's size in half-points: the Normal style's, else the defaults', else 10 pt."""
    styles = document.styles.element
    for path in ('./w:style[@w:default="1"][@w:type="paragraph"]/w:rPr/w:sz', "./w:docDefaults//w:rPr/w:sz"):
        found = styles.xpath(path)
        if found:
            return int(found[0].get(qn("w:val")))
    return 20


def _text_width(body) -> int | None:
    sect = body.find(qn("w:sectPr"))
    if sect is None:
        return None
    size, margins = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
    if size is None or margins is None:
        return None
    try:
        return int(size.get(_W)) - int(margins.get(qn("w:left"))) - int(margins.get(qn("w:right")))
    except (TypeError, ValueError):
        return None


def _runs(tc, size: int, runs: dict | None = None):
    """(run, size, bold, indent, text, width) of every run of a cell, nested tables left out."""
    for p in tc.iterchildren(_P):
        yield from _runs_of(p, size, runs)


def _runs_of(p, size: int, runs: dict | None = None):
    """A paragraph's runs; with `runs` (for one body size), read once and kept there."""
    if runs is None:
        return _read_runs(p, size)
    found = runs.get(p)
    if found is None:
        found = runs[p] = _read_runs(p, size)
    return found


def _read_runs(p, default_size: int) -> list:
    """(run, size, bold, indent, text, width) of each run: the size is the run's own or the body's,
    the text that of its w:t, the width that text's. Children are compared by tag: lxml's find is
    several times slower than a loop over a few children, and this reads every run of every table."""
    ppr = _child(p, _PPR)
    style = _child(ppr, _PSTYLE) if ppr is not None else None
    is_list = (ppr is not None and _child(ppr, _NUMPR) is not None) or (
        style is not None and style.get(_VAL, "").startswith("List"))
    indent = _LIST_INDENT if is_list else 0
    found = []
    for r in p.iter(_R):
        rpr, texts = None, []
        for child in r:
            if child.tag == _T:
                texts.append(child.text or "")
            elif child.tag == _RPR and rpr is None:
                rpr = child
        size, bold = None, False
        if rpr is not None:
            sz, b = _child(rpr, _SZ), _child(rpr, _B)
            size = int(sz.get(_VAL)) if sz is not None else None
            bold = b is not None and b.get(_VAL) not in ("0", "false")
        size = size or default_size
        text = "".join(texts)
        found.append((r, size, bold, indent, text, text_width(text, size, bold)))
    return found


def _child(element, tag: str):
    """The first child with `tag`, or None (element.find(tag), faster for a few children)."""
    for child in element:
        if child.tag == tag:
            return child
    return None


def _pieces(word: str) -> list[str]:
    if "-" not in word and "–" not in word:  # most words: re's split with a look-behind is slow
        return [word] if word else []
    return [piece for piece in _BREAKS.split(word) if piece]


def _hyphenatable(piece: str) -> bool:
    """Whether a piece can take a soft hyphen: a number or a short word cannot."""
    return _HYPHENATABLE.search(piece) is not None


@functools.lru_cache(maxsize=1 << 16)
def _word_extent(word: str, size: int, bold: bool) -> tuple[float | None, float]:
    """The widest piece of a word that cannot be hyphenated (None: every piece can) and the
    widest of all, in twips. Kept per word: a set's tables repeat their words and numbers."""
    hard, soft = None, 0.0
    for piece in _pieces(word):
        width = text_width(piece, size, bold)
        soft = max(soft, width)
        if not _hyphenatable(piece):
            hard = width if hard is None else max(hard, width)
    return hard, soft


def _longest_pieces(tc, size: int, runs: dict | None = None) -> tuple[float, float]:
    """The widest piece of a cell that cannot be hyphenated (a number, "(UP)") and the widest
    of all, with its paragraph's indent, in twips."""
    hard = soft = 0.0
    for _, run_size, bold, indent, text, _ in _runs(tc, size, runs):
        text_hard, text_soft = _text_extent(text, run_size, bold)
        if text_soft is not None:
            soft = max(soft, text_soft + indent)
        if text_hard is not None:
            hard = max(hard, text_hard + indent)
    return hard, soft


@functools.lru_cache(maxsize=1 << 14)
def _text_extent(text: str, size: int, bold: bool) -> tuple[float | None, float | None]:
    """_word_extent over a run's words: the widest hard piece (None: none) and the widest piece
    (None: no word). Kept per text: a set's tables repeat whole cells (amounts, years, names);
    adding the indent after the max gives the same floats, as x + indent keeps the order."""
    hard = soft = None
    # Each distinct word once (prose repeats its short words); max does not depend on the order.
    for word in set(text.split()):  # str.split and re's \S+ agree on what whitespace is
        word_hard, word_soft = _word_extent(word, size, bold)
        soft = word_soft if soft is None else max(soft, word_soft)
        if word_hard is not None:
            hard = word_hard if hard is None else max(hard, word_hard)
    return hard, soft


def _grid_of(tbl):
    grid = tbl.find(qn("w:tblGrid"))
    if grid is None:
        return None, []
    cols = grid.findall(qn("w:gridCol"))
    try:
        return grid, [int(c.get(_W)) for c in cols]
    except (TypeError, ValueError):
        return None, []


def _cells_by_column(tbl):
    """(first grid column, span, tc) of every cell of the table's own rows."""
    for tr in tbl.iterchildren(_TR):
        col = 0
        tr_pr = _child(tr, _TRPR)
        before = _child(tr_pr, _GRIDBEFORE) if tr_pr is not None else None
        if before is not None:
            col += int(before.get(_VAL, "0"))
        for tc in tr.iterchildren(_TC):
            tc_pr = _child(tc, _TCPR)
            span = _child(tc_pr, _GRIDSPAN) if tc_pr is not None else None
            n = int(span.get(_VAL)) if span is not None else 1
            yield col, n, tc
            col += n


def plan_columns(tbl, size: int, page_text_width: int | None, runs: dict | None = None,
                 cells: list | None = None) -> None:
    """Widen columns whose longest word does not fit, taking the room from columns that have
    some to spare, in proportion to what they can spare; the table may grow to the text width.
    What cannot be hyphenated (numbers) is fitted first, with room taken even from columns whose
    long words will then be hyphenated; the long words after that, from what is left.
    `cells`: the table's _cells_by_column, when the caller has them."""
    grid, widths = _grid_of(tbl)
    if not widths or any(w <= 0 for w in widths):
        return
    cells = list(_cells_by_column(tbl)) if cells is None else cells
    hard, soft = [0.0] * len(widths), [0.0] * len(widths)
    for col, span, tc in cells:
        if span == 1 and col < len(widths):
            h, s = _longest_pieces(tc, size, runs)
            hard[col] = max(hard[col], h + _CELL_MARGIN + 20)
            soft[col] = max(soft[col], s + _CELL_MARGIN + 20)
    total = sum(widths)
    limit = max(total, page_text_width or total)
    new = _fit(widths, hard, limit)
    new = _fit(new, [max(h, s) for h, s in zip(hard, soft)], limit, floor=hard)
    if new == widths:
        return
    for col_el, width in zip(grid.findall(qn("w:gridCol")), new):
        col_el.set(_W, str(width))
    for col, span, tc in cells:
        tc_pr = _child(tc, _TCPR)
        tc_w = _child(tc_pr, _TCW) if tc_pr is not None else None
        if tc_w is not None and tc_w.get(_TYPE) in ("dxa", None):
            tc_w.set(_W, str(sum(new[col:col + span])))
            tc_w.set(_TYPE, "dxa")
    tbl_w = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblW')}")
    if tbl_w is not None and tbl_w.get(qn("w:type")) == "dxa":
        tbl_w.set(_W, str(sum(new)))


def _fit(widths: list[int], need: list[float], limit: int, floor: list[float] | None = None) -> list[int]:
    """Widths where each column has what it needs as far as the others (down to `floor`, else
    down to their own need) and the room up to `limit` allow."""
    floor = floor or need
    short = [max(0.0, n - w) for n, w in zip(need, widths)]
    wanted = sum(short)
    if not wanted:
        return widths
    spare = [max(0.0, w - max(f, n)) if s == 0 else 0.0 for w, f, n, s in zip(widths, floor, need, short)]
    room = max(0, limit - sum(widths))
    give = min(wanted, room + sum(spare))
    take = give - min(room, give)
    scale_take = take / sum(spare) if sum(spare) else 0.0
    return [round(w + s * give / wanted - p * scale_take) for w, s, p in zip(widths, short, spare)]


def hyphenate_cells(tbl, size: int, runs: dict | None = None, cells: list | None = None) -> None:
    """Soft hyphens in every word that is wider than its cell's text width."""
    _, widths = _grid_of(tbl)
    if not widths:
        return
    for col, span, tc in _cells_by_column(tbl) if cells is None else cells:
        available = sum(widths[col:col + span]) - _CELL_MARGIN
        for r, run_size, bold, indent, text, width in list(_runs(tc, size, runs)):
            # Only a run with a piece wider than the room can change: a w:t's pieces lie
            # within the run's, so none of them is wider (prose that wraps has none).
            if width > available - indent and (_text_extent(text, run_size, bold)[1] or 0.0) > available - indent:
                _hyphenate_run(r, available - indent, run_size, bold)


def _hyphenate_run(r, available: float, size: int, bold: bool) -> None:
    for t in list(r.iterchildren(_T)):
        text = t.text or ""
        parts = _split_too_wide(text, available, size, bold)
        if len(parts) == 1:
            continue
        # One w:t per piece with a w:softHyphen between: the text reads the same to every reader
        # of w:t, and Word and LibreOffice break there with a visible hyphen when they need to.
        t.text = parts[0]
        t.set(qn("xml:space"), "preserve")
        anchor = t
        for part in parts[1:]:
            soft = OxmlElement("w:softHyphen")
            anchor.addnext(soft)
            piece = OxmlElement("w:t")
            piece.set(qn("xml:space"), "preserve")
            piece.text = part
            soft.addnext(piece)
            anchor = piece


def _split_too_wide(text: str, available: float, size: int, bold: bool) -> list[str]:
    """`text` cut at the hyphenation points of every word wider than `available` twips."""
    if text_width(text, size, bold) <= available:
        return [text]  # no piece of it is wider than all of it (widths are never negative)
    parts, start = [""], 0
    for match in _WORD.finditer(text):
        word = match.group()
        if _word_extent(word, size, bold)[1] <= available:  # its widest piece fits
            continue
        points = []
        for letters in _LETTERS.finditer(word):
            if len(letters.group()) < _MIN_HYPHENATE:
                continue
            positions = _hyphenator().positions(letters.group())
            points += [match.start() + letters.start() + p for p in positions]
        for point in points:
            parts[-1] += text[start:point]
            parts.append("")
            start = point
    parts[-1] += text[start:]
    return parts
