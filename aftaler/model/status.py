"""Status note: every indicator's latest measurement against its baseline, target and municipality.

A status is computed by rules, never typed (`judge`):
- no measurement up to the year → "ingen data";
- no target value and no direction (from the target or the catalogue) → "ingen mål";
- a target value that is reached → "på sporet", also before the deadline;
- otherwise the measurement is compared with a steady course from the baseline to the target
  by the deadline: at least as good → "på sporet", worse (or the deadline passed) → "ikke på sporet";
- a direction without a target value: better than the baseline → "på sporet", else not.
"Better" follows the direction: for lower-is-better indicators a smaller value is better. When
the baseline has no number (a text such as "the first year is the baseline"), the first
measurement is the starting point. Indicators measured per sub-area (UP, AB) or election are
judged per series; one series off track puts the indicator off track.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import danish
from ..danish import parse_date
from ..kinds.maalinger import AREA, MUNICIPALITY, PERCENT, known_indicators, moment

ON_TRACK, OFF_TRACK, NO_DATA, NO_TARGET = "på sporet", "ikke på sporet", "ingen data", "ingen mål"
HIGHER, LOWER = "hoejere", "lavere"
_EPSILON = 1e-9  # values are typed decimals; a steady course may land a hair off by rounding


@dataclass(frozen=True)
class Judgement:
    """A status, the rule that gave it (a key of `_REASONS`), and the course value it was held to."""

    status: str
    reason: str
    expected: float | None = None


def judge(latest, latest_year, baseline, baseline_year, target, direction, deadline_year) -> Judgement:
    """The status of one series of measurements (see the module docstring for the rules)."""
    if latest is None:
        return Judgement(NO_DATA, "ingen-maalinger")
    if direction not in (HIGHER, LOWER):
        return Judgement(NO_TARGET, "ingen-maal")
    sign = 1 if direction == HIGHER else -1
    if target is not None:
        if sign * (latest - target) >= -_EPSILON:
            return Judgement(ON_TRACK, "maal-naaet")
        if deadline_year is not None and latest_year >= deadline_year:
            return Judgement(OFF_TRACK, "frist-overskredet")
        if baseline is None:
            return Judgement(NO_DATA, "ingen-udgangspunkt")
        expected = course(baseline, baseline_year, target, deadline_year, latest_year)
        on_course = sign * (latest - expected) >= -_EPSILON
        return Judgement(ON_TRACK if on_course else OFF_TRACK, "kurs", expected)
    if baseline is None:
        return Judgement(NO_DATA, "ingen-udgangspunkt")
    better = sign * (latest - baseline) > _EPSILON
    return Judgement(ON_TRACK if better else OFF_TRACK, "bedre" if better else "ikke-bedre")


def course(baseline, baseline_year, target, deadline_year, year) -> float:
    """Where a steady course from the baseline would be in `year` on its way to the target."""
    if baseline_year is None or deadline_year is None or deadline_year <= baseline_year:
        return target
    share = min(max((year - baseline_year) / (deadline_year - baseline_year), 0.0), 1.0)
    return baseline + (target - baseline) * share


def combine(statuses: list[str]) -> str:
    """One indicator's status from its series': any off track → off track; else any on track → on."""
    for status in (OFF_TRACK, ON_TRACK, NO_TARGET):
        if status in statuses:
            return status
    return NO_DATA


def summary(counts: dict[str, int], year: int) -> str:
    """'I 2024 er 7 af 9 indikatorer på sporet, 1 er ikke på sporet og 1 har intet mål.'"""
    total = sum(counts.values())
    if not total:
        return f"Aftalesættet har ingen indikatorer at følge op på i {year}."
    first = f"I {year} er {counts.get(ON_TRACK, 0)} af {total} {'indikator' if total == 1 else 'indikatorer'} på sporet"
    rest = [text.format(n=counts[status]) for status, text in
            ((OFF_TRACK, "{n} er ikke på sporet"), (NO_DATA, "{n} mangler data"), (NO_TARGET, "{n} har intet mål"))
            if counts.get(status)]
    return _and([first, *rest]) + "."


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " og " + parts[-1]


# ------------------------------------------------------------------ the model


def status_model(aset, context, year: int | None) -> dict:
    """The status note's model. `aset` is completed (model.complete_set); `context` from set_context.

    `year` is the last year counted (measurements up to and including it); None means the latest
    year measured.
    """
    catalogue = context["catalogue"]
    agreement = aset.one("samarbejdsaftale").data
    measurements = aset.one("maalinger")
    entries = {e["indikator"]: e for e in (measurements.data["indikatorer"] if measurements else [])}
    if year is None:
        years = [moment(m).year for e in entries.values() for m in e["maalinger"]]
        year = max(years) if years else parse_date(agreement["periode"]["fra"]).year
    deadline = parse_date(agreement["periode"]["til"], end=True).year

    rows = [indicator_row(info, entries.get(ident), year, deadline)
            for ident, info in known_indicators(aset, catalogue).items()]
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in (ON_TRACK, OFF_TRACK, NO_DATA, NO_TARGET)}
    area_names = {a["id"]: a["navn"] for a in catalogue["indsatsomraader"]}
    fixed = [r for r in rows if r["del"] == "maal"]
    partial = [r for r in rows if r["del"] == "delmaal"]
    return {
        "titel": f"Statusnotat {year}",
        "navn": agreement["omraadets_navn"],
        "periode_tekst": danish.period(agreement["periode"]),
        "aar": year,
        "eksempeldata": _examples(measurements.data if measurements else {}),
        "antal": {"i_alt": len(rows), "paa_sporet": counts[ON_TRACK], "ikke_paa_sporet": counts[OFF_TRACK],
                  "ingen_data": counts[NO_DATA], "ingen_maal": counts[NO_TARGET]},
        "opsummering": summary(counts, year),
        "opsummering_dele": [
            f"{label}: {sum(r['status'] == ON_TRACK for r in part)} af {len(part)} er på sporet."
            for label, part in (("De overordnede mål", fixed), ("Delmålene", partial)) if part],
        "ikke_paa_sporet": [r["indikator"] for r in rows if r["status"] == OFF_TRACK],
        "overordnede": _groups(fixed),
        "delaftaler": [
            {"id": area["omraade"], "navn": f"Delaftale for indsatsområdet {area_names[area['omraade']]}",
             "delmaal": _groups([r for r in partial if r["omraade"] == area["omraade"]])}
            for area in agreement["indsatsomraader"] if any(r["omraade"] == area["omraade"] for r in partial)],
    }


def _groups(rows: list[dict]) -> list[dict]:
    """Rows grouped by goal or delmål, in the order met."""
    groups: dict[str, dict] = {}
    for row in rows:
        groups.setdefault(row["gruppe_id"], {"id": row["gruppe_id"], "overskrift": row["gruppe"], "indikatorer": []})
        groups[row["gruppe_id"]]["indikatorer"].append(row)
    return list(groups.values())


def _examples(data: dict) -> bool:
    return bool(data.get("eksempel")) or any(
        e.get("eksempel") or any(m.get("eksempel") for m in e["maalinger"]) for e in data.get("indikatorer", []))


def indicator_row(info: dict, entry: dict | None, year: int, agreement_end: int) -> dict:
    """One indicator's line in the note: texts for the table, the series for its chart, a status."""
    unit = info["enhed"]
    measured = sorted((m for m in (entry or {}).get("maalinger", []) if moment(m).year <= year), key=moment)
    target = info.get("maal") or {}
    direction = target.get("retning") or info.get("retning")
    deadline = _deadline(target, agreement_end)
    area = build_series(info["baseline"], info["baseline_aar"], measured, AREA)
    municipality = build_series(info["kommune"], info["baseline_aar"], measured, MUNICIPALITY)
    labelled = len(area) > 1
    area = [_judged(s, target.get("vaerdi"), direction, deadline, unit, year) for s in area]
    status = combine([s["status"] for s in area]) if area else NO_DATA
    return {
        "id": info["id"], "indikator": info["tekst"], "enhed": unit,
        "del": info["del"], "gruppe_id": info["gruppe_id"], "gruppe": info["gruppe"], "omraade": info["omraade"],
        "datakilde": ((entry or {}).get("datakilde") or info["datakilde"] or ""),
        "baseline_aar": str(info["baseline_aar"] or ""),
        "maal": {"vaerdi": target.get("vaerdi"), "retning": direction, "frist_aar": deadline} if direction else None,
        "serier": area, "kommune_serier": municipality,
        "baseline_tekst": "\n".join(_baseline_text(s, unit) for s in area) or "–",
        "seneste_tekst": _latest_text(area, unit) or "–",
        "kommune_tekst": _latest_text(municipality, unit) or "–",
        "maal_tekst": _target_text(target.get("vaerdi"), direction, deadline, unit),
        "aendring_tekst": "\n".join(_label(s, labelled) + _change_text(s["aendring"], s, unit)
                                    for s in area if s["aendring"] is not None) or "–",
        "status": status,
        "begrundelse": _joined_reasons(area, labelled),
        "seneste_aar": max((s["punkter"][-1]["aar"] for s in area if s["punkter"]), default=None),
    }


