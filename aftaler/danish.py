"""Danish number and date style, from CLDR via Babel (31.169 · 19,3 % · 1. januar 2022), and
dates read as authors write them."""
from __future__ import annotations

import functools
import re
from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "da_DK"


def number(value, decimals: int | None = None) -> str:
    """31169 → '31.169'; 3.39 → '3,39'. None → ''."""
    if value is None or value == "":
        return ""
    if decimals is None:  # as many decimals as the author wrote: 2.0 stays 2,0
        decimals = getattr(value, "decimals", None)
    return _formatted(type(value), value, decimals)


@functools.lru_cache(maxsize=4096)  # a set shows the same few hundred numbers many times; Babel is slow
def _formatted(_type: type, value, decimals: int | None) -> str:
    if decimals is not None:
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=LOCALE)
    return format_decimal(value, locale=LOCALE)


def percent(value, decimals: int | None = None) -> str:
    """19.3 → '19,3 %' (value in percent, not a fraction; CLDR puts a no-break space before %)."""
    if value is None or value == "":
        return ""
    return f"{number(value, decimals)}\u00a0%"


def date_text(text: str, end: bool = False) -> str:
    """'2022-01-01' or '1. januar 2022' → '1. januar 2022'; 'Januar 2022' → 'januar 2022'."""
    parsed = parse_date(str(text), end=end)
    if parsed is None:
        return str(text)
    has_day = not str(text).strip()[0].isalpha()
    return format_date(parsed, "d. MMMM y" if has_day else "MMMM y", locale=LOCALE)


def period(periode: dict) -> str:
    return f"{date_text(periode['fra'])} – {date_text(periode['til'], end=True)}"


# Dates as authors write them; the schema check and the models read them the same way.
MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
          "september", "oktober", "november", "december"]
_DATE = re.compile(r"^(?:(\d{1,2})\.\s+)?([A-Za-zæøåÆØÅ]+)\s+(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_date(text: str, end: bool = False) -> date | None:
    """'1. januar 2022', 'januar 2022' (the month's first or, with end, last day) or ISO."""
    text = text.strip()
    if m := _ISO.match(text):
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    m = _DATE.match(text)
    if not m or m[2].lower() not in MONTHS:
        return None
    year, month = int(m[3]), MONTHS.index(m[2].lower()) + 1
    try:
        if m[1]:
            return date(year, month, int(m[1]))
        if end:
            following = date(year + month // 12, month % 12 + 1, 1)
            return date.fromordinal(following.toordinal() - 1)
        return date(year, month, 1)
    except ValueError:
        return None


# Counts that an author may only know roughly, or not at all: `140`, `{ca: 2300}` or 'ikke oplyst'
# (the schemas' `antal`). They are printed as written, and a sum over them never shows a figure
# it does not have.
NOT_GIVEN = "ikke oplyst"


def count(value) -> str:
    """140 → '140'; {ca: 2300} → 'ca. 2.300'; 'ikke oplyst' as written; None → ''."""
    if isinstance(value, dict):
        return f"ca. {number(value.get('ca'))}"
    if isinstance(value, str):
        return value
    return number(value)


def exact_count(value) -> int | None:
    """The whole number when the count is known exactly, else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def count_total(values: list, items: tuple[str, str] = ("afdeling", "afdelinger")) -> dict:
    """The sum of counts, as the documents say it.

    `vaerdi`: the sum when every count is exact, else None (so `|tal` prints nothing, never a
    wrong figure); `sum_tekst`: the sum of the counts given ('ca. 4.135'); `tekst`: '4.135', 'ca. 4.135' (a part is approximate), '3.895 i 17 afdelinger
    (ikke oplyst for 2)' (parts not given: the sum of the others, said as such) or 'ikke oplyst';
    `ikke_oplyst`: how many counts are not given; `anslaaet`: whether a part is approximate.
    """
    given = [v for v in values if not (isinstance(v, str) or v is None)]
    missing = len(values) - len(given)
    approximate = any(isinstance(v, dict) for v in given)
    total = sum(v["ca"] if isinstance(v, dict) else v for v in given)
    shown = ("ca. " if approximate else "") + number(total)
    if not given and values:
        text = NOT_GIVEN
    elif missing:
        text = f"{shown} i {_items(len(given), items)} ({NOT_GIVEN} for {missing})"
    else:
        text = shown
    return {"vaerdi": None if approximate or missing else total, "tekst": text, "sum_tekst": shown,
            "ikke_oplyst": missing, "anslaaet": approximate, "oplyst": len(given)}


def count_phrase(value_or_total, noun: str) -> str:
    """A count with what it counts, for a sentence: '9.027 beboere', 'ca. 9.000 beboere', 'et ikke
    oplyst antal beboere'; for a total (count_total) '3.895 lejemål i 17 af dem (ikke oplyst for 2)'."""
    if isinstance(value_or_total, dict) and "tekst" in value_or_total:
        total = value_or_total
        if total["ikke_oplyst"] and not total["oplyst"]:
            return f"et {NOT_GIVEN} antal {noun}"
        if total["ikke_oplyst"]:
            return f"{total['sum_tekst']} {noun} i {total['oplyst']} af dem ({NOT_GIVEN} for {total['ikke_oplyst']})"
        return f"{total['tekst']} {noun}"
    if value_or_total == NOT_GIVEN:
        return f"et {NOT_GIVEN} antal {noun}"
    return f"{count(value_or_total)} {noun}"


def _items(n: int, words: tuple[str, str]) -> str:
    return f"{n} {words[0] if n == 1 else words[1]}"
