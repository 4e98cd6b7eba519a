"""Two sequences (blocks, table rows) aligned: difflib on their keys, then the changed stretches
paired by word similarity."""
from __future__ import annotations

import re
from difflib import SequenceMatcher

TOKEN = re.compile(r"\w+(?:[.,:/'’-]\w+)*|\s+|[^\w\s]")  # 31.169 and 19,3 stay one word
PAIR_AT = 0.5          # paragraphs this similar are compared word by word, not replaced
PAIR_LIMIT = 40_000    # above this many candidate pairs a changed stretch is replaced whole


def _words(text: str) -> list[str]:
    return [w for w in TOKEN.findall(text) if not w.isspace()]


def _similarity(a: str, b: str) -> float:
    """Share of words in common, in order; 0 when it cannot reach PAIR_AT (cheap bounds first)."""
    matcher = SequenceMatcher(None, _words(a), _words(b), autojunk=False)
    if matcher.real_quick_ratio() < PAIR_AT or matcher.quick_ratio() < PAIR_AT:
        return 0.0
    return matcher.ratio()


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