def _judged(s: dict, target, direction, deadline: int, unit: str, year: int) -> dict:
    """The series with its status, the rule and course behind it, its change and the reason in words."""
    start, start_year, first = _starting_point(s)
    latest = s["punkter"][-1] if s["punkter"] else None
    judgement = judge(None if latest is None else latest["vaerdi"], None if latest is None else latest["aar"],
                      start, start_year, target, direction, deadline)
    return dict(s, status=judgement.status, regel=judgement.reason, forventet=judgement.expected,
                aendring=None if latest is None or s["baseline"] is None else latest["vaerdi"] - s["baseline"],
                begrundelse=_reason(judgement, latest, (start, start_year, first), target, direction, deadline,
                                    unit, year))


def build_series(baseline: list, baseline_year, measured: list, where: str) -> list[dict]:
    """Series by label (sub-area, election): the baseline value and the measured points.

    A value without a label belongs to the baseline's only value, whatever that is called.
    """
    only = baseline[0].get("betegnelse") if len(baseline) == 1 else None
    series: dict = {}
    for value in baseline:
        series.setdefault(value.get("betegnelse"), _new_series(value.get("betegnelse")))
        series[value.get("betegnelse")].update(
            baseline=value.get("vaerdi"), baseline_aar=_year(value.get("aar")) or _year(baseline_year),
            baseline_tekst=value.get("tekst"))
    for m in measured:
        when = moment(m)
        for value in m.get(where) or []:
            label = value.get("betegnelse") or only
            series.setdefault(label, _new_series(label))["punkter"].append(
                {"x": _x(m), "aar": when.year, "vaerdi": value["vaerdi"], "dato": m.get("dato")})
    return list(series.values())


