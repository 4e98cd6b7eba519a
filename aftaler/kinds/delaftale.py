"""Delaftale: one per chosen indsatsområde; names and staff come from the strategic agreement."""
from __future__ import annotations

from .. import danish
from ..findings import Finding, error, warning
from ._common import (
    HELHEDSPLANEN,
    activities,
    agreement_or_error,
    area_names,
    check_period,
    dangling,
    each,
    party_name,
    period_bounds,
    values_raw,
    values_text,
)
from .samarbejdsaftale import staff_shares_text


def check(source, aset, context) -> list[Finding]:
    findings = check_period(source)
    agreement, missing = agreement_or_error(source, aset)
    if agreement is None:
        return findings + missing
    start, end = period_bounds(source.data["periode"])
    outer_start, outer_end = period_bounds(agreement.data["periode"])
    outer = danish.period(agreement.data["periode"])
    if start and outer_start and start < outer_start:
        findings.append(error(source.position(("periode", "fra")),
                              f"delaftalen begynder før samarbejdsaftalens periode ({outer})", "periode"))
    if end and outer_end and end > outer_end:
        findings.append(error(source.position(("periode", "til")),
                              f"delaftalen slutter efter samarbejdsaftalens periode ({outer})", "periode"))
    elif end and outer_end and end.year < outer_end.year:
        # What a period extension leaves behind: the agreement runs on, the delaftale stops.
        findings.append(warning(source.position(("periode", "til")),
                                f"delaftalen slutter {danish.date_text(source.data['periode']['til'], end=True)}, "
                                f"før samarbejdsaftalens periode ({outer}); er aftalen forlænget, så forlæng også "
                                "delaftalen", "periode"))

    parties = {p["id"] for p in source.data["parter"]} | {HELHEDSPLANEN}
    for path, activity in each(source, "aktiviteter"):
        for i, role in enumerate(activity["ansvar"]):
            if role["part"] not in parties:
                findings.append(dangling(source, path + ("ansvar", i, "part"), role["part"], parties,
                                         "en af delaftalens parter (eller 'helhedsplanen')"))
    return findings


def model(source, aset, context) -> dict:
    data, catalogue = source.data, context["catalogue"]
    agreement = aset.one("samarbejdsaftale").data
    areas, activity_names = area_names(catalogue), activities(aset)
    area = data["indsatsomraade"]
    parties = {p["id"]: party_name(p) for p in data["parter"]} | {HELHEDSPLANEN: "Helhedsplanen"}
    own = {a["id"] for a in data["aktiviteter"]}
    staff = [
        {"titel": m["titel"], "stilling": m.get("stilling", ""),
         "fordeling_tekst": staff_shares_text(m, activity_names, areas)}
        for m in agreement["organisering"].get("medarbejdere", [])
        if any(s.get("aktivitet") in own or s.get("indsatsomraade") == area for s in m.get("fordeling", []))
    ]
    return {
        **data,
        "navn": agreement["omraadets_navn"],
        "indsatsomraade_navn": areas[area],
        "titel": f"Delaftale for indsatsområdet {areas[area]}",
        "periode_tekst": danish.period(data["periode"]),
        "parter": [dict(p, visningsnavn=party_name(p)) for p in data["parter"]],
        "delmaalsraekker": goal_rows(data["delmaal"]),
        "aktiviteter": [dict(a, ansvar=[dict(r, part_navn=parties[r["part"]]) for r in a["ansvar"]])
                        for a in data["aktiviteter"]],
        "medarbejderressourcer": staff,
    }


def goal_rows(delmaal) -> list[dict]:
    """The Delmål table: one row per indicator, the delmål written on its first row only."""
    rows = []
    for goal in delmaal:
        for i, ind in enumerate(goal["indikatorer"]):
            unit = ind.get("enhed", "tal")
            rows.append({
                "id": ind["id"],
                "delmaal": goal["delmaal"] if i == 0 else "",
                "indikator": ind["indikator"],
                "baseline": values_text(ind["baseline"], unit),
                "anden_baseline": values_text(ind.get("anden_baseline"), unit),
                "baseline_vaerdier": values_raw(ind["baseline"], unit),  # the same, as data
                "anden_baseline_vaerdier": values_raw(ind.get("anden_baseline"), unit),
                "baseline_aar": str(ind.get("baseline_aar", "")),
                "datakilde": ind.get("datakilde", ""),
            })
    return rows
