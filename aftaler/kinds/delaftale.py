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
            if role.get("part") and role.get("ansvarlig"):
                findings.append(error(source.position(path + ("ansvar", i, "ansvarlig")),
                                      "skriv enten 'part' (en af delaftalens parter) eller 'ansvarlig' (en anden), "
                                      "ikke begge", "ansvar"))
            elif role.get("part") and role["part"] not in parties:
                findings.append(dangling(source, path + ("ansvar", i, "part"), role["part"], parties,
                                         "en af delaftalens parter (eller 'helhedsplanen')"))
    for path, goal in each(source, "delmaal"):
        if not goal.get("indikatorer"):
            # allowed, so no one invents an indicator; but the form asks for a way to follow up
            findings.append(warning(source.position(path + ("delmaal",)),
                                    f"delmålet «{goal['delmaal']}» har ingen indikatorer; tilføj mindst én, så "
                                    "delmålet kan følges op", "indikatorer"))
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
        # the optional texts are always there, empty when not written (templates run StrictUndefined)
        "formaal": data.get("formaal", ""),
        "aktiviteter_indledning": data.get("aktiviteter_indledning", ""),
        "medarbejderressourcer_tekst": data.get("medarbejderressourcer_tekst", ""),
        "parter": [party_model(p) for p in data["parter"]],
        "delmaalsraekker": goal_rows(data["delmaal"]),
        "aktiviteter": [dict(a, ansvar=[dict(r, part_navn=parties[r["part"]] if r.get("part") else r["ansvarlig"])
                                        for r in a["ansvar"]])
                        for a in data["aktiviteter"]],
        "medarbejderressourcer": staff,
    }


def party_model(party: dict) -> dict:
    """A party as the templates show it: its name, every contact person in the order written
    (`kontaktperson`, then `kontaktpersoner`) and its units, each with the same."""
    people = ([party["kontaktperson"]] if party.get("kontaktperson") else []) + list(party.get("kontaktpersoner") or [])
    # a unit keeps its schema's fields only (check-template knows a list item by its schema)
    units = [dict(u, tekst=u.get("tekst", ""), kontaktpersoner=list(u.get("kontaktpersoner") or []))
             for u in party.get("enheder") or []]
    return dict(party, visningsnavn=party_name(party), kontakter=people, kontakt_tekst=contacts_text(people),
                enheder=units, beskrivelse=party.get("beskrivelse", ""))


def contacts_text(people: list[dict]) -> str:
    """'Anna Hansen, Formand, anna@example.dk; Bo Jensen, tlf. 12 34 56 78' (the form's one line)."""
    return "; ".join(
        p["navn"] + "".join(f", {p[k]}" for k in ("titel", "email") if p.get(k))
        + (f", tlf. {p['telefon']}" if p.get("telefon") else "")
        for p in people)


def goal_rows(delmaal) -> list[dict]:
    """The Delmål table: one row per indicator, the delmål written on its first row only; a
    delmål without indicators gets a row of its own with the other cells empty."""
    rows = []
    for goal in delmaal:
        if not goal.get("indikatorer"):
            rows.append({"id": goal["id"], "delmaal": goal["delmaal"], "delmaal_fodnote": goal.get("fodnote", ""),
                         "indikator": "", "fodnote": "", "baseline": "",
                         "anden_baseline": "", "baseline_vaerdier": [], "anden_baseline_vaerdier": [],
                         "baseline_aar": "", "datakilde": ""})
        for i, ind in enumerate(goal.get("indikatorer") or []):
            unit = ind.get("enhed", "tal")
            rows.append({
                "id": ind["id"],
                "delmaal": goal["delmaal"] if i == 0 else "",
                "delmaal_fodnote": goal.get("fodnote", "") if i == 0 else "",
                "indikator": ind["indikator"],
                "fodnote": ind.get("fodnote", ""),
                "baseline": values_text(ind["baseline"], unit),
                "anden_baseline": values_text(ind.get("anden_baseline"), unit),
                "baseline_vaerdier": values_raw(ind["baseline"], unit),  # the same, as data
                "anden_baseline_vaerdier": values_raw(ind.get("anden_baseline"), unit),
                "baseline_aar": str(ind.get("baseline_aar", "")),
                "datakilde": ind.get("datakilde", ""),
            })
    return rows