def _x(measurement) -> float:
    """Position on a time axis in years: a year at its tick, a date within its year."""
    if measurement.get("aar") is not None:
        return float(measurement["aar"])
    when = moment(measurement)
    return round(when.year + (when.timetuple().tm_yday - 1) / 365.25, 4)


def _new_series(label) -> dict:
    return {"betegnelse": label, "baseline": None, "baseline_aar": None, "baseline_tekst": None, "punkter": []}


def _starting_point(s: dict):
    """The baseline, or the first measurement when the baseline has no number (and more follow)."""
    if s["baseline"] is not None:
        return s["baseline"], s["baseline_aar"], False
    if len(s["punkter"]) >= 2:
        return s["punkter"][0]["vaerdi"], s["punkter"][0]["aar"], True
    return None, None, False


def _deadline(target: dict, agreement_end: int) -> int:
    frist = parse_date(target["frist"], end=True) if target.get("frist") else None
    return frist.year if frist else agreement_end


def _year(text) -> int | None:
    match = re.search(r"(19|20)\d\d", str(text or ""))
    return int(match.group()) if match else None


# ------------------------------------------------------------------ texts


_REASONS = {
    "ingen-maalinger": "Der er ingen målinger til og med {aar}.",
    "ingen-maal": "Indikatoren har hverken et mål eller en retning; udviklingen vises uden vurdering.",
    "maal-naaet": "Målet ({maal}) er nået: {seneste} i {seneste_aar}.",
    "frist-overskredet": "Fristen ({frist}) er nået, men målet ({maal}) er ikke: {seneste} i {seneste_aar}.",
    "ingen-udgangspunkt": "Der er hverken en baseline i tal eller to målinger at sammenligne.",
    "kurs": "{seneste} i {seneste_aar}; en jævn udvikling fra {start_navn} ({start} i {start_aar}) "
            "mod målet ({maal} i {frist}) giver {forventet} i {seneste_aar}.",
    "bedre": "{seneste} i {seneste_aar} er {bedre} end {start_navn} ({start} i {start_aar}); {retning} er bedre.",
    "ikke-bedre": "{seneste} i {seneste_aar} er ikke {bedre} end {start_navn} ({start} i {start_aar}); {retning} er bedre.",
}


