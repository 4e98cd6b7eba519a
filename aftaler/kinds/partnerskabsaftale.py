"""Partnerskabsaftale: the municipality and an NGO — grant, result targets, volunteer groups, status.

The optional `status` section reports what was reached per target; whether a target is met
(nået / i gang / ikke nået / ingen data) is computed by the small pure functions at the end of
this module, kept apart so that status notes of other kinds can share them: a target not yet met
is "i gang" until its deadline has passed on the status date, and only then "ikke nået".
"""
from __future__ import annotations

from .. import danish
from ..danish import parse_date
from ..findings import Finding, error
from ._common import (
    THOUSAND,
    check_period,
    computed_findings,
    dangling,
    each,
    looks_like_kr,
    number_words,
    period_bounds,
    unit_finding,
)

GROUP_STATUS = {"etableret": "Etableret", "overtaget": "Overtaget og forankret", "under-etablering": "Under etablering"}
PARTY_TYPES = {"kommune": "Kommune", "organisation": "Organisation", "anden": "Anden part"}


# ---------------------------------------------------------------- rules


def check(source, aset, context) -> list[Finding]:
    data = source.data
    findings = check_period(source)
    start, end = period_bounds(data["periode"])
    parties = {p["id"] for p in data["parter"]}
    grant = data["bevilling"]
    for key in ("fra", "til"):
        if grant[key] not in parties:
            findings.append(dangling(source, ("bevilling", key), grant[key], parties, "en af aftalens parter"))
    if grant["enhed"] == "1000-kr" and looks_like_kr(grant["beloeb"]):
        findings.append(unit_finding(source, ("bevilling", "beloeb"), grant["beloeb"]))

    named = data["boligomraader"].get("omraader") or []
    if len(named) > data["boligomraader"]["antal"]:
        findings.append(error(source.position(("boligomraader", "antal")),
                              f"aftalen dækker {data['boligomraader']['antal']} boligområder, men {len(named)} er "
                              "navngivet; antallet skal mindst være de navngivne", "omraader"))
    findings += _check_targets(source, start, end)

    area_ids = {a["id"] for a in named}
    for path, group in each(source, "grupper"):
        if group.get("boligomraade") and group["boligomraade"] not in area_ids:
            findings.append(dangling(source, path + ("boligomraade",), group["boligomraade"], area_ids,
                                     "et navngivet boligområde"))
        started = parse_date(group["fra"]) if group.get("fra") else None
        if started and start and end and not start <= started <= end:
            findings.append(error(source.position(path + ("fra",)),
                                  f"gruppen '{group['navn']}' starter {danish.date_text(group['fra'])}, uden for "
                                  f"aftalens periode ({danish.period(data['periode'])})", "periode"))
    return findings + _check_status(source, start)


def _check_targets(source, start, end) -> list[Finding]:
    """Every deadline inside the agreement's period, and a target's deadlines in time order."""
    periode = danish.period(source.data["periode"])
    findings = []
    for gpath, goal in each(source, "resultatmaal"):
        previous = None
        for path, target in each(source, *gpath, "maalsaetninger"):
            deadline = parse_date(target["frist"], end=True)
            shown = danish.date_text(target["frist"], end=True)
            if deadline and start and end and not start <= deadline <= end:
                findings.append(error(source.position(path + ("frist",)),
                                      f"fristen {shown} for '{goal['maal']}' ligger uden for aftalens periode "
                                      f"({periode})", "frist"))
            elif deadline and previous and deadline <= previous:
                findings.append(error(source.position(path + ("frist",)),
                                      f"målsætningerne for '{goal['maal']}' skal stå i tidsorden; {shown} kommer ikke "
                                      "efter den forrige frist", "raekkefoelge"))
            previous = deadline or previous
    return findings


def _check_status(source, start) -> list[Finding]:
    """Results point at a target, once each, measured between the start and the status date."""
    status = source.data.get("status")
    if not status:
        return []
    targets = {t["id"] for g in source.data["resultatmaal"] for t in g["maalsaetninger"]}
    status_date = parse_date(status["dato"], end=True)
    findings = []
    if status_date and start and status_date < start:
        findings.append(error(source.position(("status", "dato")),
                              f"statusdatoen {danish.date_text(status['dato'])} ligger før aftalen begyndte", "dato"))
    seen: dict[str, int] = {}
    for path, result in each(source, "status", "resultater"):
        findings += computed_findings(source, path, ("status",), "nået, i gang, ikke nået eller ingen data")
        ref = result["maalsaetning"]
        if ref not in targets:
            findings.append(dangling(source, path + ("maalsaetning",), ref, targets, "en målsætning under resultatmål"))
        elif ref in seen:
            findings.append(error(source.position(path + ("maalsaetning",)),
                                  f"målsætningen '{ref}' har allerede et resultat (linje {seen[ref]}); én status pr. "
                                  "målsætning", "status"))
        seen.setdefault(ref, source.position(path).line)
        first, last = parse_date(result["dato"]), parse_date(result["dato"], end=True)
        shown = danish.date_text(result["dato"])
        if last and start and last < start:
            findings.append(error(source.position(path + ("dato",)),
                                  f"resultatet er opgjort {shown}, før aftalen begyndte", "dato"))
        elif first and status_date and first > status_date:
            findings.append(error(source.position(path + ("dato",)),
                                  f"resultatet er opgjort {shown}, efter statusdatoen "
                                  f"{danish.date_text(status['dato'])}", "dato"))
    return findings


