"""A page for a kind that has no page template of its own: everything in its model, in order.

So nothing an author wrote is missing from the site while a new kind waits for a designed page.
Lists of flat records become tables (with the records' ids as row anchors), nested records
sections, Markdown fields (the schema's `tekst`) rich text and long plain texts paragraphs of
their own; every plain value is escaped as Markdown, however long (a plain field never turns
"&amp;" into "&" or "*x*" into emphasis).
"""
from __future__ import annotations

import re

from ... import danish
from ...model.text import AuthorMarkdown

LONG_TEXT = 80
_NOT_IDENT = re.compile(r"[^a-z0-9]")
SKIP = {"titel"}  # already the page's heading


def generic_markdown(model: dict, *, escape, rich, anchor) -> str:
    """Markdown for `model`; `escape`, `rich` and `anchor` are the site's own helpers."""
    return "\n".join(_mapping(model, 2, "", escape, rich, anchor)).strip() + "\n"


def _mapping(data: dict, depth: int, prefix: str, escape, rich, anchor) -> list[str]:
    """Every heading and row gets an anchor (from its id, else its place), so each can be linked."""
    lines: list[str] = []
    hashes = "#" * min(depth, 6)
    for key, value in data.items():
        if key in SKIP or value is None or value == [] or value == {}:
            continue
        here = f"{prefix}-{key}" if prefix else str(key)
        heading = f"{hashes} {anchor(_ident(here))}{escape(_label(key))}"
        if isinstance(value, AuthorMarkdown):  # a Markdown field, as its schema says
            lines += ["", heading, "", str(rich(value))]
        elif isinstance(value, str) and (len(value) > LONG_TEXT or "\n" in value):  # plain, but long: its paragraphs
            lines += ["", heading, "", "\n\n".join(escape(part) for part in value.split("\n\n") if part.strip())]
        elif _is_scalar(value):
            lines += ["", f"- **{escape(_label(key))}:** {escape(_scalar(value, key))}"]
        elif isinstance(value, dict):
            lines += ["", heading, *_mapping(value, depth + 1, here, escape, rich, anchor)]
        elif all(isinstance(item, dict) for item in value) and all(_flat(item) for item in value):
            lines += ["", heading, "", *_table(value, here, escape, anchor)]
        elif all(isinstance(item, dict) for item in value):
            lines += ["", heading]
            for i, item in enumerate(value, start=1):
                ident = item.get("id") or f"{here}-{i}"
                title = item.get("navn") or item.get("titel") or item.get("indikator") or item.get("id") or str(i)
                lines += ["", f"{'#' * min(depth + 1, 6)} {anchor(_ident(ident))}{escape(_scalar(title))}",
                          *_mapping(item, depth + 2, _ident(ident), escape, rich, anchor)]
        else:
            lines += ["", heading, "", *(f"- {escape(_scalar(item, key))}" for item in value)]
    return lines


def _ident(text: str) -> str:
    # Character by character: after lower() the ASCII letters and digits are exactly [a-z0-9].
    return _NOT_IDENT.sub("-", str(text).lower()).strip("-") or "id"


def _table(rows: list[dict], prefix: str, escape, anchor) -> list[str]:
    keys: list[str] = []
    for row in rows:
        keys += [k for k, v in row.items() if v is not None and k not in keys]
    lines = ["| " + " | ".join(escape(_label(k)) for k in keys) + " |", "|" + " --- |" * len(keys)]
    for i, row in enumerate(rows, start=1):
        cells = []
        for key in keys:
            value = row.get(key)
            text = "" if value is None else _scalar(value, key) if _is_scalar(value) else "; ".join(_scalar(v, key) for v in value)
            cells.append(escape(text))
        cells[0] = anchor(_ident(row.get("id") or f"{prefix}-{i}")) + cells[0]  # a row anchor, as on every page
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _flat(item: dict) -> bool:
    return all(v is None or _is_scalar(v) or (isinstance(v, list) and all(_is_scalar(x) for x in v))
               for v in item.values())


def _is_scalar(value) -> bool:
    return isinstance(value, (str, int, float, bool))


def _scalar(value, key: str = "") -> str:
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, (int, float)) and not _is_code(key):
        return danish.number(value)
    return str(value)


def _is_code(key: str) -> bool:
    """Years, numbers and journal numbers are codes: 2024, not 2.024."""
    key = str(key)
    return key in ("aar", "nr", "nummer", "jnr") or key.endswith("_aar")


def _label(key: str) -> str:
    text = str(key).replace("_", " ")
    return text[:1].upper() + text[1:]
