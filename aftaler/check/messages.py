"""The Danish words of schema errors, in one place for the CLI and the editor.

`check/schema.py` words an error the validator found with these functions, knowing the value;
`authoring/editor_schemas.py` writes the same words into the editor's schemas as `errorMessage`
and `patternErrorMessage`, which yaml-language-server shows as they are, without the value (a
schema's message is fixed text). So each function takes the value as optional: given, the CLI's
message; left out, the editor's, which says the same without quoting what was written.
"""
from __future__ import annotations

TYPE_NAMES = {"string": "en tekst", "integer": "et helt tal", "number": "et tal", "boolean": "true eller false",
              "array": "en liste", "object": "et afsnit med felter", "null": "tom"}
DATE_EXAMPLE = "skriv fx '1. januar 2022' eller 'januar 2022'"
NO_THOUSANDS = "tal skrives uden tusindtalspunktum"
MAX_OPTIONS_SHOWN = 12
_ABSENT = object()


def field_name(title: str, dotted: str = "") -> str:
    """The form's heading for a field, then (in the CLI) its key path so it can be found."""
    if title and dotted:
        return f"«{title}» ({dotted})"
    return f"«{title}»" if title else (f"feltet '{dotted}'" if dotted else "dokumentet")


def required(field: str, name: str, title: str = "") -> str:
    shown = f"'{name}'" + (f" ({title})" if title else "")
    return f"{field} mangler det påkrævede felt {shown}"


def one_of_required(field: str, names: list[str]) -> str:
    """A section that needs one of several fields (anyOf/oneOf of `required`)."""
    quoted = [f"'{n}'" for n in names]
    shown = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " eller " + quoted[-1]
    return f"{field} skal have et af felterne {shown}"


def only_one_of(field: str, names: list[str]) -> str:
    """A section with more than one of the fields it takes exactly one of (oneOf of `required`)."""
    quoted = [f"'{n}'" for n in names]
    return f"{field} må kun have ét af felterne {', '.join(quoted[:-1])} og {quoted[-1]}; del dem i hvert sit punkt"


def unknown_field(field: str, key: str | None = None, suggestion: str = "", allowed: list[str] | None = None) -> str:
    """A key the schema does not know. The editor marks the key itself, so it names what is allowed."""
    if key is not None:
        return f"ukendt felt '{key}' i {field}{suggestion} (feltet ville ellers blive ignoreret)"
    listed = f"; tilladte felter: {', '.join(allowed)}" if allowed else ""
    return f"ukendt felt i {field}{listed} (feltet ville ellers blive ignoreret)"


def wrong_type(field: str, wanted: list[str], value=_ABSENT) -> str:
    names = " eller ".join(TYPE_NAMES.get(t, t) for t in wanted)
    if value is not _ABSENT:
        return f"{field} skal være {names}, ikke {describe(value)}"
    if "integer" in wanted:
        return f"{field} skal være {names} ({NO_THOUSANDS}: skriv fx 1056, ikke 1.056)"
    if "number" in wanted:
        return f"{field} skal være {names} (skriv decimaltal med punktum, fx 2.5)"
    return f"{field} skal være {names}"


def not_integer(field: str, text: str) -> str:
    return f"{field} skal være et helt tal, ikke {text}"


def thousands(field: str, text: str) -> str:
    return f"{field} er '{text}': skriv {text.replace('.', '')}, ikke {text} ({NO_THOUSANDS})"


def decimal_comma(field: str, value: str, fixed: str) -> str:
    return f"{field} er '{value}': skriv decimaltal med punktum, fx {fixed}"


def not_in_list(field: str, options: list[str], value=_ABSENT, suggestion: str = "") -> str:
    listed = f"; mulige værdier: {', '.join(options)}" if len(options) <= MAX_OPTIONS_SHOWN else ""
    if value is _ABSENT:
        return f"værdien er ikke en gyldig værdi for {field}" + (listed or "; se mulige værdier i forslagene")
    return f"'{value}' er ikke en gyldig værdi for {field}" + (suggestion or listed)


def not_const(field: str, wanted) -> str:
    return f"{field} skal være '{wanted}'"


def bad_date(field: str, value=_ABSENT) -> str:
    if value is _ABSENT:
        return f"{field} er ikke en gyldig dato; {DATE_EXAMPLE}"
    return f"{field} er '{value}', som ikke er en gyldig dato; {DATE_EXAMPLE}"


def bad_id(field: str, value=_ABSENT) -> str:
    shown = f" '{value}'" if value is not _ABSENT else ""
    return f"{field}{shown} må kun indeholde små bogstaver a-z, cifre og bindestreg"


def bad_pattern(field: str, pattern: str, value=_ABSENT) -> str:
    """A value that does not have its field's form; dates and ids have their own words."""
    if is_date_pattern(pattern):
        return bad_date(field, value)
    if is_id_pattern(pattern):
        return bad_id(field, value)
    shown = f" er '{value}', som" if value is not _ABSENT else ""
    return f"{field}{shown} ikke har den rigtige form" if shown else f"{field} har ikke den rigtige form"


def is_date_pattern(pattern: str) -> bool:
    return "anuar" in pattern


def is_id_pattern(pattern: str) -> bool:
    return pattern.startswith("^[a-z0-9]")


def describe(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "tom"
    if isinstance(value, (int, float)):
        return f"tallet {number(value)}"
    if isinstance(value, str):
        return f"teksten '{value[:40]}'"
    return TYPE_NAMES["array" if isinstance(value, list) else "object"]


def number(value) -> str:
    return str(value).replace(".", ",") if isinstance(value, float) else str(value)