# ---------------------------------------------------------------- model


def model(source, aset, context) -> dict:
    data = source.data
    parties = {p["id"]: p for p in data["parter"]}
    grant = data["bevilling"]
    kr = grant["beloeb"] * (THOUSAND if grant["enhed"] == "1000-kr" else 1)
    areas = {a["id"]: a["navn"] for a in data["boligomraader"].get("omraader") or []}
    status = data.get("status")
    return {
        **data,
        "titel": f"Partnerskabsaftale: {data['navn']}",
        "periode_tekst": danish.period(data["periode"]),
        "parter": [dict(p, type_tekst=PARTY_TYPES[p["type"]]) for p in data["parter"]],
        "bevilling": dict(grant, beloeb_kr=kr, beloeb_tekst=f"{danish.number(kr)} kr.",
                          fra_navn=parties[grant["fra"]]["navn"], til_navn=parties[grant["til"]]["navn"]),
        "maalraekker": target_rows(data["resultatmaal"]),
        "grupper": [dict(g, status_tekst=GROUP_STATUS[g["status"]], aabent_tekst=opening_text(g.get("aabent")),
                         boligomraade_navn=areas.get(g.get("boligomraade"), ""),
                         fra_tekst=danish.date_text(g["fra"]) if g.get("fra") else "")
                    for g in data.get("grupper") or []],
        "status": None if not status else status_model(data["resultatmaal"], status),
    }


def target_rows(goals) -> list[dict]:
    """The result-target table: one row per target, the goal's text on its first row only."""
    return [{"id": t["id"], "maal": goal["maal"] if i == 0 else "",
             "maalsaetning_tekst": amount_text(t["antal"], goal["enhed"]),
             "frist_tekst": danish.date_text(t["frist"], end=True)}
            for goal in goals for i, t in enumerate(goal["maalsaetninger"])]


def opening_text(opening) -> str:
    """{'dage_pr_uge': 2, 'note': …} → 'to dage om ugen (…)'."""
    if not opening:
        return ""
    days = opening["dage_pr_uge"]
    text = f"{number_words(days)} {'dag' if days == 1 else 'dage'} om ugen"
    return text + (f" ({opening['note']})" if opening.get("note") else "")


# ---------------------------------------------------------------- status (pure, shareable)

NAAET, IKKE_NAAET, I_GANG, INGEN_DATA = "nået", "ikke nået", "i gang", "ingen data"
STATUSES = (NAAET, I_GANG, IKKE_NAAET, INGEN_DATA)


def target_status(target: int, reached: int | None, deadline: str | None = None, status_date: str | None = None) -> str:
    """The one rule for a target's status: met when what was reached is at least the target; not
    yet met before its deadline is "i gang" (the status note still expects it), "ikke nået" only
    once the deadline has passed on the status date; no figure means no data."""
    if reached is None:
        return INGEN_DATA
    if reached >= target:
        return NAAET
    due, today = (parse_date(deadline, end=True) if deadline else None), (parse_date(status_date) if status_date else None)
    if due is not None and today is not None and due > today:
        return I_GANG
    return IKKE_NAAET


def amount_text(number: int, unit: str, approximate: bool = False) -> str:
    """'120 frivillige', 'ca. 670 brugere'."""
    return f"{'ca. ' if approximate else ''}{danish.number(number)} {unit}"


def share_text(reached: int, target: int) -> str:
    """What was reached as a share of the target, '117 %'; empty for a target of 0."""
    return danish.percent(reached / target * 100, 0) if target else ""


def status_rows(goals, results, status_date: str | None = None) -> list[dict]:
    """One row per target: the target, what was reached (if reported) and the computed status
    on `status_date` (the status note's date)."""
    by_target = {r["maalsaetning"]: r for r in results}
    rows = []
    for goal in goals:
        for i, target in enumerate(goal["maalsaetninger"]):
            result = by_target.get(target["id"])
            reached = result["opnaaet"] if result else None
            rows.append({
                "id": target["id"],
                "maal": goal["maal"] if i == 0 else "",
                "maalsaetning_tekst": f"{amount_text(target['antal'], goal['enhed'])} senest "
                                      f"{danish.date_text(target['frist'], end=True)}",
                "opnaaet_tekst": amount_text(reached, goal["enhed"], bool(result.get("cirka"))) if result else "",
                "andel_tekst": share_text(reached, target["antal"]) if result else "",
                "opgjort_tekst": danish.date_text(result["dato"]) if result else "",
                "kilde": result["kilde"] if result else "",
                "note": (result.get("note") or "") if result else "",
                "status": target_status(target["antal"], reached, target.get("frist"), status_date),
            })
    return rows


def status_summary(rows) -> str:
    """'2 nået, 1 i gang, 1 ikke nået, 1 uden data' — counts of the computed statuses ("i gang"
    only when there is one)."""
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in STATUSES}
    going = f"{counts[I_GANG]} i gang, " if counts[I_GANG] else ""
    return f"{counts[NAAET]} nået, {going}{counts[IKKE_NAAET]} ikke nået, {counts[INGEN_DATA]} uden data"


def status_model(goals, status: dict) -> dict:
    rows = status_rows(goals, status["resultater"], status.get("dato"))
    return dict(status, dato_tekst=danish.date_text(status["dato"]), raekker=rows, opsummering=status_summary(rows))
