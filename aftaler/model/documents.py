"""Model: the validated set, completed so templates can rely on every field being there.

Optional fields the author left out become None (or [] for lists), following the kind's schema.
Templates then use `{% if p.kontaktperson %}` without tripping StrictUndefined, while a typo in
a template still fails loudly. The kind modules compute the rest (totals, names, shares).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..check.schema_tree import SchemaTree
from ..load.sets import AgreementSet
from ..load.source import Source
from ..project import Kind, Project
from .text import AuthorMarkdown


def complete_set(aset: AgreementSet, project: Project) -> AgreementSet:
    """A copy of the set whose documents carry every schema field (absent ones as None/[])."""
    if aset.complete:
        return aset
    documents = project.schema_documents()
    lookup = _Lookup(project.schema_tree)
    kinds = project.kinds()
    sources = []
    for source in aset.sources:
        kind = kinds.get(source.kind)
        if kind is None or source.data is None:
            sources.append(source)
            continue
        name = kind.schema_path.name
        data = _complete(source.data, documents[name], name, lookup)
        sources.append(dataclasses.replace(source, data=data))
    return dataclasses.replace(aset, sources=sources, complete=True)


def set_context(aset: AgreementSet, project: Project) -> dict:
    """What every kind's rules and model may consult: the set and its catalogue (its round's:
    the set's own, the repository's or the toolkit's; check/catalogue.py)."""
    from ..check.catalogue import set_round
    catalogue, _ = set_round(aset, project)  # validation has reported a round without a catalogue
    return {"catalogue": catalogue, "project": project}


@dataclass(frozen=True)
class DocumentModel:
    """One document ready to render: where it came from, its kind, and its template context."""

    source: Source
    kind: Kind
    model: dict


def document_models(aset: AgreementSet, project: Project) -> list[DocumentModel]:
    """Every document of a validated set with its model, computed once for Word and the site."""
    aset = complete_set(aset, project)
    context = set_context(aset, project)
    kinds = project.kinds()
    result = []
    for source in aset.sources:
        kind = kinds.get(source.kind)
        if kind is None or source.data is None:
            continue
        module = kind.module
        model = module.model(source, aset, context) if module and hasattr(module, "model") else dict(source.data)
        result.append(DocumentModel(source, kind, model))
    return result


class _Lookup:
    """`$ref`s resolved once each, by the schema file they are in and their text, with the
    schemas' own walker (check/schema_tree.py: our refs are 'file#/pointer' or '#/pointer'); a
    set's documents meet thousands of refs to a few dozen definitions."""

    def __init__(self, tree):
        self._tree = tree
        self._done: dict[tuple[str, str], tuple] = {}

    def __call__(self, base: str, ref: str) -> tuple:
        """(the node `ref` points to, the schema file it is in)."""
        if (base, ref) not in self._done:
            self._done[base, ref] = self._tree.resolve(({"$ref": ref}, base))
        return self._done[base, ref]


def _resolve(node, base: str, lookup: _Lookup):
    while isinstance(node, dict) and "$ref" in node:
        node, base = lookup(base, node["$ref"])
    return node, base


def _complete(value, node, base: str, lookup: _Lookup):
    if isinstance(value, str) and SchemaTree.is_markdown((node, base)):
        return AuthorMarkdown(value)
    node, base = _resolve(node, base, lookup)
    if not isinstance(node, dict):
        return value
    if isinstance(value, dict):
        properties = node.get("properties", {})
        result = {}
        for key, sub in properties.items():
            if key in value:
                result[key] = _complete(value[key], sub, base, lookup)
            else:
                sub_node, _ = _resolve(sub, base, lookup)
                result[key] = [] if isinstance(sub_node, dict) and sub_node.get("type") == "array" else None
        extra = node.get("additionalProperties")
        for key, item in value.items():
            if key not in result:
                result[key] = _complete(item, extra, base, lookup) if isinstance(extra, dict) else item
        return result
    if isinstance(value, list):
        return [_complete(item, node.get("items", {}), base, lookup) for item in value]
    return value
