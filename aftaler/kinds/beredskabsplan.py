"""Beredskabsplan: what the parties do in acute or difficult situations, and who is responsible."""
from __future__ import annotations

from .. import danish
from ..findings import Finding
from ._common import each
from .milepaelsplan import agreement_or_error, check_party, set_parties


def check(source, aset, context) -> list[Finding]:
    agreement, findings = agreement_or_error(source, aset)
    if agreement is None:
        return findings
    parties = set_parties(aset)
    for path, situation in each(source, "situationer"):
        findings += check_party(source, path + ("part",), situation["part"], parties)
    return findings


def model(source, aset, context) -> dict:
    data = source.data
    agreement = aset.one("samarbejdsaftale").data
    parties = set_parties(aset)
    return {
        **data,
        "titel": "Beredskabsplan",
        "navn": agreement["omraadets_navn"],
        "periode": agreement["periode"],
        "periode_tekst": danish.period(agreement["periode"]),
        "situationer": [dict(s, part_navn=parties[s["part"]]) for s in data["situationer"]],
    }
