"""Puljeudmøntning: grant pools released by a committee decision, with amounts per year.

Amounts are whole 1.000 kr. per year. Sums per year, totals, the amounts in mio. kr. and the unit
price per expected case (a pool's own, and the whole grant's: 2,0 mio. kr. a year for ≈90
matches is ≈22.000 kr. per match) are computed here, never typed.
"""
from __future__ import annotations

from .. import danish
from ..danish import parse_date
from ..findings import Finding, error
from ._common import (
    THOUSAND,
    approx_kr_text,
    at,
    check_period,
    computed_findings,
    dangling,
    difference_text,
    each,
    joined,
    looks_like_kr,
    mio_text,
    period_bounds,
    unit_finding,
)

DECISIONS = {
    "godkendt": "Indstillingen blev godkendt.",
    "godkendt-med-aendringer": "Indstillingen blev godkendt med ændringer.",
    "ikke-godkendt": "Indstillingen blev ikke godkendt.",
    "udsat": "Sagen blev udsat.",
}


# ---------------------------------------------------------------- rules


def check(source, aset, context) -> list[Finding]:
    data = source.data
    findings = check_period(source)
    start, end = period_bounds(data["periode"])
    years = list(range(start.year, end.year + 1)) if start and end and start <= end else []

    unit = data["puljer"][0]["forventet"]["enhed"]
    for path, pool in each(source, "puljer"):
        findings += computed_findings(source, path, ("enhedspris",), "puljens beløb pr. år delt med det forventede antal")
        findings += _check_years(source, path + ("beloeb",), pool["navn"], years)
        age = pool["maalgruppe"].get("alder")
        if age and age["fra"] > age["til"]:
            findings.append(error(source.position(path + ("maalgruppe", "alder", "til")),
                                  f"aldersgruppen for '{pool['navn']}' slutter ({age['til']} år) før den begynder "
                                  f"({age['fra']} år)", "alder"))
        if pool["forventet"]["enhed"] != unit:
            findings.append(error(source.position(path + ("forventet", "enhed")),
                                  f"alle puljer skal tælle det forventede omfang i samme enhed ('{unit}', ikke "
                                  f"'{pool['forventet']['enhed']}'); ellers kan der ikke beregnes en samlet enhedspris",
                                  "enhed"))
    for path, cost in each(source, "faelles_udgifter"):
        findings += _check_years(source, path + ("beloeb",), cost["tekst"], years)
    if data.get("bevilling_pr_aar") is not None and looks_like_kr(data["bevilling_pr_aar"]):
        findings.append(unit_finding(source, ("bevilling_pr_aar",), data["bevilling_pr_aar"]))
    if not findings:
        findings += _check_grant(source, years)
    return findings + _check_decisions(source)


def _check_years(source, path, label: str, years: list[int]) -> list[Finding]:
    """Amounts for exactly the period's years, each in 1.000 kr."""
    amounts = at(source.data, path)
    findings = []
    for year, amount in amounts.items():
        if years and int(year) not in years:
            findings.append(error(source.position(path + (year,), key=True),
                                  f"'{label}': året {year} ligger uden for perioden ({years[0]}-{years[-1]})", "aar"))
        elif looks_like_kr(amount):
            findings.append(unit_finding(source, path + (year,), amount))
    missing = [str(y) for y in years if str(y) not in amounts]
    if missing:
        findings.append(error(source.position(path, key=True),
                              f"'{label}' mangler et beløb for {joined(missing)} (skriv 0, hvis der intet er det år)",
                              "aar"))
    return findings


def _check_grant(source, years: list[int]) -> list[Finding]:
    """Pools and common costs add up to the grant, year by year."""
    grant = source.data.get("bevilling_pr_aar")
    if grant is None:
        return []
    findings = []
    for year, total in zip(years, year_sums(source.data, years)):
        if total != grant:
            findings.append(error(source.position(("bevilling_pr_aar",)),
                                  f"puljer og fælles udgifter giver {danish.number(total)} i {year}, men bevillingen er "
                                  f"{danish.number(grant)} om året; der er fordelt {difference_text(total - grant)}",
                                  "balance"))
    return findings


