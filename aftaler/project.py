"""Where a run's document kinds, templates and catalogues come from, and which repository it is in.

A document kind is found by convention, not registered in code: `schemas/<kind>.schema.json`
(required), `templates/<kind>.docx` (its Word template), `templates/site/<kind>.md.j2` (its page)
and, when the kind has rules or computed fields beyond its schema, `kinds/<kind>.py`.

They come in layers, the first that has a file wins: the agreements repository's own folders
(`schemas/`, `templates/`, `catalogue/`, `kinds/` in its root, or where `aftaler.toml` says), then
the toolkit's, inside the installed package. So a municipality adds a kind, its own official
Word template or a new funding round as files in its repository, without forking the toolkit.
"""
from __future__ import annotations

import importlib
import importlib.util
import json
import re
import sys
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from .findings import Finding, Position, display_path, error
from .resources import packaged

SETTINGS_FILE = "aftaler.toml"
# The settings an agreements repository may make, with their defaults (paths from its root).
SETTINGS = {
    "aftalemappe": "agreements",   # the folder of agreement sets
    "outputmappe": "output",       # where build, status and bundle write
    "udvidelser": ".",             # holds the repository's own schemas/, templates/, catalogue/, kinds/
}
EDITOR_SCHEMAS = Path(".aftaler") / "skemaer"  # the schemas the editor reads, written by `aftaler init`


@dataclass(frozen=True)
class Layer:
    """One folder that kinds, templates and catalogues come from: it holds `schemas/`,
    `templates/`, `catalogue/` and `kinds/`, each optional."""

    folder: Path
    packaged: bool = False  # the toolkit's own: its rules are the modules aftaler.kinds.*

    @property
    def schemas(self) -> Path:
        return self.folder / "schemas"

    @property
    def templates(self) -> Path:
        return self.folder / "templates"

    @property
    def catalogue(self) -> Path:
        return self.folder / "catalogue"

    @property
    def kinds(self) -> Path:
        return self.folder / "kinds"


PACKAGED = Layer(packaged(""), packaged=True)


