"""Helpers the kind modules share: the set's agreement and parties, references, periods,
baselines, and amounts in 1.000 kr. with the prose that shows them."""
from __future__ import annotations

import difflib
from decimal import ROUND_HALF_UP, Decimal

from .. import danish
from ..danish import parse_date
from ..findings import Finding, error

HELHEDSPLANEN = "helhedsplanen"  # the effort itself: a `part` may name it besides the real parties
MISSING_AGREEMENT = ("aftalesættet mangler en strategisk samarbejdsaftale "
                     "(en fil med skemaet samarbejdsaftale.schema.json)")
THOUSAND = 1000
# In a budget kept in 1.000 kr., a round amount this large (100 mio. kr.) was almost surely typed in kr.
KR_LOOKALIKE = 100_000
NUMBER_WORDS = ("nul", "én", "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni", "ti", "elleve", "tolv")


# ---------------------------------------------------------------- walking the data


def at(data, path):
    """The node at `path` (keys and list indexes) in data; the path must exist."""
    for step in path:
        data = data[step]
    return data


def each(source, *path):
    """(path, item) for every item of the list at `path` in the source's data."""
    node = source.data
    for key in path:
        if isinstance(node, dict):
            node = node.get(key)
        elif isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
        else:
            node = None
    for i, item in enumerate(node or []):
        yield path + (i,), item


# ---------------------------------------------------------------- the set: agreement, parties, names


def agreement_or_error(source, aset, message: str = MISSING_AGREEMENT) -> tuple[object | None, list[Finding]]:
    """The set's samarbejdsaftale, or an error at the top of `source` saying the set lacks one."""
    agreement = aset.one("samarbejdsaftale")
    if agreement is None:
        return None, [error(source.position(), message, "saet")]
    return agreement, []


def agreement_fields(agreement: dict) -> dict:
    """What an attachment shows of the agreement it hangs on: the area's name and the period."""
    return {
        "navn": agreement["omraadets_navn"],
        "periode": agreement["periode"],
        "periode_tekst": danish.period(agreement["periode"]),
    }


def party_name(party) -> str:
    """A delaftale party's display name: 'Organisation, Enhed' or just the organisation."""
    return party["organisation"] + (f", {party['enhed']}" if party.get("enhed") else "")


def set_parties(aset) -> dict[str, str]:
    """Every party id of the set with its display name: the agreement's, the delaftaler's, helhedsplanen."""
    names = {HELHEDSPLANEN: "Helhedsplanen"}
    for delaftale in aset.of_kind("delaftale"):
        names.update({p["id"]: party_name(p) for p in delaftale.data["parter"]})
    agreement = aset.one("samarbejdsaftale")
    if agreement is not None:
        names.update({p["id"]: p["navn"] for p in agreement.data["parter"]})
    return names


def activities(aset) -> dict[str, tuple[str, str]]:
    """Every activity of the set's delaftaler by id: (its name, its delaftale's indsatsområde)."""
    return {a["id"]: (a["navn"], d.data["indsatsomraade"])
            for d in aset.of_kind("delaftale") for a in d.data["aktiviteter"]}


def area_names(catalogue) -> dict[str, str]:
    """The catalogue's indsatsområder: id → name."""
    return {a["id"]: a["navn"] for a in catalogue["indsatsomraader"]}


# ---------------------------------------------------------------- references


def dangling(source, path, value, known, what: str) -> Finding:
    """A reference that does not resolve, with the closest id as a hint."""
    close = difflib.get_close_matches(str(value), [str(k) for k in known], n=1, cutoff=0.6)
    hint = f"; mente du '{close[0]}'?" if close else ""
    return error(source.position(path), f"'{value}' henviser ikke til {what}{hint}", "reference")


def check_party(source, path, value, parties) -> list[Finding]:
    """A `part` reference resolves to one of the set's parties (or helhedsplanen)."""
    if value in parties:
        return []
    return [dangling(source, path, value, parties, "en part i samarbejdsaftalen eller en delaftale (eller 'helhedsplanen')")]


def computed_findings(source, path, keys: tuple[str, ...], what: str) -> list[Finding]:
    """A computed figure typed by the author: point at the key and say it is computed."""
    node = at(source.data, path)
    return [error(source.position(path + (key,), key=True),
                  f"'{key}' beregnes af værktøjet ({what}) og må ikke skrives; slet feltet", "beregnet")
            for key in keys if key in node]


