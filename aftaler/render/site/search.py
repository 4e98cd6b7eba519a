"""The offline search index: entries taken from the rendered pages' tokens, shipped as a script.

One entry per section and per table row with an id, so a hit takes the reader to its place.
"""
from __future__ import annotations

import json
import re

from markdown_it.token import Token

from ...build.atomic import Chunks
from .html import _inline_text
from .pages import _Page

_LETTER = re.compile(r"[^\W\d_]")
# The tokens an entry is made of (any other is passed over).
_READ = frozenset({"footnote_block_open", "thead_open", "thead_close", "heading_open", "tr_open", "tr_close", "inline"})


def _search_entries(tokens: list[Token], page: _Page) -> list[dict]:
    """One entry per section and per table row with an id: where search can take the reader."""
    base = {"d": page.title, "s": page.site_set.title}
    url = page.path + ".html"
    entries: list[dict] = []
    path: list[tuple[int, str]] = []
    section = row = None
    in_head = False
    for i, token in enumerate(tokens):
        kind = token.type
        if kind not in _READ:
            continue
        if kind == "footnote_block_open":
            break
        if kind in ("thead_open", "thead_close"):
            in_head = kind == "thead_open"  # column names are not content
        if kind == "heading_open":
            level = int(token.tag[1])
            path = [p for p in path if p[0] < level] + [(level, token.meta.get("title", ""))]
            title = " › ".join(t for lvl, t in path if lvl > 1) or path[-1][1]
            section = dict(base, u=f"{url}#{token.attrGet('id')}", t=title, x=[])
            entries.append(section)
        elif kind == "tr_open" and token.attrGet("id") and section is not None:
            row = dict(base, u=f"{url}#{token.attrGet('id')}", t=section["t"], x=[])
        elif kind == "tr_close" and row is not None:
            label = next((c for c in row["x"] if _LETTER.search(c)), "")
            label = label if len(label) <= 80 else label[:79].rstrip() + "…"
            row["t"] = f"{section['t']} › {label}" if label else section["t"]
            entries.append(row)
            row = None
        elif kind == "inline" and tokens[i - 1].type != "heading_open" and not in_head:
            text = _inline_text(token)
            target = row if row is not None else section
            if text and target is not None:
                target["x"].append(text)
    return [dict(e, x=" · ".join(e["x"])) for e in entries]


def search_json(entries: list[dict]) -> str:
    """A set's entries as a JSON array."""
    return json.dumps(entries, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def search_piece(array: str) -> bytes:
    """A set's entries (a JSON array) as they stand in the index script: without the brackets,
    escaped for a script, encoded. Empty for a set without entries.

    Each set's piece is made once, when the set is rendered: the index joins the pieces as bytes
    (the same bytes as escaping the joined text, as no replaced character is a separator), so
    that a build keeping a hundred sets neither parses nor escapes their entries again."""
    return array[1:-1].replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode("utf-8")


_SCRIPT_HEAD, _SCRIPT_TAIL = b"window.AFTALER_INDEX = [", b"];\n"


def search_script(pieces: list) -> Chunks:
    """The sets' pieces (search_piece) as one index in a script (a page opened from file:// cannot
    fetch() a JSON file), as chunks (head, piece, ",", piece, …, tail), each piece read only when the
    chunks are: a piece is any bytes-like, or what bytes() reads from where it is kept (a build's
    pieces are on disk, not in memory)."""
    pieces = [p for p in pieces if len(p)]
    size = len(_SCRIPT_HEAD) + sum(len(p) for p in pieces) + max(len(pieces) - 1, 0) + len(_SCRIPT_TAIL)

    def chunks():
        yield _SCRIPT_HEAD
        for n, piece in enumerate(pieces):
            if n:
                yield b","
            yield piece if isinstance(piece, (bytes, bytearray, memoryview)) else bytes(piece)
        yield _SCRIPT_TAIL
    return Chunks(size, chunks)


def search_spans(pieces: list) -> list[tuple[int, int]]:
    """Where each piece stands in search_script(pieces), (start, end); (0, 0) for an empty one:
    so that a later build can take an unchanged set's piece from the index it wrote."""
    spans, at = [], len(_SCRIPT_HEAD)
    for piece in pieces:
        if not len(piece):
            spans.append((0, 0))
            continue
        spans.append((at, at + len(piece)))
        at += len(piece) + 1  # the comma
    return spans
