"""`init`: make a folder an agreements repository that authors and CI can use at once.

Writes, and leaves alone what the repository already has (unless asked to overwrite):

- aftaler.toml            marks the root and holds the settings (project.SETTINGS)
- agreements/             the folder of agreement sets
- .aftaler/skemaer/       the schemas the editor reads (always refreshed: they follow the
                          installed toolkit and the repository's own kinds)
- .vscode/settings.json   maps every kind's files to its schema (merged into an existing file)
- .vscode/extensions.json recommends the YAML extension
- .gitattributes          `*.docx diff=docx`, so `git diff` shows a Word file's text
- .gitignore              the output folder
- .pre-commit-config.yaml validation before each commit
- .github/workflows/aftaler.yml  validation and build on every push

`init_files` only computes the files; the command writes them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import jinja2

from ..project import EDITOR_SCHEMAS, Project, Repository
from .editor_schemas import editor_schemas, pipeline_for


@dataclass(frozen=True)
class Planned:
    """One file `init` writes: its content, and whether it replaces what is there."""

    path: Path
    data: bytes
    action: str  # "ny", "opdateret" or "uændret"


def toolkit_version() -> str:
    try:
        return version("aftaler")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "0"


def init_files(repository: Repository, project: Project, *, package: str | None = None,
               pre_commit_repo: str | None = None, rev: str | None = None,
               overwrite: bool = False) -> list[Planned]:
    """Every file `init` would write in `repository`, with what it does to each."""
    root = repository.root
    agreements = _posix(repository.agreements, root)
    output = _posix(repository.output, root)
    context = {"agreements": agreements, "output": output,
               "package": package or f"aftaler=={toolkit_version()}",
               "repo": pre_commit_repo, "rev": rev or f"v{toolkit_version()}"}
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(_init_templates(project)), keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
                             autoescape=False)
    render = lambda name: env.get_template(name).render(context).encode("utf-8")  # noqa: E731

    planned: list[Planned] = []
    kept = lambda path, data: _plan(path, data, overwrite)  # noqa: E731
    if repository.settings_file is None:
        planned.append(kept(root / "aftaler.toml", render("aftaler.toml.j2")))
    planned.append(kept(root / ".pre-commit-config.yaml", render("pre-commit-config.yaml.j2")))
    planned.append(kept(root / ".github" / "workflows" / "aftaler.yml", render("github-actions.yml.j2")))
    planned += [_plan(root / EDITOR_SCHEMAS / name, data, True) for name, data in editor_schema_files(project).items()]
    planned.append(_plan(root / ".vscode" / "settings.json", _vscode_settings(root, project, agreements), True))
    planned.append(kept(root / ".vscode" / "extensions.json",
                        _json({"recommendations": ["redhat.vscode-yaml"]})))
    planned.append(_plan(root / ".gitattributes", _with_line(root / ".gitattributes", "*.docx diff=docx"), True))
    planned.append(_plan(root / ".gitignore", _with_line(root / ".gitignore", f"/{output}/"), True))
    planned.append(kept(repository.agreements / ".gitkeep", b""))
    return planned


def editor_schema_files(project: Project) -> dict[str, bytes]:
    """The schemas for the editor, by file name: every schema of the project, the repository's
    own included, with the CLI's Danish messages and list-item snippets (editor_schemas.py)."""
    return {name: _json(document) for name, document in editor_schemas(project.schema_documents(), pipeline_for(project)).items()}


def stale_editor_schemas(repository: Repository, project: Project) -> list[str]:
    """Names of editor schemas that differ from what `init` would write (empty: up to date)."""
    folder = repository.root / EDITOR_SCHEMAS
    if not folder.is_dir():
        return []
    wanted = editor_schema_files(project)
    present = {p.name for p in folder.glob("*.json")}
    stale = [name for name, data in wanted.items() if not (folder / name).is_file() or (folder / name).read_bytes() != data]
    return sorted(stale + sorted(present - set(wanted)))


def _init_templates(project: Project) -> list[Path]:
    return [layer.templates / "init" for layer in project.layers if (layer.templates / "init").is_dir()]


def _plan(path: Path, data: bytes, replace: bool) -> Planned:
    if not path.exists():
        return Planned(path, data, "ny")
    if path.is_file() and path.read_bytes() == data:
        return Planned(path, data, "uændret")
    return Planned(path, data, "opdateret") if replace else Planned(path, path.read_bytes(), "uændret")


def _vscode_settings(root: Path, project: Project, agreements: str) -> bytes:
    """.vscode/settings.json with `yaml.schemas` for every kind; the rest of an existing file kept."""
    path = root / ".vscode" / "settings.json"
    try:
        settings = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, ValueError):
        settings = {}  # not JSON (VS Code allows comments): rewritten whole
    if not isinstance(settings, dict):
        settings = {}
    schemas = {f"./{EDITOR_SCHEMAS.as_posix()}/{name}.schema.json": [f"{agreements}/*/{name}.yaml", f"{agreements}/*/{name}-*.yaml"]
               for name in project.kinds()}
    settings["yaml.schemas"] = schemas
    return _json(settings)


def _with_line(path: Path, line: str) -> bytes:
    """The file's text with `line` added at the end, unless it has it already."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if line in text.splitlines():
        return text.encode("utf-8")
    return (text + ("" if not text or text.endswith("\n") else "\n") + line + "\n").encode("utf-8")


def _json(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _posix(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