@dataclass(frozen=True)
class Kind:
    """A document kind: its name, schema and template, and its rules module if it has one."""

    name: str
    schema_path: Path
    template_path: Path | None
    rules_path: Path | None = None  # a repository's own kinds/<kind>.py; None: aftaler.kinds.<kind>

    @property
    def title(self) -> str:
        return json.loads(self.schema_path.read_text(encoding="utf-8")).get("title", self.name)

    def __getstate__(self) -> dict:
        # A kind travels to a render process without its module (modules do not pickle); the
        # process imports it again when asked.
        return {k: v for k, v in self.__dict__.items() if k != "module"}

    @cached_property
    def module(self):
        """The kind's model() and check(), or None when it has no rules beyond its schema."""
        module_name = self.name.replace("-", "_")
        if self.rules_path is not None:
            return _load_rules(self.rules_path, module_name)
        try:
            return importlib.import_module(f"aftaler.kinds.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith("aftaler.kinds"):
                return None
            raise


def _load_rules(path: Path, module_name: str):
    """A repository's own rules module, imported from its file (once per process)."""
    qualified = f"aftaler_udvidelser.{module_name}"
    if qualified not in sys.modules:
        spec = importlib.util.spec_from_file_location(qualified, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[qualified] = module
        spec.loader.exec_module(module)
    return sys.modules[qualified]


@dataclass(frozen=True, eq=False)
class Project:
    """The kinds, templates and catalogues of one run, read once and then kept."""

    layers: tuple[Layer, ...] = (PACKAGED,)
    template_overrides: dict = field(default_factory=dict)

    @classmethod
    def for_repository(cls, repository: Repository, template_overrides: dict | None = None) -> Project:
        """The repository's own folders over the toolkit's (the same folder counts once)."""
        own = Layer(repository.extensions)
        shadowed = any(_same(getattr(own, part), getattr(PACKAGED, part)) for part in ("schemas", "templates", "catalogue"))
        layers = (PACKAGED,) if shadowed else (own, PACKAGED)
        return cls(layers, dict(template_overrides or {}))

    # -------------------------------------------------------------- files by layer

    def _first(self, part: str, name: str) -> Path | None:
        for layer in self.layers:
            path = getattr(layer, part) / name
            if path.exists():
                return path
        return None

    def _all(self, part: str, pattern: str) -> dict[str, Path]:
        """Files matching `pattern` in every layer's `part`, by name; the first layer's wins."""
        found: dict[str, Path] = {}
        for layer in self.layers:
            folder = getattr(layer, part)
            if folder.is_dir():
                for path in sorted(folder.glob(pattern)):
                    found.setdefault(path.name, path)
        return dict(sorted(found.items()))

    def template(self, name: str) -> Path | None:
        """A Word template by kind (or 'status', 'anmodning'), unless --skabelon swapped it."""
        if name in self.template_overrides:
            return Path(self.template_overrides[name])
        return self._first("templates", f"{name}.docx")

    @property
    def site_templates(self) -> tuple[Path, ...]:
        """The folders the site's page templates come from, the first that has one wins."""
        return tuple(layer.templates / "site" for layer in self.layers if (layer.templates / "site").is_dir())

    def scaffolds(self) -> dict[str, Path]:
        """The set kinds `new` can start (`lbf`): folder of templates per kind."""
        found: dict[str, Path] = {}
        for layer in self.layers:
            folder = layer.templates / "ny"
            if folder.is_dir():
                for path in sorted(p for p in folder.iterdir() if p.is_dir()):
                    found.setdefault(path.name, path)
        return dict(sorted(found.items()))

    def folders(self) -> list[Path]:
        """Every folder whose files shape the outputs (for freshness keys and `serve`)."""
        return [getattr(layer, part) for layer in self.layers for part in ("schemas", "templates", "catalogue", "kinds")
                if getattr(layer, part).is_dir() and not (layer.packaged and part == "kinds")]

    # -------------------------------------------------------------- what they hold

    def kinds(self) -> dict[str, Kind]:
        return self._kinds

    @cached_property
    def _kinds(self) -> dict[str, Kind]:
        """Every schema not starting with '_' is a document kind."""
        result = {}
        for file_name, path in self._all("schemas", "*.schema.json").items():
            if file_name.startswith("_"):
                continue
            name = file_name.removesuffix(".schema.json")
            rules = self._first_rules(name)
            result[name] = Kind(name, path, self._first("templates", f"{name}.docx"), rules)
        return result

    def _first_rules(self, name: str) -> Path | None:
        for layer in self.layers:
            if layer.packaged:
                return None
            path = layer.kinds / f"{name.replace('-', '_')}.py"
            if path.is_file():
                return path
        return None

    def schema_documents(self) -> dict[str, dict]:
        return self._schema_documents

    @cached_property
    def _schema_documents(self) -> dict[str, dict]:
        """All schema files by file name, for resolving relative $refs between them."""
        return {name: json.loads(path.read_text(encoding="utf-8"))
                for name, path in self._all("schemas", "*.schema.json").items()}

    def catalogues(self) -> dict[str, dict]:
        return self._catalogues

    @cached_property
    def schema_tree(self):
        """The schemas walked beside the data (check/texts.py), built once: it keeps its answers."""
        from .check.schema_tree import SchemaTree
        return SchemaTree(self)

    @cached_property
    def validators(self) -> dict:
        """A draft-07 validator per kind, built once: building one costs more than using it."""
        from .check.schema import make_validator
        documents = self.schema_documents()
        return {name: make_validator(documents[kind.schema_path.name], documents) for name, kind in self.kinds().items()}

    def round_validators(self, catalogue: dict | None) -> dict:
        """The validators for a funding round: each schema with the round's catalogue filled in
        (authoring/round_schemas.py), built once per round and catalogue content."""
        if catalogue is None:
            return self.validators
        import hashlib
        key = hashlib.sha256(json.dumps(catalogue, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()
        if key not in self._round_validators:
            from .authoring.round_schemas import round_schema
            from .check.schema import make_validator
            documents = {name: round_schema(doc, catalogue) for name, doc in self.schema_documents().items()}
            self._round_validators[key] = {name: make_validator(documents[kind.schema_path.name], documents)
                                           for name, kind in self.kinds().items()}
        return self._round_validators[key]

    @cached_property
    def _round_validators(self) -> dict:
        return {}

    @cached_property
    def _catalogues(self) -> dict[str, dict]:
        """LBF reference data, one file per funding round, keyed by round ("2019-26")."""
        result = {}
        for path in self._all("catalogue", "*.yaml").values():
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)  # our own file: libyaml's speed
            data["pulje"] = str(data["pulje"])
            result.setdefault(data["pulje"], data)
        return result


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.resolve() == b.resolve()
    except OSError:
        return False


# ------------------------------------------------------------------ the agreements repository


@dataclass(frozen=True)
class Repository:
    """The agreements repository a command runs in: its root and its settings."""

    root: Path
    settings: dict = field(default_factory=dict)
    settings_file: Path | None = None

    def _path(self, key: str) -> Path:
        return self.root / self.settings.get(key, SETTINGS[key])

    @property
    def agreements(self) -> Path:
        return self._path("aftalemappe")

    @property
    def output(self) -> Path:
        return self._path("outputmappe")

    @property
    def extensions(self) -> Path:
        return self._path("udvidelser")

    @property
    def editor_schemas(self) -> Path:
        return self.root / EDITOR_SCHEMAS


class SettingsProblem(Exception):
    """aftaler.toml (or [tool.aftaler]) cannot be used; carries the positioned finding."""

    def __init__(self, finding: Finding):
        super().__init__(finding.message)
        self.finding = finding


def find_repository(start: Path) -> Repository:
    """The repository `start` is in, found as git finds its own: the nearest folder upwards with
    `aftaler.toml`, a `pyproject.toml` with `[tool.aftaler]`, or `.git`. Outside any, `start`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        settings_file = folder / SETTINGS_FILE
        if settings_file.is_file():
            return Repository(folder, _read_settings(settings_file, ("aftaler",)), settings_file)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and re.search(r"(?m)^\[tool\.aftaler\]", _text(pyproject)):
            return Repository(folder, _read_settings(pyproject, ("tool", "aftaler")), pyproject)
        if (folder / ".git").exists():
            return Repository(folder)
    return Repository(start)


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _read_settings(path: Path, table: tuple[str, ...]) -> dict:
    shown = display_path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsProblem(error(Position(shown), f"indstillingerne kan ikke læses ({exc.__class__.__name__})", "indstillinger"))
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"line (\d+), column (\d+)", str(exc))
        position = Position(shown, int(where[1]), int(where[2])) if where else Position(shown)
        raise SettingsProblem(error(position, "ugyldig TOML; se https://toml.io/da/ for formen", "indstillinger"))
    for key in table:
        data = data.get(key, {})
    if not isinstance(data, dict):
        raise SettingsProblem(error(Position(shown), f"[{'.'.join(table)}] skal være en tabel", "indstillinger"))
    lines = path.read_text(encoding="utf-8").splitlines()
    for key, value in data.items():
        line = next((n for n, text in enumerate(lines, 1) if re.match(rf"\s*{re.escape(key)}\s*=", text)), None)
        here = Position(shown, line, 1) if line else Position(shown)
        if key not in SETTINGS:
            raise SettingsProblem(error(here, f"ukendt indstilling '{key}'; mulige: {', '.join(SETTINGS)}", "indstillinger"))
        if not isinstance(value, str) or not value.strip():
            raise SettingsProblem(error(here, f"'{key}' skal være en mappe (tekst), fx \"{SETTINGS[key]}\"", "indstillinger"))
    return data
