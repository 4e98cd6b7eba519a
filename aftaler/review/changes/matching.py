"""List items matched across two versions: by their key when every item has one, else as a
sequence (reorderings and edited texts told apart from removed and added); what an item is called."""
from __future__ import annotations

import difflib
import json

from .values import _markdown_key

# Keys that identify an item of a list, in order of preference; `id` is the set-wide one.
ITEM_KEYS = ("id", "indikator", "omraade", "gruppe", "aktivitet", "indsatsomraade", "part")
NAME_KEYS = ("navn", "titel", "udgiftspost", "delmaal", "indikator", "organisation")


def item_name(item: dict) -> str:
    """What people call an item: its name, title, udgiftspost, … ("" when it has none)."""
    if item.get("organisation"):
        return item["organisation"] + (f", {item['enhed']}" if item.get("enhed") else "")
    return next((item[k] for k in NAME_KEYS if isinstance(item.get(k), str) and item[k]), "")


def _sequence_label(value, index: int) -> str:
    """An unkeyed list item by its text when it is one («Drøfte temaer …»), else by its number."""
    if isinstance(value, str) and value.strip():
        words = value.split()
        return "«" + " ".join(words[:8]) + (" …" if len(words) > 8 else "") + "»"
    return f"nr. {index + 1}"


def _similar_pairs(old: list, new: list, cutoff: float = 0.5) -> list[tuple[int, int]]:
    """Texts taken out and put in that are mostly the same words: edited, not replaced."""
    pairs, used = [], set()
    for i, a in enumerate(old):
        if not isinstance(a, str):
            continue
        scored = [(difflib.SequenceMatcher(None, a.split(), b.split()).ratio(), j)
                  for j, b in enumerate(new) if isinstance(b, str) and j not in used]
        best = max(scored, default=(0.0, None))
        if best[0] >= cutoff:
            used.add(best[1])
            pairs.append((i, best[1]))
    return pairs


def _keyer(old: list, new: list):
    """How to match the items of two lists, or None: every item a dict with a unique key."""
    items = old + new
    if not items or not all(isinstance(x, dict) for x in items):
        return None

    def key(item: dict):
        return next(((k, item[k]) for k in ITEM_KEYS if isinstance(item.get(k), (str, int)) and item.get(k) != ""),
                    None)

    for side in (old, new):
        keys = [key(x) for x in side]
        if None in keys or len(set(keys)) != len(keys):
            return None
    return key


def _moved(common_old: list, common_new: list) -> list:
    """Items whose order among the common items changed: those outside the longest common run."""
    kept = set()
    for block in difflib.SequenceMatcher(None, common_old, common_new, autojunk=False).get_matching_blocks():
        kept.update(common_old[block.a:block.a + block.size])
    return [k for k in common_new if k not in kept]


def _hashable(value, markdown: bool):
    """An unkeyed item as the sequence matcher compares it: Markdown as read, anything else as JSON."""
    if isinstance(value, str):
        return _markdown_key(value) if markdown else value
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
