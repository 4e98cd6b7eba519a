"""The schemas the editor uses agree with the catalogue and are valid draft-07 with Danish text."""
from __future__ import annotations

import json

import pytest
from jsonschema import Draft7Validator

from aftaler.project import Project
from conftest import ROOT

PROJECT = Project()
SCHEMAS = sorted((ROOT / "schemas").glob("*.schema.json"))


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_valid_draft7_and_closed(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    assert schema.get("$schema", "").startswith("http://json-schema.org/draft-07/") or path.name.startswith("_")

    def objects(node, where):
        if isinstance(node, dict):
            if node.get("type") == "object":
                yield where, node
            for key, value in node.items():
                yield from objects(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from objects(value, f"{where}/{i}")

    for where, node in objects(schema, ""):
        if "/examples" in where or "/defaultSnippets" in where:
            continue
        assert "additionalProperties" in node, f"{path.name}{where} is open"
        for name, prop in node.get("properties", {}).items():
            assert prop.get("title") and prop.get("description"), f"{path.name}{where}/{name} has no Danish title/description"


def _enums(node, key):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key and isinstance(v, dict) and "enum" in v:
                yield v["enum"]
            yield from _enums(v, key)
    elif isinstance(node, list):
        for v in node:
            yield from _enums(v, key)


def test_catalogue_ids_in_schemas_match_the_catalogue():
    """The schemas name no round; the schema made for a round carries its catalogue's ids."""
    from aftaler.authoring.round_schemas import round_schema
    catalogue = PROJECT.catalogues()["2019-26"]
    areas = [a["id"] for a in catalogue["indsatsomraader"]]
    indicators = [i["id"] for g in catalogue["maal"] for i in g["indikatorer"]]
    types = [t["nr"] for t in catalogue["udgiftstyper"]]
    assert not any(list(_enums(doc, key)) for doc in PROJECT.schema_documents().values()
                   for key in ("indsatsomraade", "omraade", "indikator", "pulje", "gruppe", "udgiftstype"))
    docs = {name: round_schema(doc, catalogue) for name, doc in PROJECT.schema_documents().items()}
    assert list(_enums(docs["delaftale.schema.json"], "indsatsomraade")) == [areas]
    assert all(e == areas for e in _enums(docs["samarbejdsaftale.schema.json"], "omraade"))
    assert all(e == indicators for e in _enums(docs["samarbejdsaftale.schema.json"], "indikator"))
    assert all(e == types for e in _enums(docs["budget.schema.json"], "udgiftstype"))
