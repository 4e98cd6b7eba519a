"""`build.py diff OLD [NEW] [PATH…]`: what changed between two versions, who must approve it.

Read both sides and check them → compare the data → classify for approval → report; with `-o`
also render both versions, redline every changed document, and write the change page and the
approval request. Everything is made in memory before anything is written.
Exit status as `diff`: 0 nothing changed, 1 something did, 2 trouble (the findings say what).
"""
from __future__ import annotations

import dataclasses
import io
import json
import os
import sys
import zipfile
from pathlib import Path
from typing import TextIO

from .. import reporters
from ..build.atomic import unwritable, write_atomic
from ..build.pipeline import render_documents
from ..findings import Finding, Position, display_path, error, has_errors, os_reason
from ..model.documents import document_models
from ..project import Project
from ..render import docx_package
from . import report as diff_report
from .approval import ApprovalItem, classify, needs_lbf
from .changes import ChangeSet, SetChanges, compare
from .revisions import Side, load_side

NOTHING, CHANGED, TROUBLE = 0, 1, 2
PAGE_NAME = "aendringer"
REQUEST_NAME = "anmodning-om-godkendelse.docx"


def run_diff(old: str, new: str | None, paths: list[Path], out_dir: Path | None, fmt: str, stream: TextIO,
             project: Project | None = None, default_sets: Path | None = None, progress=None) -> int:
    """Compare OLD with NEW (None: the working tree) for the sets under `paths`; report to `stream`.
    `progress(done, total)`: each side read, the comparison, and (with `out_dir`) each set's files
    made; it reaches the total before the report is written."""
    project = project or Project()
    report = progress or (lambda done, total: None)
    if new is not None and Path(new).is_dir() and not Path(old).is_dir():
        # `diff lbf-godkendt agreements/amager`: a revision against a folder of the working tree is
        # the working tree, limited to that folder (NEW and PATH cannot be told apart by position).
        paths, new = [Path(new), *paths], None
    paths = list(paths) or [default_sets or Path("agreements")]
    old_side = load_side(old, paths, project)
    report(1, 3)
    new_side = load_side(new, paths, project)
    report(2, 3)
    findings = old_side.findings + new_side.findings
    if has_errors(findings):
        report(3, 3)
        return _trouble(findings, fmt, stream)

    changes = compare(old_side.sets, new_side.sets, project, old_side.revision.label, new_side.revision.label)
    approvals = [item for aset in changes.sets for item in classify(aset)]
    outputs, problems = {}, []
    steps = 3 + (len(changes.sets) if out_dir is not None else 0)
    report(3, steps)
    if out_dir is not None:
        # Built before the report, so that it names every Word file a redline is written for.
        outputs, problems = build_outputs(changes, approvals, old_side, new_side, project,
                                          progress=lambda done: report(3 + done, steps))
        # Asked of every file before the report and the first file: a run that could not write
        # them all writes none (and prints one report, not a report and then trouble).
        blocked = unwritable([Path(out_dir) / name for name in sorted(outputs)])
        if blocked is not None:
            problems.append(error(Position(display_path(blocked[0])), f"kan ikke skrive output ({blocked[1]}); "
                                  "intet er skrevet", "output"))
        if has_errors(problems):
            return _trouble(problems, fmt, stream)
    if fmt == "json":
        json.dump(diff_report.as_dict(changes, approvals), stream, ensure_ascii=False, indent=2)
        stream.write("\n")
    else:
        diff_report.text(changes, approvals, stream, color=_colour(stream))

    if out_dir is not None:
        problems += write_outputs(outputs, Path(out_dir))
        if has_errors(problems):
            return _trouble(problems, fmt, stream)
        if fmt != "json":
            sys.stderr.write(f"{len(outputs)} filer skrevet i {out_dir}/\n")
    return CHANGED if changes.changed else NOTHING


def build_outputs(changes: ChangeSet, approvals: list[ApprovalItem], old_side: Side, new_side: Side,
                  project: Project, progress=None) -> tuple[dict[str, bytes], list[Finding]]:
    """Every file `-o` writes, by path relative to the output folder: redlines, change page, request.
    `progress(done)`: the number of sets whose files are made."""
    outputs: dict[str, bytes] = {}
    findings: list[Finding] = []
    old_sets = {s.name: s for s in old_side.sets}
    new_sets = {s.name: s for s in new_side.sets}
    single = len(old_side.sets) == len(new_side.sets) == 1
    new_rev, old_rev = new_side.revision, old_side.revision
    for done, aset in enumerate(changes.sets, start=1):
        own = [a for a in approvals if a.set == aset.name]
        one = dataclasses.replace(changes, sets=[aset])
        dated = new_rev.date if new_rev.commit else None  # a working tree or folder has no date of its own
        page = diff_report.markdown(one, own, old_rev.spec or old_rev.label, dated)
        outputs[f"{aset.name}/{PAGE_NAME}.md"] = page.encode("utf-8")
        outputs[f"{aset.name}/{PAGE_NAME}.html"] = diff_report.html(
            page, f"Ændringer siden {old_rev.spec or old_rev.label} – {aset.name}").encode("utf-8")
        if needs_lbf(own):
            model = diff_report.approval_request_model(aset, own, old_rev.label, new_rev.label, dated)
            outputs[f"{aset.name}/{REQUEST_NAME}"] = diff_report.approval_request_docx(
                model, author=new_rev.author, created=new_rev.date, project=project)
        old_set = old_side.sets[0] if single else old_sets.get(aset.name)
        new_set = new_side.sets[0] if single else new_sets.get(aset.name)
        if aset.changed and old_set is not None and new_set is not None:
            redlines, problems = _redlines(aset, old_set, new_set, old_side, new_side, project)
            outputs.update(redlines)
            findings += problems
            reported = {d.document for d in aset.documents if d.changes}
            titles = {d.document: d.title for d in aset.documents}
            aset.also_changed = [titles.get(stem, stem) for stem in
                                 sorted(name.rsplit("/", 1)[1].removesuffix("-aendringer.docx") for name in redlines)
                                 if stem not in reported]
        if progress:
            progress(done)
    outputs.update(_site_with_change_pages(changes, outputs, new_side, project))
    return outputs, findings


