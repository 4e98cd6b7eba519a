"""The offline search index: entries taken from the rendered pages' tokens, shipped as a script.

One entry per section and per table row with an id, so a hit takes the reader to its place.
"""
from __future__ import annotations

import json
import re

from markdown_it.token import Token

from .html import _inline_text
from .pages import _Page

_LETTER = re.compile(r"[^\W\d_]")


def _search_entries(tokens: list[Token], page: _Page) -> list[dict]:
    """One entry per section and per table row with an id: where search can take the reader."""
    base = {"d": page.title, "s": page.site_set.title}
    url = page.path + ".html"
    entries: list[dict] = []
    path: list[tuple[int, str]] = []
    section = row = None
    in_head = False
    for i, token in enumerate(tokens):
        if token.type == "footnote_block_open":
            break
        if token.type in ("thead_open", "thead_close"):
            in_head = token.type == "thead_open"  # column names are not content
        if token.type == "heading_open":
            level = int(token.tag[1])
            path = [p for p in path if p[0] < level] + [(level, token.meta.get("title", ""))]
            title = " › ".join(t for lvl, t in path if lvl > 1) or path[-1][1]
            section = dict(base, u=f"{url}#{token.attrGet('id')}", t=title, x=[])
            entries.append(section)
        elif token.type == "tr_open" and token.attrGet("id") and section is not None:
            row = dict(base, u=f"{url}#{token.attrGet('id')}", t=section["t"], x=[])
        elif token.type == "tr_close" and row is not None:
            label = next((c for c in row["x"] if _LETTER.search(c)), "")
            label = label if len(label) <= 80 else label[:79].rstrip() + "…"
            row["t"] = f"{section['t']} › {label}" if label else section["t"]
            entries.append(row)
            row = None
        elif token.type == "inline" and tokens[i - 1].type != "heading_open" and not in_head:
            text = _inline_text(token)
            target = row if row is not None else section
            if text and target is not None:
                target["x"].append(text)
    return [dict(e, x=" · ".join(e["x"])) for e in entries]


def search_json(entries: list[dict]) -> str:
    """A set's entries as a JSON array, in the form the index joins without parsing them again."""
    return json.dumps(entries, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _search_script(arrays: list[str]) -> bytes:
    """The sets' entries (JSON arrays) as one index in a script: a page opened from file:// cannot
    fetch() a JSON file."""
    # Each set's entries escaped and encoded on their own, then joined as bytes: the same bytes as
    # escaping the joined text (no replaced character is a separator), without holding the whole
    # index (30 MB for 100 full-size sets) as text several times over.
    pieces = [a[1:-1].replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode("utf-8")
              for a in arrays if a != "[]"]
    return b"window.AFTALER_INDEX = [" + b",".join(pieces) + b"];\n"