def _check_decisions(source) -> list[Finding]:
    """A decision names one of the bodies the paper is put to, and is not dated before the paper."""
    bodies = {b["id"] for b in source.data["behandling"]}
    paper = parse_date(source.data["dato"]) if source.data.get("dato") else None
    findings = []
    for path, decision in each(source, "beslutninger"):
        if decision["organ"] not in bodies:
            findings.append(dangling(source, path + ("organ",), decision["organ"], bodies,
                                     "et udvalg under 'behandling'"))
        met = parse_date(decision["dato"], end=True)
        if paper and met and met < paper:
            findings.append(error(source.position(path + ("dato",)),
                                  f"beslutningen er dateret {danish.date_text(decision['dato'])}, før indstillingens dato "
                                  f"({danish.date_text(source.data['dato'])})", "dato"))
    return findings


# ---------------------------------------------------------------- model


def year_list(data) -> list[int]:
    start, end = period_bounds(data["periode"])
    return list(range(start.year, end.year + 1))


def year_sums(data, years: list[int]) -> list[int]:
    lines = [*data["puljer"], *(data.get("faelles_udgifter") or [])]
    return [sum(line["beloeb"].get(str(y), 0) for line in lines) for y in years]


def per_year_kr(amounts: list[int]) -> float:
    """Average amount per year in kr. (amounts are in 1.000 kr.)."""
    return sum(amounts) * THOUSAND / len(amounts) if amounts else 0


def unit_price(amounts: list[int], volume: int) -> float:
    """kr. per expected case a year: the average yearly amount divided by the yearly volume."""
    return per_year_kr(amounts) / volume


def yearly_text(amounts: list[int]) -> str:
    """'2,0 mio. kr. årligt' when every year is the same; otherwise per year."""
    if len(set(amounts)) == 1:
        return f"{mio_text(amounts[0] * THOUSAND)} årligt"
    return ", ".join(mio_text(a * THOUSAND) for a in amounts)


def _line(line: dict, years: list[int]) -> dict:
    amounts = [line["beloeb"].get(str(y), 0) for y in years]
    return dict(line, beloeb_liste=amounts, i_alt=sum(amounts), pr_aar_tekst=yearly_text(amounts))


def _pool(pool: dict, years: list[int]) -> dict:
    result = _line(pool, years)
    expected = pool["forventet"]
    price = unit_price(result["beloeb_liste"], expected["antal"])
    age = pool["maalgruppe"].get("alder")
    return dict(result,
                alder_tekst=f"{age['fra']}–{age['til']} år" if age else "",
                forventet_tekst=f"{'ca. ' if expected.get('cirka') else ''}{expected['antal']} {expected['enhed']} om året",
                enhedspris=price,
                enhedspris_tekst=f"{approx_kr_text(price, bool(expected.get('cirka')))} pr. {expected['enhed']}")


def model(source, aset, context) -> dict:
    data = source.data
    years = year_list(data)
    pools = [_pool(p, years) for p in data["puljer"]]
    common = [dict(_line(c, years), navn=c["tekst"]) for c in data.get("faelles_udgifter") or []]
    sums = year_sums(data, years)
    volume = sum(p["forventet"]["antal"] for p in data["puljer"])
    estimated = any(p["forventet"].get("cirka") for p in data["puljer"])
    unit = data["puljer"][0]["forventet"]["enhed"]
    price = unit_price(sums, volume)
    bodies = {b["id"]: b["navn"] for b in data["behandling"]}
    return {
        **data,
        "titel": data["navn"],
        "periode_tekst": danish.period(data["periode"]),
        "aar": years,
        "indstillende_tekst": joined([b["navn"] for b in data["indstillende"]]),
        "behandling_tekst": joined([b["navn"] for b in data["behandling"]]),
        "indstilling": [dict(p, nr=i) for i, p in enumerate(data["indstilling"], start=1)],
        "puljer": pools,
        "faelles_udgifter": common,
        "aar_sum": sums,
        "i_alt": sum(sums),
        "i_alt_mio_tekst": mio_text(sum(sums) * THOUSAND),
        "pr_aar_tekst": yearly_text(sums),
        "forventet_i_alt": volume,
        "forventet_i_alt_tekst": f"{'ca. ' if estimated else ''}{volume} {unit} om året",
        "enhedspris": price,
        "enhedspris_tekst": f"{approx_kr_text(price, estimated)} pr. {unit}",
        "beslutninger": [dict(d, organ_navn=bodies.get(d["organ"], d["organ"]),
                              dato_tekst=danish.date_text(d["dato"]), beslutning_tekst=DECISIONS[d["beslutning"]])
                         for d in data.get("beslutninger") or []],
    }