def _site_with_change_pages(changes: ChangeSet, outputs: dict, new_side: Side, project: Project) -> dict[str, bytes]:
    """NEW's site with an "Ændringer siden …" page in each changed set, under `site/`: the change
    page read in its context, with links to the documents it talks about."""
    from ..render.site import (
        SiteDocument,
        assemble_site,
        render_set_site,
        site_document,
    )
    from ..slugs import set_slugs
    changed = {aset.name for aset in changes.sets if aset.changed}
    slugs = set_slugs([s.name for s in new_side.sets])
    parts = []
    for new_set in new_side.sets:
        pages = [site_document(new_set.name, doc) for doc in document_models(new_set, project)]
        page = outputs.get(f"{new_set.name}/{PAGE_NAME}.md", b"").decode("utf-8")
        if new_set.name in changed and page:
            title, _, body = page.partition("\n")
            pages.append(SiteDocument(new_set.name, "aendringer", PAGE_NAME, title.lstrip("# ").strip(), {"tekst": body}))
        parts.append(render_set_site(pages, slugs[new_set.name], templates=project.site_templates))
    return {f"site/{name}": data for name, data in assemble_site(parts, templates=project.site_templates).items()}


def _redlines(aset: SetChanges, old_set, new_set, old_side: Side, new_side: Side, project: Project):
    """One redline per document whose Word content differs: NEW with OLD's text as tracked changes.

    Only documents whose model changed are rendered (a renamed party changes every document that
    shows it); of those, the ones whose Word content still came out the same are left out.
    """
    old_models = {d.source.path.stem: d for d in document_models(old_set, project)}
    new_models = {d.source.path.stem: d for d in document_models(new_set, project)}
    differ = [stem for stem, doc in new_models.items() if stem in old_models and old_models[stem].model != doc.model]
    old_docs, problems = render_documents(old_set, [old_models[s] for s in differ], project, _stamp(old_side))
    new_docs, more = render_documents(new_set, [new_models[s] for s in differ], project, _stamp(new_side))
    if has_errors(problems + more):
        return {}, problems + more
    changed = [name for name in new_docs if name.endswith(".docx") and name in old_docs
               and not _same_document(old_docs[name], new_docs[name])]
    if not changed:
        return {}, []
    from .redline import redline  # imported only when redlines are asked for
    rev, old_rev = new_side.revision, old_side.revision
    titles = {d.document: d.title for d in aset.documents}
    outputs = {}
    for name in changed:
        stem = name.removesuffix(".docx")
        marked = redline(old_docs[name], new_docs[name], author=rev.author, date=rev.date)
        outputs[f"{aset.name}/{stem}-aendringer.docx"] = docx_package.finalize(
            marked, title=f"{titles.get(stem, stem)} – ændringer siden {old_rev.spec or old_rev.label}",
            subject=aset.name, author=rev.author, created=rev.date,
            custom={"aftaler.kilde": f"{aset.name}/{stem}.yaml", "aftaler.foer": old_rev.commit or old_rev.label,
                    "aftaler.efter": rev.commit or rev.label})
    return outputs, []


def _stamp(side: Side) -> dict:
    """The revision a rendered document names in its properties (as pipeline.source_revision gives it)."""
    return {"commit": side.revision.commit or side.revision.label, "date": side.revision.date}


def _same_document(old: bytes, new: bytes) -> bool:
    """The same Word content: every part equal but the properties (which name their revision)."""
    def parts(data: bytes) -> dict:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return {n: z.read(n) for n in z.namelist() if not n.startswith("docProps/")}
    return parts(old) == parts(new)


def write_outputs(outputs: dict[str, bytes], out_dir: Path) -> list[Finding]:
    """Each file to a temporary name, then renamed into place; unchanged files are left alone."""
    for name, data in sorted(outputs.items()):
        path = out_dir / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists() or path.read_bytes() != data:
                write_atomic(path, data)
        except OSError as exc:
            return [error(Position(str(path)), f"filen kan ikke skrives ({os_reason(exc)})", "output")]
    return []


def _trouble(findings: list[Finding], fmt: str, stream: TextIO) -> int:
    if fmt == "json":
        reporters.as_json(findings, stream)
    else:
        reporters.text(findings, sys.stderr)
        sys.stderr.write("Sammenligningen kunne ikke laves.\n")
    return TROUBLE


def _colour(stream: TextIO) -> bool:
    """Colour on a terminal, plain when piped or when NO_COLOR is set (no-color.org)."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not os.environ.get("NO_COLOR")
