"""The kinds' JSON Schemas walked beside the data: titles for labels, and which strings are Markdown.

Used by check/texts.py (which text is Markdown) and by review/changes (labels, Markdown-ness);
light to import, so `validate` stays quick to start."""
from __future__ import annotations

from ..project import Project


class SchemaTree:
    """The kinds' JSON Schemas, walked beside the data: titles for labels; which strings are Markdown."""

    # A node is (schema, the file it is in): our $refs are 'file#/pointer' or '#/pointer', resolved
    # here by file name (no JSON Schema library needed to walk them).

    def __init__(self, project: Project):
        self.documents = project.schema_documents()
        self.kinds = project.kinds()
        # child() by (schema, file, key): every value of every document asks it, and the schemas'
        # nodes are few. Keyed by the schema's id, which lives as long as self.documents holds it;
        # every list index has the same answer (the items).
        self._children: dict = {}

    def root(self, kind: str):
        known = self.kinds.get(kind)
        if known is None:
            return None
        name = known.schema_path.name
        return self.documents[name], name

    def resolve(self, node):
        if node is None:
            return None
        schema, base = node
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema and seen < 64:  # a loop of refs ends
            name, _, pointer = str(schema["$ref"]).partition("#")
            base = name or base
            schema = self.documents.get(base)
            for step in (part.replace("~1", "/").replace("~0", "~") for part in pointer.split("/") if part):
                schema = schema.get(step) if isinstance(schema, dict) else None
            seen += 1
        return schema, base

    def child(self, node, key):
        """The schema of a property (str key) or of a list's items (int key)."""
        if node is None:
            return None
        memo = (id(node[0]), node[1], None if isinstance(key, int) else key)
        found = self._children.get(memo, self)
        if found is self:
            found = self._children[memo] = self._child(node, key)
        return found

    def _child(self, node, key):
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
