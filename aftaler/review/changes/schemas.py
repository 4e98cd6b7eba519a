"""The kinds' JSON Schemas beside the data: titles for labels, and which strings are Markdown."""
from __future__ import annotations

from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from ...project import Project


class _Schemas:
    """The kinds' JSON Schemas, walked beside the data: titles for labels; which strings are Markdown."""

    def __init__(self, project: Project):
        documents = project.schema_documents()
        self.registry = Registry().with_resources(
            (name, Resource.from_contents(doc, default_specification=DRAFT7)) for name, doc in documents.items())
        self.documents = documents
        self.kinds = project.kinds()

    def root(self, kind: str):
        known = self.kinds.get(kind)
        if known is None:
            return None
        name = known.schema_path.name
        return self.documents[name], self.registry.resolver(base_uri=name)

    @staticmethod
    def resolve(node):
        if node is None:
            return None
        schema, resolver = node
        while isinstance(schema, dict) and "$ref" in schema:
            found = resolver.lookup(schema["$ref"])
            schema, resolver = found.contents, found.resolver
        return schema, resolver

    def child(self, node, key):
        """The schema of a property (str key) or of a list's items (int key)."""
        resolved = self.resolve(node)
        if resolved is None or not isinstance(resolved[0], dict):
            return None
        schema, resolver = resolved
        if isinstance(key, int):
            sub = schema.get("items")
        else:
            sub = schema.get("properties", {}).get(key, schema.get("additionalProperties"))
        return (sub, resolver) if isinstance(sub, dict) else None

    def is_property(self, node, key) -> bool:
        resolved = self.resolve(node)
        return resolved is not None and isinstance(resolved[0], dict) and key in resolved[0].get("properties", {})

    def title(self, node, fallback: str) -> str:
        if node is None:
            return fallback
        if isinstance(node[0], dict) and node[0].get("title"):
            return node[0]["title"]
        resolved = self.resolve(node)
        return resolved[0].get("title", fallback) if isinstance(resolved[0], dict) else fallback

    @staticmethod
    def is_markdown(node) -> bool:
        return node is not None and str(node[0].get("$ref", "")).endswith("/definitions/tekst")
