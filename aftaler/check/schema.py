"""Validate one loaded source against its JSON Schema, with Danish messages and positions.

Messages are built from the error's validator, value and the schema's Danish `title`s (never by
translating jsonschema's English text), and placed with the source's positions.
"""
from __future__ import annotations

import base64
import dataclasses
import difflib
import functools
import json
import marshal
import re
import sys
from dataclasses import dataclass, field

import fastjsonschema

from ..characters import unseen, visible
from ..danish import parse_date
from ..findings import Finding, error
from ..load.source import Source
from . import messages

DANISH_THOUSANDS = re.compile(r"^-?[1-9]\d{0,2}(\.\d{3})+$")



def _is_integer(checker, value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(checker, value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@functools.lru_cache(maxsize=None)
def ecma_pattern(pattern: str) -> re.Pattern:
    """A schema's pattern as ECMA-262 reads it: `$` is the end of the text. (Python's `$` also
    matches before a final newline, so 'bo-a\\n' would pass '^[a-z0-9-]*$'.)"""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        out.append(r"\Z" if char == "$" and not in_class else char)
        i += 1
    return re.compile("".join(out))


def _pattern(validator, pattern, instance, schema):
    import jsonschema
    if validator.is_type(instance, "string") and not ecma_pattern(pattern).search(instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


@functools.cache
def _jsonschema():
    """jsonschema, set up our way: (validator class, format checker, Registry, Resource, DRAFT7).
    Imported only when a document is invalid (≈0,1 s of every start otherwise)."""
    import jsonschema
    from jsonschema import Draft7Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    types = Draft7Validator.TYPE_CHECKER.redefine_many({"integer": _is_integer, "number": _is_number})
    strict = jsonschema.validators.extend(Draft7Validator, validators={"pattern": _pattern}, type_checker=types)
    formats = jsonschema.FormatChecker(["email"])
    formats.checks("dato")(lambda value: not isinstance(value, str) or parse_date(value) is not None)
    return strict, formats, Registry, Resource, DRAFT7


@dataclass
class SchemaValidator:
    """A kind's schema, checked two ways. fastjsonschema compiles the schema to Python code and
    answers "valid or not" ≈50× faster than jsonschema, but stops at the first error with English
    text; so it only lets a valid document through, and an invalid one (or any doubt: it is
    stricter about e-mail addresses) is checked again by jsonschema, whose errors we explain."""

    schema: dict = field(repr=False)
    name: str
    schema_documents: dict[str, dict] = field(repr=False)

    @functools.cached_property
    def fast(self):
        return _compiled(self.name, self.schema_documents)

    @functools.cached_property
    def full(self):
        """A draft-07 validator whose relative refs ('_faelles.schema.json#/…') resolve by file name."""
        strict, formats, registry, resource, draft7 = _jsonschema()
        documents = registry().with_resources(
            (name, resource.from_contents(doc, default_specification=draft7)) for name, doc in self.schema_documents.items())
        return strict(self.schema, registry=documents, format_checker=formats)

    def is_valid(self, data) -> bool:
        try:
            self.fast(data, custom_formats=_FAST_FORMATS)
        except fastjsonschema.JsonSchemaException:
            return False
        return True


def make_validator(schema: dict, schema_documents: dict[str, dict]) -> SchemaValidator:
    name = next((n for n, doc in schema_documents.items() if doc is schema), None)
    if name is None:  # a schema of its own (a part of one, in the tests): compiled beside the files
        name, schema_documents = "<skema>", {**schema_documents, "<skema>": schema}
    return SchemaValidator(schema, name, schema_documents)


def check(source: Source, validator: SchemaValidator) -> list[Finding]:
    if validator.is_valid(source.data):
        return []
    findings = []
    for err in validator.full.iter_errors(source.data):
        findings.extend(_explain(err, source, validator.full))
    return sorted(set(findings))


_FAST_FORMATS = {"dato": lambda value: parse_date(value) is not None}


def _compiled(name: str, schema_documents: dict[str, dict]):
    """fastjsonschema's validate function for one schema file. Generating the code costs ≈40 ms a
    schema and compiling it ≈10 ms, so the compiled code is kept in the template cache (as
    marshal's bytes in base64, for this Python only), keyed by every schema file's text."""
    from ..render.template_cache import derived_text

    documents, text = _prepared(schema_documents)
    source = json.dumps(name, ensure_ascii=False) + "\0" + text

    def derive(_):
        code = _strict_integers(fastjsonschema.compile_to_code(
            documents[name], handlers={"aftaler": lambda uri: documents[uri.partition(":")[2].partition("#")[0]]},
            formats=_FAST_FORMATS, use_default=False, detailed_exceptions=False))
        return base64.b64encode(marshal.dumps(compile(code, f"<skema {name}>", "exec"))).decode("ascii")

    compiled = derived_text(f"fastjsonschema {fastjsonschema.VERSION} draft-07 strict-integer "
                            f"{sys.implementation.cache_tag} marshal {marshal.version}", source, derive)
    namespace: dict = {}
    exec(marshal.loads(base64.b64decode(compiled)), namespace)  # our own schema's code, compiled above
    return namespace["validate"]


_last_prepared: list = []  # [(schema_documents, its _prepared)]: every kind's schema of a round shares them


def _prepared(schema_documents: dict[str, dict]) -> tuple[dict, str]:
    """The schema files with absolute refs (_absolute_refs), and their JSON as the cache key's text.
    The same for every kind's schema: made once for the last files asked about (≈5 ms a kind)."""
    if _last_prepared and _last_prepared[0][0] is schema_documents:
        return _last_prepared[0][1]
    documents = {n: _absolute_refs(doc, n) for n, doc in schema_documents.items()}
    prepared = documents, json.dumps(documents, sort_keys=True, ensure_ascii=False)
    _last_prepared[:] = [(schema_documents, prepared)]
    return prepared


# fastjsonschema follows draft 6+ and takes 2.0 for an integer; we do not (an author's "2.0" kroner
# is a mistake to name, see _is_integer), so the compiled code's float exception is taken out.
_FLOAT_AS_INTEGER = re.compile(r" and not \(isinstance\((\w+), float\) and \1\.is_integer\(\)\)")


def _strict_integers(code: str) -> str:
    return _FLOAT_AS_INTEGER.sub("", code)


def _absolute_refs(node, document: str):
    """Every $ref as 'aftaler:<file>#<pointer>', so fastjsonschema resolves it by file name, and
    every pattern as jsonschema here reads it (ECMA's `$`, see ecma_pattern)."""
    if isinstance(node, dict):
        return {key: (f"aftaler:{value.partition('#')[0] or document}#{value.partition('#')[2]}"
                      if key == "$ref" and isinstance(value, str) else
                      ecma_pattern(value).pattern if key == "pattern" and isinstance(value, str) else
                      _absolute_refs(value, document))
                for key, value in node.items()}
    if isinstance(node, list):
        return [_absolute_refs(item, document) for item in node]
    return node


def _split_by_comma(mapping, key) -> bool:
    """A "field" with no value whose name is words: the tail of a text in `{…}` cut off at a comma
    (`{note: heraf 315 boliger i blokke, der rives ned}`)."""
    return isinstance(mapping, dict) and mapping.get(key) is None and " " in str(key).strip()


def _comma_hint(key: str) -> str:
    return (f"; står der et komma i en tekst i {{…}}? Så deler YAML teksten ved kommaet, og '{key}' bliver et felt "
            "for sig: sæt teksten i anførselstegn, fx note: \"…, der rives ned\"")


def _explain(err, source: Source, validator) -> list[Finding]:
    path = tuple(err.absolute_path)
    field = _field_name(err, validator, path)
    kind = err.validator
    value = visible(err.instance) if isinstance(err.instance, str) else err.instance
    hidden = _hidden(err.instance)
    at = source.position(path)

    if kind in ("anyOf", "oneOf") and err.context:
        # Report the alternative that got furthest, which is the one the author meant: first of
        # all the one of the value's own type ({ca: 2.300} meant the section with 'ca', not the
        # whole number beside it).
        from jsonschema.exceptions import best_match
        meant = _meant_branch(err)
        best = best_match(meant or err.context)
        if best is not None and (best.validator not in ("anyOf", "oneOf", "required") or meant):
            found = _explain(best, source, validator)
            same_value = list(best.absolute_path) == list(err.absolute_path)
            number = isinstance(err.instance, (int, float)) and not isinstance(err.instance, bool)
            # the other forms help one who wrote a word or a list; one who wrote 1.056 meant a number
            others = _other_forms(err, best) if best.validator == "type" and same_value and not number else ""
            return [dataclasses.replace(f, message=f.message + others) for f in found] if others else found
        names = sorted({e.validator_value[0] for e in err.context if e.validator == "required" and e.validator_value})
        if names:
            return [error(at, messages.one_of_required(field, names), "skema")]
        return [error(at, f"{field} har ikke en gyldig form", "skema")]
    if kind == "oneOf" and isinstance(err.instance, dict):
        # Every alternative fits: more than one of the fields it wants one of.
        names = sorted(n for b in err.validator_value if isinstance(b, dict) for n in b.get("required", [])[:1]
                       if n in err.instance)
        if len(names) > 1:
            return [error(at, messages.only_one_of(field, names), "skema")]
    if kind == "required":
        missing = [name for name in err.validator_value if isinstance(value, dict) and name not in value]
        title = _property_title(err.schema, missing[0]) if missing else ""
        return [error(at, messages.required(field, missing[0] if missing else "", title), "skema")]
    if kind == "additionalProperties":
        allowed = sorted(err.schema.get("properties", {}))
        return [error(source.position(path + (key,), key=True),
                      (f"ukendt felt '{key}' i {field}" + _comma_hint(key)) if _split_by_comma(value, key) else
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
        if ({"integer", "number"} & set(wanted) and isinstance(value, str) and _KEPT_NUMBER.match(value)
                and value == source_text(source, path)):
            return [error(at, f"{field} er {value}, som er for stort eller for småt et tal: højst 15 cifre før "
                              "kommaet og ikke mindre end 0,000000000000001", "tal")]
        return [error(at, messages.wrong_type(field, wanted, value), "skema")]
    if kind == "enum":
        options = [str(o) for o in err.validator_value]
        return [error(at, messages.not_in_list(field, options, value, _suggest(str(value), options)), "katalog")]
    if kind == "const":
        return [error(at, messages.not_const(field, err.validator_value), "skema")]
    if kind == "format" and err.validator_value == "dato":
        return [error(at, messages.bad_date(field, value) + hidden, "dato")]
    if kind == "format":
        return [error(at, f"{field} er '{value}', som ikke er en gyldig {err.validator_value}{hidden}", "skema")]
    if kind == "pattern":
        rule = ("dato" if messages.is_date_pattern(err.validator_value)
                else "id" if messages.is_id_pattern(err.validator_value) else "skema")
        return [error(at, messages.bad_pattern(field, err.validator_value, value) + hidden, rule)]
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


_JSON_TYPES = {"integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
               "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
               "string": lambda v: isinstance(v, str), "object": lambda v: isinstance(v, dict),
               "array": lambda v: isinstance(v, list), "boolean": lambda v: isinstance(v, bool),
               "null": lambda v: v is None}


def _fits(branch, value) -> bool:
    """Whether an alternative of an anyOf/oneOf is meant for a value like this one: its type is the
    value's, or it lists a value close to it ('Ikke oplyst' for 'ikke oplyst')."""
    if not isinstance(branch, dict):
        return False
    if "type" in branch:
        wanted = branch["type"] if isinstance(branch["type"], list) else [branch["type"]]
        return any(_JSON_TYPES.get(t, lambda v: False)(value) for t in wanted)
    if isinstance(value, str) and isinstance(branch.get("enum"), list):
        return bool(_suggest(value, [str(o) for o in branch["enum"]]))
    return False


def _meant_branch(err) -> list:
    """The errors of the alternatives meant for the value (see _fits), or [] when none is."""
    branches = err.validator_value if isinstance(err.validator_value, list) else []
    meant = {i for i, b in enumerate(branches) if _fits(b, err.instance)}
    return [e for e in err.context if e.relative_schema_path and e.relative_schema_path[0] in meant]


def _form(branch) -> str | None:
    """An alternative as an author writes it: 'et helt tal', "'ikke oplyst'", '{ca: …}'."""
    if not isinstance(branch, dict) or "$ref" in branch:
        return None
    if isinstance(branch.get("enum"), list) and "type" not in branch:
        return " eller ".join(f"'{o}'" for o in branch["enum"])
    if branch.get("type") == "object" and branch.get("required"):
        return "{" + ", ".join(f"{name}: …" for name in branch["required"]) + "}"
    if isinstance(branch.get("type"), str) and branch["type"] != "null":
        return messages.TYPE_NAMES.get(branch["type"])
    return None


def _other_forms(err, best) -> str:
    """'; andre mulige former: {ca: …} eller 'ikke oplyst'' — the alternatives besides the one
    the message is about, when each can be said (not for a reference or an empty value)."""
    branches = err.validator_value if isinstance(err.validator_value, list) else []
    while best.parent is not None and best.parent is not err:  # the alternative it is in
        best = best.parent
    chosen = best.relative_schema_path[0] if best.relative_schema_path else None
    forms = [_form(b) for i, b in enumerate(branches) if i != chosen]
    if not forms or None in forms:
        return ""
    return "; andre mulige former: " + " eller ".join(forms)


# A number the loader kept as text because it is out of bounds (see load/source.py's _scalar).
_KEPT_NUMBER = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")


def source_text(source: Source, path: tuple) -> str | None:
    """The value at `path` as typed, when it was a plain (unquoted) scalar on one line."""
    position = source.position(path)
    lines = source.text.split("\n")
    if not position.line or position.line > len(lines):
        return None
    rest = lines[position.line - 1][position.column - 1:]
    match = re.match(r"[^\s,}\]#]+", rest)
    return match.group() if match and not rest.startswith(("'", '"')) else None


def _hidden(value) -> str:
    """'; der står U+00A0 (hårdt mellemrum), som ligner et almindeligt tegn' for a value with
    characters the author cannot see, so a refused date does not look valid."""
    found = unseen(value) if isinstance(value, str) else []
    if not found:
        return ""
    return f"; der står tegn, der ikke kan ses eller ligner almindelige tegn: {', '.join(found)} — skriv værdien om"


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
