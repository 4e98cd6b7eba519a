"""Where the project's data lives: schemas, templates, catalogue, and the document kinds.

A document kind is found by convention, not registered in code:
`schemas/<kind>.schema.json` (required), `templates/<kind>.docx` (its Word template) and, when
the kind has rules or computed fields beyond its schema, `aftaler/kinds/<kind>.py`.
"""
from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Kind:
    """A document kind: its name, schema and template, and its rules module if it has one."""

    name: str
    schema_path: Path
    template_path: Path | None

    @property
    def title(self) -> str:
        return json.loads(self.schema_path.read_text(encoding="utf-8")).get("title", self.name)

    def __getstate__(self) -> dict:
        # A kind travels to a render process without its module (modules do not pickle); the
        # process imports it again when asked.
        return {k: v for k, v in self.__dict__.items() if k != "module"}

    @cached_property
    def module(self):
        """`aftaler.kinds.<name>`: model() and check() for this kind, or None."""
        try:
            return importlib.import_module(f"aftaler.kinds.{self.name.replace('-', '_')}")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith("aftaler.kinds"):
                return None
            raise


@dataclass(frozen=True, eq=False)
class Project:
    """The project's files, read once per Project (one per command run) and then kept."""

    root: Path = ROOT
    template_overrides: dict = field(default_factory=dict)

    @property
    def schemas(self) -> Path:
        return self.root / "schemas"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def catalogue_dir(self) -> Path:
        return self.root / "catalogue"

    def kinds(self) -> dict[str, Kind]:
        return self._kinds

    @cached_property
    def _kinds(self) -> dict[str, Kind]:
        """Every schema not starting with '_' is a document kind."""
        result = {}
        for path in sorted(self.schemas.glob("*.schema.json")):
            if path.name.startswith("_"):
                continue
            name = path.name.removesuffix(".schema.json")
            template = self.templates / f"{name}.docx"
            result[name] = Kind(name, path, template if template.exists() else None)
        return result

    def schema_documents(self) -> dict[str, dict]:
        return self._schema_documents

    @cached_property
    def _schema_documents(self) -> dict[str, dict]:
        """All schema files by file name, for resolving relative $refs between them."""
        return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(self.schemas.glob("*.schema.json"))}

    def catalogues(self) -> dict[str, dict]:
        return self._catalogues

    @cached_property
    def validators(self) -> dict:
        """A draft-07 validator per kind, built once: building one costs more than using it."""
        from .schema_check import make_validator
        documents = self.schema_documents()
        return {name: make_validator(documents[kind.schema_path.name], documents) for name, kind in self.kinds().items()}

    @cached_property
    def _catalogues(self) -> dict[str, dict]:
        """LBF reference data, one file per funding round, keyed by round ("2019-26")."""
        result = {}
        for path in sorted(self.catalogue_dir.glob("*.yaml")):
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)  # our own file: libyaml's speed
            result[str(data["pulje"])] = data
        return result
