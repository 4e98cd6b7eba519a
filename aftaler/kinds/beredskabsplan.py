"""Beredskabsplan: what the parties do in acute or difficult situations, and who is responsible."""
from __future__ import annotations

from ..findings import Finding
from ._common import (
    agreement_fields,
    agreement_or_error,
    check_party,
    each,
    set_parties,
)


def check(source, aset, context) -> list[Finding]:
    agreement, findings = agreement_or_error(source, aset)
    if agreement is None:
        return findings
    parties = set_parties(aset)
    return [finding for path, situation in each(source, "situationer")
            for finding in check_party(source, path + ("part",), situation["part"], parties)]


def model(source, aset, context) -> dict:
    data = source.data
    agreement = aset.one("samarbejdsaftale").data
    parties = set_parties(aset)
    return {
        **data,
        "titel": "Beredskabsplan",
        **agreement_fields(agreement),
        "situationer": [dict(s, part_navn=parties[s["part"]]) for s in data["situationer"]],
    }
