"""The schemas the editor reads, made from the source schemas by a pipeline of transforms.

yaml-language-server shows a schema's `errorMessage` and `patternErrorMessage` as they are, so
the editor's schemas carry the CLI's Danish words (check/messages.py) for type, enum, pattern,
required and unknown-field errors. One schema node has one `errorMessage` for all its keywords,
so `required` and `additionalProperties` move into `allOf` parts, each with its own message.
$refs are inlined first, so that every field's message names the heading the CLI names.

Each transform takes a schema (and all documents as the steps before left them, for $refs) and returns a new schema;
another step (say, per-round enums) is one more function in PIPELINE.
"""
from __future__ import annotations

import copy
import re
from typing import Callable

from ..check import messages
from .round_schemas import every_round_schema

Transform = Callable[[dict, str, dict], dict]  # (schema, its file name, all documents) -> schema
PLACEHOLDER = "UDFYLD"
_SUBSCHEMA_MAPS = ("properties", "patternProperties", "dependencies")  # a dependency's list stays as it is
_SUBSCHEMA_LISTS = ("anyOf", "oneOf", "allOf")
_SUBSCHEMA_ONE = ("items", "additionalProperties", "not")


def inline_refs(schema: dict, name: str, documents: dict) -> dict:
    """Every $ref replaced by what it points at, the referring node's own keys kept on top."""
    def resolve(node, here: str, seen: tuple):
        if isinstance(node, list):
            return [resolve(v, here, seen) for v in node]
        if not isinstance(node, dict):
            return node
        if isinstance(node.get("$ref"), str):
            file, _, pointer = node["$ref"].partition("#")
            target_file = file or here
            key = (target_file, pointer)
            if key in seen or target_file not in documents:  # recursive or unknown: left as it is
                return {k: resolve(v, here, seen) if k != "$ref" else v for k, v in node.items()}
            target = documents[target_file]
            for part in [p for p in pointer.split("/") if p]:
                target = target[part.replace("~1", "/").replace("~0", "~")]
            merged = dict(resolve(target, target_file, seen + (key,)))
            merged.update({k: resolve(v, here, seen) for k, v in node.items() if k != "$ref"})
            return merged
        return {k: v if k in ("examples", "defaultSnippets", "enum", "const", "default") else resolve(v, here, seen)
                for k, v in node.items()}

    result = resolve(schema, name, ())
    if not name.startswith("_"):  # a kind needs no definitions once inlined; shared files keep theirs
        result.pop("definitions", None)
    return result


def drop_array_examples(schema: dict, name: str, documents: dict) -> dict:
    """yaml-language-server offers a list's or an object's `examples` as a completion labelled
    '[object Object]'; the field's description already shows the example in its hover."""
    def walk(node):
        if isinstance(node, dict):
            if any(isinstance(e, (dict, list)) for e in node.get("examples", [])):
                node.pop("examples")
            for key, value in node.items():
                if key not in ("defaultSnippets", "examples", "enum", "const"):
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    schema = copy.deepcopy(schema)
    walk(schema)
    return schema


def list_item_snippets(schema: dict, name: str, documents: dict) -> dict:
    """An item's snippets offered on its list as well, with the body as a list item: accepted on
    an empty line under `aktiviteter:` they insert `- id: …`, not a mapping beside the items."""
    def walk(node):
        if isinstance(node, dict):
            items = node.get("items")
            if node.get("type") == "array" and isinstance(items, dict) and items.get("defaultSnippets"):
                own = node.setdefault("defaultSnippets", [])
                # On a list, yaml-language-server writes '- ' before the body's first key itself.
                moved = [s for s in items["defaultSnippets"] if isinstance(s.get("body"), dict)]
                own += moved
                # Left on the item too, the server would also offer it on that empty line as a bare
                # mapping (it looks into `items` for snippets), which breaks the list.
                items["defaultSnippets"] = [s for s in items["defaultSnippets"] if s not in moved]
                if not items["defaultSnippets"]:
                    del items["defaultSnippets"]
            for key, value in node.items():
                if key not in ("defaultSnippets", "examples", "enum", "const"):
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    schema = copy.deepcopy(schema)
    walk(schema)
    return schema