def _reason(judgement: Judgement, latest, starting_point, target, direction, deadline, unit, year) -> str:
    start, start_year, first = starting_point
    value = None if latest is None else latest["vaerdi"]
    # The course value with the precision of the data; one decimal finer only where it would
    # otherwise print as the latest value, so a near miss shows.
    digits = _decimals(start, target, value)
    if value is not None and judgement.expected is not None \
            and _value(value, unit, digits) == _value(judgement.expected, unit, digits):
        digits += 1
    return _REASONS[judgement.reason].format(
        aar=year, seneste=_value(value, unit), seneste_aar=None if latest is None else latest["aar"],
        maal=_value(target, unit), frist=deadline, start=_value(start, unit), start_aar=start_year,
        start_navn="første måling" if first else "baseline",
        forventet=_value(judgement.expected, unit, digits),
        bedre="højere" if direction == HIGHER else "lavere",
        retning="højere" if direction == HIGHER else "lavere")


def _value(value, unit: str, decimals: int | None = None) -> str:
    if value is None:
        return ""
    return danish.percent(value, decimals) if unit == PERCENT else danish.number(value, decimals)


def _decimals(*values) -> int:
    """As many decimals as the most precise typed value (typed values remember how they were written)."""
    digits = [getattr(v, "decimals", None) or 0 for v in values if v is not None]
    return max(digits, default=0)


def _joined_reasons(area: list[dict], labelled: bool) -> str:
    """One reason per series, labelled; said once when every series has the same."""
    if len({s["begrundelse"] for s in area}) == 1:
        return area[0]["begrundelse"]
    return " ".join(_label(s, labelled) + s["begrundelse"] for s in area)


def _label(s: dict, labelled: bool) -> str:
    return f"{s['betegnelse'] or 'I alt'}: " if labelled else ""


def _baseline_text(s: dict, unit: str) -> str:
    extras = ", ".join(str(x) for x in (s["betegnelse"], s["baseline_aar"]) if x)
    if s["baseline"] is None:
        return s["baseline_tekst"] or "ingen baseline"
    shown = _value(s["baseline"], unit)
    return shown + (f" ({extras})" if extras else "")


def _latest_text(series: list[dict], unit: str) -> str:
    lines = []
    for s in series:
        if s["punkter"]:
            point = s["punkter"][-1]
            when = danish.date_text(point["dato"]) if point["dato"] else str(point["aar"])
            extras = ", ".join(x for x in (s["betegnelse"], when) if x)
            lines.append(f"{_value(point['vaerdi'], unit)} ({extras})")
    return "\n".join(lines)


def _target_text(value, direction, deadline: int, unit: str) -> str:
    if direction not in (HIGHER, LOWER):
        return "intet mål"
    if value is None:
        return "højere er bedre" if direction == HIGHER else "lavere er bedre"
    return f"{'mindst' if direction == HIGHER else 'højst'} {_value(value, unit)} senest i {deadline}"


def _change_text(change: float, s: dict, unit: str) -> str:
    digits = _decimals(s["baseline"], s["punkter"][-1]["vaerdi"])
    shown = danish.number(abs(change), digits)
    sign = "±" if shown.strip("0,") == "" else ("+" if change > 0 else "−")
    return f"{sign}{shown}" + (" pct.-point" if unit == PERCENT else "")


def all_rows(model: dict):
    """Every indicator row of a status model, in the note's order (for charts and the site)."""
    for group in model["overordnede"]:
        yield from group["indikatorer"]
    for delaftale in model["delaftaler"]:
        for group in delaftale["delmaal"]:
            yield from group["indikatorer"]
