"""Målinger: measured values per indicator and year, the data the status note follows up on.

The file names indicators by id: the catalogue's fixed indicators (section 5 of the strategic
agreement) and the delmål indicators of the set's delaftaler. Rules checked here: the id is
known, each year or date lies in the agreement's period and appears once, a percentage lies
between 0 and 100, and a sub-area label (betegnelse) is one the baseline uses.
"""
from __future__ import annotations

from .. import danish
from ..danish import parse_date
from ..findings import Finding, error, warning
from ._common import agreement_or_error, dangling, each, period_bounds

AREA, MUNICIPALITY = "boligomraade", "kommune"
PERCENT = "procent"


def known_indicators(aset, catalogue) -> dict[str, dict]:
    """Every indicator the set follows up, by id, in reading order: fixed ones, then delmål ones.

    Each entry has the indicator's text, unit, baselines (area and municipality), baseline
    year, data source, target (`maal`, or None) and the goal or delmål it belongs to.
    """
    agreement = aset.one("samarbejdsaftale")
    rows = {r["indikator"]: r for r in agreement.data.get("maal_og_indikatorer", [])} if agreement else {}
    result = {}
    for goal in catalogue.get("maal") or []:
        for ind in goal["indikatorer"]:
            row = rows.get(ind["id"], {})
            result[ind["id"]] = {
                "id": ind["id"], "tekst": ind["tekst"], "enhed": ind["enhed"], "retning": ind.get("retning"),
                "baseline": row.get("baseline_boligomraade") or [], "kommune": row.get("baseline_kommune") or [],
                "baseline_aar": row.get("baseline_aar"), "datakilde": row.get("datakilde") or ind["datakilde"],
                "maal": row.get("maal"), "del": "maal", "gruppe_id": goal["id"], "gruppe": goal["tekst"],
                "omraade": None,
            }
    for delaftale in aset.of_kind("delaftale"):
        for goal in delaftale.data["delmaal"]:
            for ind in goal.get("indikatorer") or []:
                result[ind["id"]] = {
                    "id": ind["id"], "tekst": ind["indikator"], "enhed": ind.get("enhed") or "tal", "retning": None,
                    "baseline": ind.get("baseline") or [], "kommune": ind.get("anden_baseline") or [],
                    "baseline_aar": ind.get("baseline_aar"), "datakilde": ind.get("datakilde"),
                    "maal": ind.get("maal"), "del": "delmaal", "gruppe_id": goal["id"], "gruppe": goal["delmaal"],
                    "omraade": delaftale.data["indsatsomraade"],
                }
    return result


def check(source, aset, context) -> list[Finding]:
    agreement, findings = agreement_or_error(
        source, aset, "aftalesættet mangler en strategisk samarbejdsaftale, som målingerne hører til")
    if agreement is None:
        return findings
    known = known_indicators(aset, context["catalogue"])
    period = period_bounds(agreement.data["periode"])
    seen = {}
    for path, entry in each(source, "indikatorer"):
        ident = entry["indikator"]
        if ident in seen:
            findings.append(error(source.position(path + ("indikator",)),
                                  f"indikatoren '{ident}' har allerede målinger i linje {seen[ident]}; "
                                  "saml dem under ét punkt", "dublet"))
            continue
        seen[ident] = source.position(path + ("indikator",)).line
        info = known.get(ident)
        if info is None:
            findings.append(dangling(source, path + ("indikator",), ident, known,
                                     "en indikator i aftalesættet (katalogets faste indikatorer eller delmålenes indikatorer)"))
            continue
        findings += _check_times(source, path, entry, period, agreement.data["periode"])
        findings += _check_values(source, path, entry, info)
    return findings


def moment(measurement):
    """When a measurement was made: a date for `dato`, the year's last day for `aar`."""
    if measurement.get("aar") is not None:
        return parse_date(f"31. december {measurement['aar']}")
    return parse_date(measurement["dato"]) if measurement.get("dato") else None


def _check_times(source, path, entry, period, periode) -> list[Finding]:
    """Each measurement has a year or a date in the agreement's period, and no year or date twice."""
    start, end = period
    findings, seen = [], {}
    for mpath, m in each(source, *path, "maalinger"):
        if m.get("aar") is not None and m.get("dato"):
            findings.append(error(source.position(mpath + ("dato",), key=True),
                                  "en måling har enten et år (aar) eller en dato (dato), ikke begge", "tid"))
            continue
        field = "aar" if m.get("aar") is not None else "dato"
        when = m[field]
        here = source.position(mpath + (field,))
        if field == "aar" and start and end and not start.year <= when <= end.year:
            findings.append(error(here, f"året {when} ligger uden for samarbejdsaftalens periode "
                                        f"({start.year}-{end.year})", "aar"))
        elif field == "dato" and start and end and not start <= parse_date(when) <= end:
            findings.append(error(here, f"datoen {danish.date_text(when)} ligger uden for samarbejdsaftalens periode "
                                        f"({danish.period(periode)})", "aar"))
        key = (field, when if field == "aar" else parse_date(when))
        if key in seen:
            shown = when if field == "aar" else danish.date_text(when)
            findings.append(error(here, f"'{entry['indikator']}' har allerede en måling for {shown} "
                                        f"(linje {seen[key]})", "dublet"))
        seen.setdefault(key, here.line)
    return findings


def _check_values(source, path, entry, info) -> list[Finding]:
    """Percentages between 0 and 100; each label once per measurement; labels the baseline knows."""
    findings = []
    baseline_labels = {v.get("betegnelse") for v in info["baseline"] if v.get("betegnelse")}
    for mpath, m in each(source, *path, "maalinger"):
        for where in (AREA, MUNICIPALITY):
            labels: dict = {}
            for vpath, value in each(source, *mpath, where):
                number, label = value["vaerdi"], value.get("betegnelse")
                if info["enhed"] == PERCENT and not 0 <= number <= 100:
                    findings.append(error(source.position(vpath + ("vaerdi",)),
                                          f"'{entry['indikator']}' måles i procent, men værdien er {danish.number(number)}; "
                                          "en procent ligger mellem 0 og 100 (skriv 19.3 for 19,3 %)", "procent"))
                if label in labels:
                    shown = f"betegnelsen '{label}'" if label else "en værdi uden betegnelse"
                    findings.append(error(source.position(vpath), f"målingen har allerede {shown} (linje {labels[label]}); "
                                                                  "giv hver værdi sin egen betegnelse", "dublet"))
                labels.setdefault(label, source.position(vpath).line)
                if where == AREA and label and baseline_labels and label not in baseline_labels:
                    findings.append(warning(source.position(vpath + ("betegnelse",)),
                                            f"betegnelsen '{label}' findes ikke i baseline for '{entry['indikator']}' "
                                            f"({', '.join(sorted(baseline_labels))}); udviklingen kan så ikke følges "
                                            "fra baseline", "betegnelse"))
    return findings
