"""ASCII names for files and anchors, made from Danish titles."""
from __future__ import annotations

import re
import unicodedata


def slug(text: str) -> str:
    """'Kort om boligområdet' → 'kort-om-boligomraadet'."""
    text = str(text).lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def unique_slugs(names: list[str], reserved=frozenset(), fallback: str = "side") -> dict[str, str]:
    """A slug per name, numbered ('-2') where two names would make the same one."""
    taken, result = set(reserved), {}
    for name in names:
        base = slug(name) or fallback
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        taken.add(candidate)
        result[name] = candidate
    return result


def set_slugs(names: list[str]) -> dict[str, str]:
    """Each set's folder on the site; unique even when two names make the same slug."""
    return unique_slugs(sorted(names), reserved={"assets", "index"})
