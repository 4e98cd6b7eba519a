"""Milepælsplan: an attachment of milestones, each tied to an activity, an area or the whole effort."""
from __future__ import annotations

import re
from datetime import date, timedelta

from .. import danish
from ..danish import parse_date
from ..findings import Finding, error
from ._common import (
    activities,
    agreement_fields,
    agreement_or_error,
    area_names,
    check_party,
    dangling,
    each,
    period_bounds,
    set_parties,
)

_QUARTER = re.compile(r"^([1-4])\.\s+kvartal\s+(\d{4})$", re.IGNORECASE)


# ------------------------------------------------------------------ time spans


def span(text: str) -> tuple[date, date] | None:
    """The first and last day a tidspunkt covers: a day, a month or a quarter ('1. kvartal 2022')."""
    if m := _QUARTER.match(text.strip()):
        quarter, year = int(m[1]), int(m[2])
        following = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        return date(year, 3 * quarter - 2, 1), following - timedelta(days=1)
    start, end = parse_date(text), parse_date(text, end=True)
    return (start, end) if start and end else None


def span_text(text: str) -> str:
    """'2022-03-15' → '15. marts 2022'; a quarter as '1. kvartal 2022'."""
    if m := _QUARTER.match(text.strip()):
        return f"{m[1]}. kvartal {m[2]}"
    return danish.date_text(text)


# ------------------------------------------------------------------ rules


def check(source, aset, context) -> list[Finding]:
    agreement, findings = agreement_or_error(source, aset)
    if agreement is None:
        return findings
    parties = set_parties(aset)
    for path, milestone in each(source, "milepaele"):
        findings += check_party(source, path + ("part",), milestone["part"], parties)
        owner, problems = _owner(source, path, milestone, agreement, aset, context["catalogue"])
        findings += problems + _check_within(source, path + ("tidspunkt",), milestone["tidspunkt"], owner)
    return findings


def _owner(source, path, milestone, agreement, aset, catalogue):
    """The document whose period the milestone must fall in (its activity's or area's delaftale, else
    the agreement), and the findings if its activity or area does not resolve."""
    activity, area = milestone.get("aktivitet"), milestone.get("indsatsomraade")
    delaftaler = aset.of_kind("delaftale")
    if activity and area:
        return agreement, [error(source.position(path + ("indsatsomraade",), key=True),
                                 "skriv enten 'aktivitet' eller 'indsatsomraade', ikke begge "
                                 "(indsatsområdet følger af aktivitetens delaftale)", "reference")]
    if activity:
        owner = next((d for d in delaftaler if any(a["id"] == activity for a in d.data["aktiviteter"])), None)
        if owner is None:
            known = [a["id"] for d in delaftaler for a in d.data["aktiviteter"]]
            return agreement, [dangling(source, path + ("aktivitet",), activity, known, "en aktivitet i en delaftale")]
        return owner, []
    if area and area not in {a["omraade"] for a in agreement.data["indsatsomraader"]}:
        name = next((a["navn"] for a in catalogue["indsatsomraader"] if a["id"] == area), area)
        return agreement, [error(source.position(path + ("indsatsomraade",)),
                                 f"indsatsområdet '{name}' er ikke valgt i samarbejdsaftalen ({agreement.display})",
                                 "reference")]
    return next((d for d in delaftaler if area and d.data["indsatsomraade"] == area), agreement), []


def _check_within(source, path, text: str, owner) -> list[Finding]:
    """The milestone's day, month or quarter overlaps the period of the document it belongs to.

    Overlap, not containment: 'januar 2022' is a fair deadline for a period that starts on the 15th.
    """
    covered = span(text)
    start, end = period_bounds(owner.data["periode"])
    if covered is None or start is None or end is None:
        return []
    if covered[1] < start or covered[0] > end:
        which = "samarbejdsaftalens" if owner.kind == "samarbejdsaftale" else "delaftalens"
        return [error(source.position(path),
                      f"milepælen ({span_text(text)}) ligger uden for {which} periode "
                      f"({danish.period(owner.data['periode'])}, {owner.display})", "periode")]
    return []


# ------------------------------------------------------------------ model


def model(source, aset, context) -> dict:
    data = source.data
    agreement = aset.one("samarbejdsaftale").data
    parties = set_parties(aset)
    areas, activity_names = area_names(context["catalogue"]), activities(aset)
    rows = [_row(m, parties, areas, activity_names) for m in data["milepaele"]]
    return {
        **data,
        "titel": "Milepælsplan",
        **agreement_fields(agreement),
        "milepaele": sorted(rows, key=lambda r: _deadline(r["tidspunkt"])),
    }


def _row(milestone, parties, areas, activity_names) -> dict:
    activity_name, activity_area = activity_names.get(milestone.get("aktivitet"), ("", None))
    area = milestone.get("indsatsomraade") or activity_area
    area_name = areas.get(area, "") if area else ""
    return dict(
        milestone,
        tidspunkt_tekst=span_text(milestone["tidspunkt"]),
        aktivitet_navn=activity_name,
        indsatsomraade=area,
        indsatsomraade_navn=area_name,
        tilknytning=_attachment_text(activity_name, area_name),
        part_navn=parties[milestone["part"]],
    )


def _deadline(text: str) -> tuple[date, date]:
    """Sort key: by the last day, then the first (15. marts before 1. kvartal); sorted() keeps ties in order."""
    start, end = span(text)
    return end, start


def _attachment_text(activity: str, area: str) -> str:
    """'Superkræfter (Uddannelse og livschancer)', 'Beskæftigelse' or 'Tværgående'."""
    if activity:
        return f"{activity} ({area})" if area else activity
    return area or "Tværgående"
