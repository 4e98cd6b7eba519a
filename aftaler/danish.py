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