def danish_messages(schema: dict, name: str, documents: dict) -> dict:
    """errorMessage/patternErrorMessage with the CLI's words on every field."""
    def walk(node, title: str, branch: bool = False):
        # As the CLI names a field: by its own heading (or its definition's), while the parts of
        # an anyOf/oneOf/allOf are the same field and keep the field's heading.
        if not isinstance(node, dict):
            return node
        title = title if branch else node.get("title") or title
        field = messages.field_name(title)
        out = {}
        for key, value in node.items():
            if key in _SUBSCHEMA_MAPS and isinstance(value, dict):
                out[key] = {k: walk(v, title) for k, v in value.items()}
            elif key in ("anyOf", "oneOf") and _only_required(value):
                names = sorted({name for branch in value for name in branch["required"][:1]})
                out[key] = [{**branch, "errorMessage": messages.one_of_required(field, names)} for branch in value]
            elif key in _SUBSCHEMA_LISTS and isinstance(value, list):
                out[key] = [walk(v, title, branch=True) for v in value]
                if key in ("anyOf", "oneOf"):
                    out[key] = [_type_as_list(b) for b in out[key]]
            elif key in _SUBSCHEMA_ONE and isinstance(value, dict):
                out[key] = walk(value, title)
            else:
                out[key] = value
        if "enum" in out:
            out["errorMessage"] = messages.not_in_list(field, [str(o) for o in out["enum"]])
        elif "const" in out:
            out["errorMessage"] = messages.not_const(field, out["const"])
        elif "type" in out:
            wanted = out["type"] if isinstance(out["type"], list) else [out["type"]]
            out["errorMessage"] = messages.wrong_type(field, wanted)
        if isinstance(out.get("pattern"), str):
            out["patternErrorMessage"] = messages.bad_pattern(field, out["pattern"])
        parts = []
        properties = out.get("properties", {})
        for required in out.pop("required", []) if isinstance(out.get("required"), list) else []:
            prop = properties.get(required, {})
            parts.append({"required": [required],
                          "errorMessage": messages.required(field, required, prop.get("title", "") if isinstance(prop, dict) else "")})
        if out.get("additionalProperties") is False:
            del out["additionalProperties"]
            known = [f"^{re.escape(k)}$" for k in properties] + list(out.get("patternProperties", {}))
            parts.append({"patternProperties": {"|".join(f"(?:{p})" for p in known) or "^$": True},
                          "additionalProperties": False,
                          "errorMessage": messages.unknown_field(field, allowed=list(properties))})
        if parts:
            out["allOf"] = out.get("allOf", []) + parts
        return out

    return walk(schema, "")


def _type_as_list(branch):
    """An alternative's `type: integer` as `type: [integer]`, which means the same. When no
    alternative fits, yaml-language-server joins the alternatives' type errors into one English
    'Incorrect type. Expected "integer | …"' and drops their errorMessage — but only for a type
    given as one name; a list keeps the first alternative's Danish message, as the CLI words it."""
    if isinstance(branch, dict) and isinstance(branch.get("type"), str):
        return {**branch, "type": [branch["type"]]}
    return branch


def _only_required(branches) -> bool:
    """anyOf/oneOf that asks for one of several fields: the CLI says so in one message."""
    return isinstance(branches, list) and bool(branches) and all(
        isinstance(b, dict) and isinstance(b.get("required"), list) and b["required"]
        and set(b) <= {"required", "title", "description"} for b in branches)


PIPELINE: list[Transform] = [inline_refs, drop_array_examples, list_item_snippets, danish_messages]


def pipeline_for(project) -> list[Transform]:
    """The transforms for a project's editor schemas. A step that needs the project's data (say,
    the catalogue's ids per funding round) is made here from it, e.g. a functools.partial."""
    catalogues = project.catalogues()
    if not catalogues:
        return list(PIPELINE)

    def every_round_ids(schema: dict, name: str, documents: dict) -> dict:
        return every_round_schema(schema, catalogues)

    # before inline_refs: the $ref'd files (_faelles) get their ids with the rest
    return [every_round_ids, *PIPELINE]


def editor_schemas(documents: dict[str, dict], pipeline: list[Transform] = PIPELINE) -> dict[str, dict]:
    """Every source schema by file name, as the editor should read it. Each step runs over all
    files before the next, so a step sees the files as the steps before it left them (inline_refs
    inlines the ids an earlier step filled into _faelles)."""
    for transform in pipeline:
        documents = {name: transform(schema, name, documents) for name, schema in documents.items()}
    return documents
