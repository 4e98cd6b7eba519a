"""The build, top to bottom: find sets → load → validate → model → render → write.

Everything is read, checked and rendered in memory before anything is written, so a failed
run leaves `output/` exactly as it was.
"""
from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import docx_package
from .agreement_set import AgreementSet, find_sets, load_set
from .findings import Finding, Position, error, has_errors
from .model import DocumentModel, document_models
from .project import Project
from .render_word import TemplateProblem, render_docx
from .site import render_site, site_document
from .validate import validate_set


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


def build(paths: list[Path], out_dir: Path, project: Project, *, public: bool = False) -> Result:
    # 1. Read and check everything; stop before writing anything if an error was found.
    sets, findings = load_and_validate(paths, project)
    findings += [error(Position(str(aset.folder)), f"et aftalesæt må ikke hedde '{SITE}' (det navn bruger sitet)", "sti")
                 for aset in sets if aset.name == SITE]
    if has_errors(findings):
        return Result(findings)

    # 2. Model every document once; render Word files (and workbooks) and the site in memory.
    outputs: dict[str, dict[str, bytes]] = {}
    pages = []
    for aset in sets:
        documents = document_models(aset, project)
        rendered, problems = render_documents(aset, documents, project)
        findings += problems
        outputs[aset.name] = rendered
        pages += [site_document(aset.name, doc) for doc in documents]
    if has_errors(findings):
        return Result(sorted(set(findings)))
    outputs[SITE] = render_site(pages, public=public)

    # 3. Write: each file to a temporary name, then renamed into place; files an earlier build
    #    made from sources that are gone are removed.
    written = []
    for folder, files in outputs.items():
        try:
            written += write_folder(out_dir / folder, files)
        except OSError as exc:
            where = exc.filename or str(out_dir / folder)
            return Result(findings + [error(Position(str(where)), f"kan ikke skrive output ({exc.strerror})", "output")], written)
    return Result(findings, written)


SITE = "site"
MANIFEST = ".aftaler-filer.json"


def write_folder(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Write a folder's generated files atomically; unchanged files are left untouched."""
    written = []
    for name, data in sorted(files.items()):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != data:
            docx_package.write_atomic(path, data)
        written.append(path)
    manifest = folder / MANIFEST
    previous = json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else []
    for name in sorted(set(previous) - set(files)):
        stale = folder / name
        if stale.is_file() and folder.resolve() in stale.resolve().parents:
            stale.unlink()
    docx_package.write_atomic(manifest, (json.dumps(sorted(files), ensure_ascii=False, indent=0) + "\n").encode())
    return written


def render_set(aset: AgreementSet, project: Project) -> tuple[dict[str, bytes], list[Finding]]:
    """Every document of a validated set as finished files (.docx, .xlsx), by output file name."""
    return render_documents(aset, document_models(aset, project), project)


def render_documents(aset: AgreementSet, documents: list[DocumentModel], project: Project) -> tuple[dict[str, bytes], list[Finding]]:
    revision = source_revision(aset.folder)
    outputs, findings = {}, []
    for doc in documents:
        source, kind, model = doc.source, doc.kind, doc.model
        template = project.template_overrides.get(kind.name, kind.template_path)
        if template is None:
            continue
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
        for suffix, render in getattr(kind.module, "EXTRA_OUTPUTS", {}).items():
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
