"""Bounds for author Markdown, which the checker enforces and every renderer obeys.

markdown-it's link and image parsing re-scans the rest of the text for each `[` it cannot close,
so a field of nothing but `[` or `![` costs time in proportion to its length times the brackets
(500 kB took two minutes). Real fields are a few kB with a handful of links. So a Markdown field
may hold at most MAX_CHARS characters, MAX_BRACKETS opening brackets and brackets nested at most
MAX_DEPTH deep; `validate` refuses more with a position, and a renderer that meets such text
anyway (build renders while it validates) shows it as plain text, which costs linear time.
(Quotes, lists and emphasis are bounded by markdown-it's own nesting limit and are linear.)
"""
from __future__ import annotations

MAX_CHARS = 50_000    # the longest real field has about 5.000
MAX_BRACKETS = 1_000  # the most links and footnotes in one real field: 16 brackets
MAX_DEPTH = 10        # [a [b] c] is depth 2; real text never goes deeper than 2


def problem(text: str) -> str | None:
    """Why `text` cannot be rendered as Markdown (Danish), or None."""
    if len(text) > MAX_CHARS:
        return (f"teksten er for lang til et tekstfelt ({_n(len(text))} tegn; højst {_n(MAX_CHARS)}); "
                "del den op i flere felter eller afsnit")
    opening = text.count("[")
    if opening > MAX_BRACKETS:
        return (f"teksten har for mange [ ({_n(opening)}; højst {_n(MAX_BRACKETS)} i ét tekstfelt); "
                "skriv \\[ for en klamme, der ikke er et link eller en fodnote")
    if opening <= MAX_DEPTH:  # brackets cannot nest deeper than there are brackets: no need to count
        return None
    depth = deepest = 0
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            depth += 1
            deepest = max(deepest, depth)
        elif char == "]" and depth:
            depth -= 1
    if deepest > MAX_DEPTH:
        return (f"klammerne [ ] står {deepest} lag inden i hinanden (højst {MAX_DEPTH}); "
                "skriv \\[ for en klamme, der ikke er et link eller en fodnote")
    return None


def _n(number: int) -> str:
    return f"{number:,}".replace(",", ".")