# ---------------------------------------------------------------- periods


def period_bounds(periode: dict):
    """(first day, last day) of a `periode` with `fra` and `til`; None for a date that does not parse."""
    return parse_date(periode["fra"]), parse_date(periode["til"], end=True)


def check_period(source, path=("periode",)) -> list[Finding]:
    """The document's own period does not end before it begins."""
    start, end = period_bounds(source.data["periode"])
    if start and end and start > end:
        return [error(source.position(path + ("til",)),
                      f"perioden slutter ({danish.date_text(source.data['periode']['til'])}) før den begynder "
                      f"({danish.date_text(source.data['periode']['fra'])})", "periode")]
    return []


# ---------------------------------------------------------------- baselines


def value_text(value: dict, unit: str) -> str:
    """One baseline value as the form shows it: '19,3 % (375 unge)', '72 % (UP)'."""
    if value.get("tekst") and value.get("vaerdi") is None:
        shown = value["tekst"]
    else:
        shown = danish.percent(value["vaerdi"]) if unit == "procent" else danish.number(value["vaerdi"])
    extras = [value[k] for k in ("betegnelse",) if value.get(k)]
    if value.get("antal") is not None:
        extras.append(" ".join(x for x in (danish.number(value["antal"]), value.get("antal_enhed") or "") if x))
    if value.get("aar"):
        extras.append(str(value["aar"]))
    if value.get("tekst") and value.get("vaerdi") is not None:
        extras.append(value["tekst"])
    return shown + (f" ({', '.join(extras)})" if extras else "")


def values_raw(values, unit: str) -> list[dict]:
    """The baseline values as data, for a template that writes them its own way ("UP: 3,39"):
    each value's fields as the author gave them (`vaerdi` the raw number), with the number as the
    form writes it (`vaerdi_tekst`: '3,39', '19,3 %') and the whole value (`visning`)."""
    result = []
    for value in values or []:
        number = value.get("vaerdi")
        shown = "" if number is None else danish.percent(number) if unit == "procent" else danish.number(number)
        result.append({**value, "vaerdi_tekst": shown, "visning": value_text(value, unit), "enhed": unit})
    return result


def values_text(values, unit: str) -> str:
    """A list of baseline values, one per line (empty for none)."""
    return "\n".join(value_text(v, unit) for v in values or [])


# ---------------------------------------------------------------- amounts (1.000 kr.) and prose


def number_words(n: int) -> str:
    """Danish prose style: numbers up to twelve in words ('tre'), larger ones as figures ('15')."""
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else danish.number(n)


def joined(names: list[str]) -> str:
    """'A, B og C'."""
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " og " + names[-1]


def mio_text(kr) -> str:
    """1370000 → '1,4 mio. kr.': millions with one decimal, rounded half up (not banker's rounding)."""
    millions = (Decimal(str(kr)) / 1_000_000).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{danish.number(float(millions), 1)} mio. kr."


def rounded_kr(kr) -> int:
    """A unit price as prose rounds it: whole thousands (22.222 → 22.000), hundreds below 10.000."""
    step = Decimal(1000 if kr >= 10_000 else 100)
    return int((Decimal(str(kr)) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step)


def approx_kr_text(kr, estimated: bool = False) -> str:
    """'ca. 22.000 kr.'; without 'ca.' only when rounding changes nothing and nothing is estimated."""
    shown = rounded_kr(kr)
    return f"{'ca. ' if estimated or shown != kr else ''}{danish.number(shown)} kr."


def difference_text(diff) -> str:
    """How far a sum is from what it should be: '120 for meget', '35 for lidt'."""
    return f"{danish.number(abs(diff))} {'for meget' if diff > 0 else 'for lidt'}"


def looks_like_kr(amount: int) -> bool:
    """A round amount of 100 mio. kr. or more in a 1.000 kr. budget was most likely typed in kr."""
    return amount >= KR_LOOKALIKE and amount % THOUSAND == 0


def unit_finding(source, path, amount: int, key: bool = False) -> Finding:
    """The amount seems typed in kr. where the document counts in 1.000 kr."""
    return error(source.position(path, key=key),
                 f"beløbet {amount} står i 1.000 kr. og ville betyde {mio_text(amount * THOUSAND)}; er det skrevet "
                 f"i kr.? Skriv {amount // THOUSAND} for {danish.number(amount)} kr.", "enhed")
