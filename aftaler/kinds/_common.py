"""Helpers the kind modules share: references, baselines, periods."""
from __future__ import annotations

import difflib

from .. import danish
from ..findings import Finding, error
from ..schema_check import parse_date


def each(source, *path):
    """(path, item) for every item of the list at `path` in the source's data."""
    node = source.data
    for key in path:
        if isinstance(node, dict):
            node = node.get(key)
        elif isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
        else:
            node = None
    for i, item in enumerate(node or []):
        yield path + (i,), item


def dangling(source, path, value, known, what: str) -> Finding:
    """A reference that does not resolve, with the closest id as a hint."""
    close = difflib.get_close_matches(str(value), [str(k) for k in known], n=1, cutoff=0.6)
    hint = f"; mente du '{close[0]}'?" if close else ""
    return error(source.position(path), f"'{value}' henviser ikke til {what}{hint}", "reference")


def period_bounds(periode: dict):
    return parse_date(periode["fra"]), parse_date(periode["til"], end=True)


def check_period(source, path=("periode",)) -> list[Finding]:
    start, end = period_bounds(source.data["periode"])
    if start and end and start > end:
        return [error(source.position(path + ("til",)),
                      f"perioden slutter ({danish.date_text(source.data['periode']['til'])}) før den begynder "
                      f"({danish.date_text(source.data['periode']['fra'])})", "periode")]
    return []


def value_text(value: dict, unit: str) -> str:
    """One baseline value as the form shows it: '19,3 % (375 unge)', '72 % (UP)'."""
    if value.get("tekst") and value.get("vaerdi") is None:
        shown = value["tekst"]
    else:
        shown = danish.percent(value["vaerdi"]) if unit == "procent" else danish.number(value["vaerdi"])
    extras = [value[k] for k in ("betegnelse",) if value.get(k)]
    if value.get("antal") is not None:
        extras.append(" ".join(x for x in (danish.number(value["antal"]), value.get("antal_enhed") or "") if x))
    if value.get("aar"):
        extras.append(str(value["aar"]))
    if value.get("tekst") and value.get("vaerdi") is not None:
        extras.append(value["tekst"])
    return shown + (f" ({', '.join(extras)})" if extras else "")


def values_text(values, unit: str) -> str:
    return "\n".join(value_text(v, unit) for v in values or [])
