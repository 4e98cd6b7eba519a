"""Validate one loaded source against its JSON Schema, with Danish messages and positions.

Messages are built from the error's validator, value and the schema's Danish `title`s (never by
translating jsonschema's English text), and placed with the source's positions.
"""
from __future__ import annotations

import difflib
import re

import jsonschema
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from ..danish import parse_date
from ..findings import Finding, error
from ..load.source import Source
from . import messages

DANISH_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")



def _is_integer(checker, value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(checker, value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_TYPES = Draft7Validator.TYPE_CHECKER.redefine_many({"integer": _is_integer, "number": _is_number})
StrictValidator = jsonschema.validators.extend(Draft7Validator, type_checker=_TYPES)

FORMATS = jsonschema.FormatChecker(["email"])
FORMATS.checks("dato")(lambda value: not isinstance(value, str) or parse_date(value) is not None)


def make_validator(schema: dict, schema_documents: dict[str, dict]) -> Draft7Validator:
    """A draft-07 validator whose relative refs ('_faelles.schema.json#/…') resolve by file name."""
    registry = Registry().with_resources(
        (name, Resource.from_contents(doc, default_specification=DRAFT7)) for name, doc in schema_documents.items())
    return StrictValidator(schema, registry=registry, format_checker=FORMATS)


def check(source: Source, validator: Draft7Validator) -> list[Finding]:
    findings = []
    for err in validator.iter_errors(source.data):
        findings.extend(_explain(err, source, validator))
    return sorted(set(findings))


def _explain(err, source: Source, validator) -> list[Finding]:
    path = tuple(err.absolute_path)
    field = _field_name(err, validator, path)
    kind = err.validator
    value = err.instance
    at = source.position(path)

    if kind in ("anyOf", "oneOf") and err.context:
        # Report the alternative that got furthest, which is the one the author meant.
        best = jsonschema.exceptions.best_match(err.context)
        if best is not None and best.validator not in ("anyOf", "oneOf", "required"):
            return _explain(best, source, validator)
        names = sorted({e.validator_value[0] for e in err.context if e.validator == "required" and e.validator_value})
        if names:
            return [error(at, messages.one_of_required(field, names), "skema")]
        return [error(at, f"{field} har ikke en gyldig form", "skema")]
    if kind == "required":
        missing = [name for name in err.validator_value if isinstance(value, dict) and name not in value]
        title = _property_title(err.schema, missing[0]) if missing else ""
        return [error(at, messages.required(field, missing[0] if missing else "", title), "skema")]
    if kind == "additionalProperties":
        allowed = sorted(err.schema.get("properties", {}))
        return [error(source.position(path + (key,), key=True),
                      messages.unknown_field(field, key, _suggest(key, allowed)), "skema")
                for key in (value if isinstance(value, dict) else {}) if key not in err.schema.get("properties", {})]
    if kind == "type":
        wanted = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        if "integer" in wanted and isinstance(value, float):
            text = source.float_text.get(path, "")
            if DANISH_THOUSANDS.match(text):
                return [error(at, messages.thousands(field, text), "tal")]
            return [error(at, messages.not_integer(field, text or value), "tal")]
        if "number" in wanted and isinstance(value, str) and re.match(r"^-?[\d.]+,\d+$", value.strip()):
            fixed = value.strip().replace(".", "").replace(",", ".")
            return [error(at, messages.decimal_comma(field, value, fixed), "tal")]
        return [error(at, messages.wrong_type(field, wanted, value), "skema")]
    if kind == "enum":
        options = [str(o) for o in err.validator_value]
        return [error(at, messages.not_in_list(field, options, value, _suggest(str(value), options)), "katalog")]
    if kind == "const":
        return [error(at, messages.not_const(field, err.validator_value), "skema")]
    if kind == "format" and err.validator_value == "dato":
        return [error(at, messages.bad_date(field, value), "dato")]
    if kind == "format":
        return [error(at, f"{field} er '{value}', som ikke er en gyldig {err.validator_value}", "skema")]
    if kind == "pattern":
        rule = ("dato" if messages.is_date_pattern(err.validator_value)
                else "id" if messages.is_id_pattern(err.validator_value) else "skema")
        return [error(at, messages.bad_pattern(field, err.validator_value, value), rule)]
    if kind in ("minimum", "exclusiveMinimum"):
        sign = "mindst" if kind == "minimum" else "større end"
        return [error(at, f"{field} skal være {sign} {_num(err.validator_value)}, ikke {_num(value)}", "skema")]
    if kind in ("maximum", "exclusiveMaximum"):
        sign = "højst" if kind == "maximum" else "mindre end"
        return [error(at, f"{field} skal være {sign} {_num(err.validator_value)}, ikke {_num(value)}", "skema")]
    if kind == "minItems":
        return [error(at, f"{field} skal have mindst {err.validator_value} punkt(er)", "skema")]
    if kind == "maxItems":
        return [error(at, f"{field} må højst have {err.validator_value} punkt(er)", "skema")]
    if kind == "minLength":
        return [error(at, f"{field} må ikke være tom", "skema")]
    if kind == "maxLength":
        return [error(at, f"{field} er for lang (højst {err.validator_value} tegn)", "skema")]
    if kind == "uniqueItems":
        return [error(at, f"{field} indeholder den samme værdi to gange", "skema")]
    if kind == "dependencies" and isinstance(value, dict):
        # A field that only qualifies another ("antal_enhed" of "antal") would be lost alone.
        def named(name: str) -> str:
            title = _property_title(err.schema, name)
            return f"'{name}'" + (f" ({title})" if title else "")
        return [error(source.position(path + (key,), key=True),
                      f"{field} har {named(key)}, men mangler "
                      + " og ".join(named(n) for n in needs if n not in value) + ", som det hører til", "skema")
                for key, needs in err.validator_value.items()
                if key in value and isinstance(needs, list) and any(n not in value for n in needs)]
    if kind == "propertyNames":
        return [error(at, f"{field}: feltnavnet '{value}' er ikke tilladt her", "skema")]
    return [error(at, f"{field} er ugyldig ({kind})", "skema")]


def _field_name(err, validator, path: tuple) -> str:
    """The form's heading for the field, followed by its key path so it can be found."""
    title = _title_along(err, validator)
    return messages.field_name(title, ".".join(str(p) for p in path))


def _title_along(err, validator) -> str:
    """Walk the schema along the error's schema path; keep the title of the innermost field.

    jsonschema leaves '$ref' out of schema paths, so a step missing from a node that holds a
    '$ref' means the path continues inside the referenced definition.
    """
    node, resolver = validator.schema, validator._resolver
    title, field_has_title, previous = node.get("title", ""), False, None
    for step in list(err.absolute_schema_path)[:-1]:  # the last step is the failing keyword
        while isinstance(node, dict) and "$ref" in node and step not in node:
            resolved = resolver.lookup(node["$ref"])
            resolver, node = resolved.resolver, resolved.contents
            if not field_has_title:  # a field without its own title takes its definition's
                title = node.get("title", title)
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if previous in ("properties", "patternProperties") or step in ("items", "additionalProperties"):
            field_has_title = isinstance(node, dict) and bool(node.get("title"))
            if field_has_title:
                title = node["title"]
        previous = step
    if isinstance(node, dict) and "$ref" in node and not field_has_title:  # a list item: its own title
        title = resolver.lookup(node["$ref"]).contents.get("title", title)
    return title


def _property_title(schema: dict, name: str) -> str:
    prop = schema.get("properties", {}).get(name, {})
    return prop.get("title", "") if isinstance(prop, dict) else ""


def _suggest(value: str, options: list[str]) -> str:
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    return f"; mente du '{close[0]}'?" if close else ""


_num = messages.number
