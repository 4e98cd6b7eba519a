"""The build, top to bottom: find sets → load → validate → model → render → write.

Everything is read, checked and rendered in memory before anything is written, so a failed
run leaves `output/` exactly as it was.
"""
from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import docx_package
from .agreement_set import AgreementSet, find_sets, load_set
from .findings import Finding, Position, error, has_errors
from .model import complete_set
from .project import Project
from .render_word import TemplateProblem, render_docx
from .validate import set_context, validate_set


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)


def load_and_validate(paths: list[Path], project: Project) -> tuple[list[AgreementSet], list[Finding]]:
    folders, findings = find_sets(paths)
    sets = []
    for folder in folders:
        aset, problems = load_set(folder)
        findings += problems
        findings += validate_set(aset, project)
        sets.append(aset)
    return sets, sorted(set(findings))


def validate(paths: list[Path], project: Project) -> Result:
    _, findings = load_and_validate(paths, project)
    return Result(findings)


def build(paths: list[Path], out_dir: Path, project: Project) -> Result:
    # 1. Read and check everything; stop before writing anything if an error was found.
    sets, findings = load_and_validate(paths, project)
    if has_errors(findings):
        return Result(findings)

    # 2. Model and render every document in memory.
    outputs: dict[Path, bytes] = {}
    for aset in sets:
        rendered, problems = render_set(aset, project)
        findings += problems
        outputs.update({out_dir / aset.name / name: data for name, data in rendered.items()})
    if has_errors(findings):
        return Result(sorted(set(findings)))

    # 3. Write: each file to a temporary name, then renamed into place.
    written = []
    for path, data in sorted(outputs.items()):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists() or path.read_bytes() != data:
                docx_package.write_atomic(path, data)
        except OSError as exc:
            return Result(findings + [error(Position(str(path)), f"filen kan ikke skrives ({exc.strerror})", "output")], written)
        written.append(path)
    return Result(findings, written)


def render_set(aset: AgreementSet, project: Project) -> tuple[dict[str, bytes], list[Finding]]:
    """Every document of a set as finished .docx bytes, by output file name."""
    kinds = project.kinds()
    aset = complete_set(aset, project)
    context = set_context(aset, project)
    revision = source_revision(aset.folder)
    outputs, findings = {}, []
    for source in aset.sources:
        kind = kinds[source.kind]
        template = project.template_overrides.get(kind.name, kind.template_path)
        if template is None:
            continue
        module = kind.module
        model = module.model(source, aset, context) if module and hasattr(module, "model") else dict(source.data)
        try:
            raw = render_docx(Path(template), model)
        except TemplateProblem as exc:
            findings.append(error(Position(str(template)), str(exc), "skabelon"))
            continue
        outputs[f"{source.path.stem}.docx"] = docx_package.finalize(
            raw,
            title=model.get("titel") or kind.title,
            subject=model.get("navn") or model.get("omraadets_navn") or aset.name,
            author="aftaler",
            created=revision["date"],
            custom={
                "aftaler.kilde": f"{aset.name}/{source.path.name}",
                "aftaler.kilderevision": revision["commit"],
                "aftaler.kildehash": sources_hash(aset, Path(template)),
                "aftaler.skabelon": Path(template).name,
            },
        )
        for suffix, render in getattr(module, "EXTRA_OUTPUTS", {}).items():
            outputs[f"{source.path.stem}{suffix}"] = render(model, created=revision["date"])
    return outputs, findings


def sources_hash(aset: AgreementSet, template: Path) -> str:
    """sha256 over the set's sources and the template: the same hash means the same inputs."""
    digest = hashlib.sha256()
    for source in sorted(aset.sources, key=lambda s: s.path.name):
        digest.update(source.path.name.encode() + b"\0" + source.text.encode("utf-8") + b"\0")
    digest.update(template.read_bytes())
    return "sha256:" + digest.hexdigest()


def source_revision(folder: Path) -> dict:
    """The last commit that touched the set, and its date; stable however often we build.

    Outside git, or with uncommitted changes, the revision says so; the date then falls back
    to the last commit's (or a fixed epoch), never the clock, so builds stay byte-identical.
    """
    def git(*args) -> str:
        try:
            return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True,
                                  timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    line = git("log", "-1", "--format=%H %ct", "--", ".")
    if not line:
        return {"commit": "ikke i git", "date": datetime(2000, 1, 1, tzinfo=timezone.utc)}
    commit, stamp = line.split()
    if git("status", "--porcelain", "--", "."):
        commit += " + ændringer, der ikke er committet"
    return {"commit": commit, "date": datetime.fromtimestamp(int(stamp), tz=timezone.utc)}
