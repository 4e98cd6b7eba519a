"""Single values compared: sameness (Markdown as the reader sees it), word diffs, numeric differences."""
from __future__ import annotations

import difflib
import re

from ...render import richtext
from .changeset import DELETED, EQUAL, INSERTED, Words


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _same(old, new, markdown: bool) -> bool:
    """Equal for a reader: True and 1 differ, absent and empty do not, and Markdown compares as shown."""
    if isinstance(old, bool) != isinstance(new, bool):
        return False
    if old == new or (_empty(old) and _empty(new)):
        return True
    return markdown and isinstance(old, str) and isinstance(new, str) and _markdown_key(old) == _markdown_key(new)


def _markdown_key(text: str):
    """Markdown as the reader sees it: blocks, formatting and words, not where lines were wrapped."""
    result = []
    for block in richtext.parse(text):
        runs: list[list] = []
        for run in block.runs:
            look = (run.bold, run.italic, run.url, run.footnote, run.line_break)
            if runs and runs[-1][0] == look and run.footnote is None and not run.line_break:
                runs[-1][1] += run.text
            else:
                runs.append([look, run.text])
        words = tuple((look, re.sub(r"\s+", " ", text)) for look, text in runs)
        result.append((block.kind, block.level, block.start, block.note, words))
    return tuple(result)


def _plain(text: str, markdown: bool) -> str:
    if markdown:
        text = richtext.plain_text(richtext.parse(text))
    return " ".join(str(text).split())


def plain_value(value, markdown: bool = True) -> str:
    """A value as one line of plain text (Markdown rendered)."""
    return _plain(value, markdown) if isinstance(value, str) else str(value)


def word_diff(old: str, new: str) -> tuple[Words, ...]:
    """Two texts compared word by word: runs of equal, deleted and inserted words."""
    a, b = old.split(), new.split()
    pieces: list[Words] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(Words(EQUAL, " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Words(DELETED, " ".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(Words(INSERTED, " ".join(b[j1:j2])))
    return tuple(pieces)


def _difference(old, new):
    numbers = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (old, new))
    if not numbers:
        return None
    if isinstance(old, int) and isinstance(new, int):
        return new - old
    decimals = max((getattr(x, "decimals", None) or 0) for x in (old, new))
    return round(new - old, decimals or 6)
