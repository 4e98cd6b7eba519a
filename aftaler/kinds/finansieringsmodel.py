"""Finansieringsmodel (indstilling): a funding model for a volunteer programme with a one-year budget.

Amounts are whole 1.000 kr. The budget's total, its rounded form ("1,4 mio. kr."), the group sums
and the amount of the source that covers the rest are computed here, never typed. The money and
number helpers it uses, shared with the other municipal kinds, live in _common.
"""
from __future__ import annotations

from .. import danish
from ..danish import parse_date
from ..findings import Finding, error
from ._common import (
    THOUSAND,
    computed_findings,
    difference_text,
    each,
    looks_like_kr,
    mio_text,
    number_words,
    unit_finding,
)

# ---------------------------------------------------------------- rules


def check(source, aset, context) -> list[Finding]:
    findings = computed_findings(source, ("budget",), ("i_alt",), "summen af alle udgiftsposter")
    for gpath, _ in each(source, "budget", "grupper"):
        findings += computed_findings(source, gpath, ("i_alt",), "summen af gruppens linjer")
        for lpath, line in each(source, *gpath, "linjer"):
            if looks_like_kr(line["beloeb"]):
                findings.append(unit_finding(source, lpath + ("beloeb",), line["beloeb"]))
    for fpath, part in each(source, "budget", "finansiering"):
        if part.get("beloeb") is not None and looks_like_kr(part["beloeb"]):
            findings.append(unit_finding(source, fpath + ("beloeb",), part["beloeb"]))
    findings += _check_financing(source)
    findings += _check_deadline(source)
    return findings


def _check_financing(source) -> list[Finding]:
    """Either an amount or `resten: true` per source, at most one rest, and the sources cover the total."""
    budget = source.data["budget"]
    findings, rest_path = [], None
    for path, part in each(source, "budget", "finansiering"):
        has_amount, is_rest = part.get("beloeb") is not None, bool(part.get("resten"))
        if has_amount and is_rest:
            findings.append(error(source.position(path + ("resten",), key=True),
                                  f"'{part['kilde']}' har både et beløb og resten: true; slet det ene "
                                  "(restbeløbet beregnes)", "finansiering"))
        elif not has_amount and not is_rest:
            findings.append(error(source.position(path), f"'{part['kilde']}' mangler et beløb (eller resten: true, "
                                                         "hvis kilden dækker resten)", "finansiering"))
        elif is_rest and rest_path is not None:
            findings.append(error(source.position(path + ("resten",), key=True),
                                  "kun én kilde kan dække resten af budgettet", "finansiering"))
        elif is_rest:
            rest_path = path
    if findings:
        return findings
    total = budget_total(budget)
    fixed = sum(p.get("beloeb") or 0 for p in budget["finansiering"] if not p.get("resten"))
    where = source.position(("budget", "finansiering"), key=True)
    if rest_path is None and fixed != total:
        return [error(where, f"finansieringen ({danish.number(fixed)}) svarer ikke til budgettet "
                             f"({danish.number(total)}); der er {difference_text(fixed - total)}", "finansiering")]
    if rest_path is not None and fixed > total:
        return [error(where, f"de faste bidrag ({danish.number(fixed)}) er større end budgettet "
                             f"({danish.number(total)}); der er ingen rest at dække", "finansiering")]
    return []


def _check_deadline(source) -> list[Finding]:
    """The success criteria are judged by the end of the year the budget pays for."""
    year = source.data["budget"]["aar"]
    frist = source.data["succeskriterier"]["frist"]
    deadline = parse_date(frist, end=True)
    if deadline and deadline.year != year:
        return [error(source.position(("succeskriterier", "frist")),
                      f"fristen for succeskriterierne ({danish.date_text(frist, end=True)}) ligger uden for "
                      f"budgetåret {year}", "frist")]
    return []


# ---------------------------------------------------------------- model


def budget_total(budget: dict) -> int:
    return sum(line["beloeb"] for group in budget["grupper"] for line in group["linjer"])


def criterion_text(criterion: dict) -> str:
    """'Minimum tre lokale foreninger af frivillige bydelsmødre er etableret i København'."""
    minimum = criterion.get("minimum")
    if not minimum:
        return criterion["tekst"]
    return f"Minimum {number_words(minimum['antal'])} {minimum['enhed']} {criterion['tekst']}"


def budget_model(budget: dict) -> dict:
    """The budget with every sum, the rounded total and the rest a source covers."""
    groups = [dict(g, i_alt=sum(line["beloeb"] for line in g["linjer"])) for g in budget["grupper"]]
    total = sum(g["i_alt"] for g in groups)
    fixed = sum(p.get("beloeb") or 0 for p in budget["finansiering"] if not p.get("resten"))
    financing = [dict(p, beloeb=(total - fixed) if p.get("resten") else p["beloeb"]) for p in budget["finansiering"]]
    financing = [dict(p, mio_tekst=mio_text(p["beloeb"] * THOUSAND)) for p in financing]
    return {
        **budget,
        "grupper": groups,
        "i_alt": total,
        "i_alt_kr": total * THOUSAND,
        "i_alt_mio_tekst": mio_text(total * THOUSAND),
        "finansiering": financing,
        "finansiering_i_alt": sum(p["beloeb"] for p in financing),
    }


def model(source, aset, context) -> dict:
    data = source.data
    criteria = data["succeskriterier"]
    return {
        **data,
        "titel": data["navn"],
        "koordinator": dict(data["koordinator"],
                            stilling_tekst="fuldtidsstilling" if data["koordinator"]["stilling"] == "fuldtid"
                            else "deltidsstilling"),
        "succeskriterier": dict(criteria, kriterier=[dict(k, kriterie_tekst=criterion_text(k))
                                                     for k in criteria["kriterier"]]),
        "budget": budget_model(data["budget"]),
    }
