"""The build, top to bottom: find sets → load → validate → model → render → write.

Everything is read, checked and rendered in memory before anything is written, so a failed
run leaves `output/` exactly as it was. Sets that did not change since the last build are
skipped (freshness.py); the others are processed in parallel.
"""
from __future__ import annotations

import functools
import hashlib
import os
import tempfile
import threading
from pathlib import Path

from ..findings import (
    Finding,
    Position,
    Result,
    display_path,
    error,
    has_errors,
    os_reason,
    warning,
)
from ..load.sets import AgreementSet, find_sets, load_set, scan_set
from ..load.source import NotRegular, open_regular
from ..project import Project
from ..slugs import set_slugs
from . import freshness
from .atomic import unwritable, write_atomic
from .freshness import source_revision, sources_hash

# Rendering needs docxtpl, markdown-it, openpyxl and Pillow; they are imported where they are
# used, so that a build with nothing to do (and `validate`) starts in a fraction of a second. So is
# multiprocessing (≈7 ms): a build with nothing to do, or of one set, forks nothing.


def load_and_validate(paths: list[Path], project: Project, progress=None) -> tuple[list[AgreementSet], list[Finding]]:
    """Every set under `paths`, loaded and checked; `progress(done, total)` after each set."""
    from ..check.validate import validate_set
    folders, findings = find_sets(paths)
    sets = []
    for folder in folders:
        aset, problems = load_set(folder)
        findings += problems
        findings += validate_set(aset, project)
        sets.append(aset)
        if progress:
            progress(len(sets), len(folders))
    return sets, sorted(set(findings))


def validate(paths: list[Path], project: Project, progress=None, jobs: int | None = None) -> Result:
    """Every set under `paths` checked; many sets are shared out over the cores."""
    folders, findings = find_sets(paths)
    cores = min(jobs or available_cores(), len(folders))
    report = progress or (lambda done, total: None)
    if cores <= 1 or len(folders) < 4 or not _can_fork():
        for done, folder in enumerate(folders, start=1):
            findings += _validate_folder(folder, project)
            report(done, len(folders))
        return Result(sorted(set(findings)))
    from concurrent.futures import ProcessPoolExecutor
    project.validators  # built once here, and inherited by the forked workers  # noqa: B018
    import multiprocessing
    context = multiprocessing.get_context("fork")
    # With fork, the initializer's arguments are inherited, not pickled (compiled schemas are not
    # picklable); each worker keeps the project for all the sets it is given.
    with ProcessPoolExecutor(max_workers=cores, mp_context=context, initializer=_worker_project,
                             initargs=(project,)) as pool:
        for done, found in enumerate(pool.map(_validate_folder, folders, chunksize=2), start=1):
            findings += found
            report(done, len(folders))
    return Result(sorted(set(findings)))


_project_of_worker: list[Project] = []  # a validation worker's project, set once when it starts


def _worker_project(project: Project) -> None:
    _project_of_worker.append(project)


def _validate_folder(folder: Path, project: Project | None = None) -> list[Finding]:
    from ..check.validate import validate_set
    project = project or _project_of_worker[0]
    aset, findings = load_set(folder)
    return findings + validate_set(aset, project)


def build(paths: list[Path], out_dir: Path, project: Project, *, public: bool = False,
          jobs: int | None = None, progress=None, pdf: bool = False) -> Result:
    """Build every set under `paths` into `out_dir/<set>/` and the site into `out_dir/site/`.

    `pdf`: also a PDF of each Word file, made by LibreOffice (as the upload bundle makes them),
    which the site's pages link to; without LibreOffice a warning says so and no page links one.

    Only sets whose sources (or the toolkit) changed since the last build into `out_dir` are
    validated and rendered again, several at once on a multi-core machine.
    """
    # 1. Find the sets, and which of them changed since the last build.
    folders, findings = find_sets(paths)
    findings += [error(Position(str(f)), f"et aftalesæt må ikke hedde '{SITE}' (det navn bruger sitet)", "sti")
                 for f in folders if f.name.casefold() == SITE]  # 'Site' too: one folder on a case-insensitive disk
    # The checks on the files themselves (links out of the set, FIFOs, names) run for every set,
    # also those the content key says are up to date: skipping work must not skip a check.
    for folder in folders:
        findings += scan_set(folder)[1]
    if has_errors(findings):
        return Result(findings)
    soffice = None
    if pdf:
        from .bundle import find_libreoffice  # the bundle's converter; its module loads the checks
        soffice = find_libreoffice()
    # Whether PDFs are made shapes the outputs (a build without LibreOffice is redone once it is there).
    fingerprint = freshness.toolkit_fingerprint(project, {"public": public, **({"pdf": bool(soffice)} if pdf else {})})
    revisions = freshness.source_revisions(folders)
    keys = {f: freshness.set_key(f, fingerprint, revisions[f]) for f in folders}
    slugs = set_slugs([f.name for f in folders])
    site_key = hashlib.sha256("".join(keys[f] for f in folders).encode()).hexdigest()
    # Only the heads (with the set's line on the index page): a set's site manifest also holds its
    # search entries (≈300 kB a full-size set), read below only if the search index lacks them.
    site_manifests = {f: freshness.read_manifest_head(out_dir / SITE / slugs[f.name]) for f in folders}
    changed = [f for f in folders if not freshness.is_current(out_dir / f.name, keys[f])
               or not freshness.is_current(out_dir / SITE / slugs[f.name], keys[f], site_manifests[f])]
    if not changed and freshness.is_current(out_dir / SITE, site_key):
        return Result(findings)

    # 2. Validate, model and render the changed sets. Each set's files are staged (written under
    # temporary names beside their targets) as soon as it is rendered, so that memory holds one
    # set's files, not every set's; nothing is renamed into place before every set is valid.
    work = [(f, revisions[f], slugs[f.name]) for f in changed]
    staged, pieces = freshness.Staged(), _Pieces()
    try:
        return _write(folders, changed, _run_all(work, project, public, jobs, progress, (soffice or "") if pdf else None), staged, pieces,
                      findings, out_dir, project, public, keys, slugs, site_key, site_manifests)
    finally:
        staged.discard()  # what was not committed (an error, an interruption): the output is as it was
        pieces.close()


def _write(folders, changed, built, staged, pieces, findings, out_dir, project, public, keys, slugs, site_key,
           site_manifests) -> Result:
    from ..render.site import SEARCH_INDEX, SetSite, assemble_site, search_index_spans
    parts, names, problem = {}, {}, None
    held = None  # the latest set's files, staged once another set comes (the last is written directly)
    for folder, (set_findings, files, part) in zip(changed, built, strict=True):
        findings += set_findings
        if has_errors(findings) or problem is not None:
            held = None
            continue  # nothing will be written; the other sets are still checked, for their findings
        prefix = slugs[folder.name] + "/"
        own = {name.removeprefix(prefix): data for name, data in part.files.items() if name.startswith(prefix)}
        # The part keeps only what the site's index and search need (and, as before, any file
        # outside its folder, of which there is none); its search entries go to disk (`pieces`).
        search = b""
        try:
            search = pieces.add(part.search)
            if held is not None:
                staged.stage(out_dir / held[0].name, held[1])
                staged.stage(out_dir / SITE / slugs[held[0].name], held[2])
        except OSError as exc:  # said below: what cannot be written (or spooled), or why
            problem = exc
        parts[folder] = SetSite({name: data for name, data in part.files.items() if not name.startswith(prefix)},
                                part.summary, search)
        names[folder] = (sorted(files), sorted(own))
        held = (folder, files, own)
        del files, part, own  # the previous set's files are on disk now; only this one's are held
    if has_errors(findings):
        return Result(sorted(set(findings)))

    # 3. The site: new parts for changed sets, kept parts for the others: their index lines from
    # their manifests' heads, their search entries from where the search index the last build
    # wrote says they stand (else from their manifests): tens of MB not parsed or escaped again,
    # nor read before the new index is written from them, one set's entries at a time.
    kept = [folder for folder in folders if folder not in parts]
    index, spans = _previous_search_index(out_dir / SITE, SEARCH_INDEX, pieces) if kept else (None, {})
    for folder in kept:
        slug = slugs[folder.name]
        summary, span = site_manifests[folder].get("oversigt"), spans.get(slug)
        if summary is not None and span is not None and span[0] == keys[folder]:
            search = _Piece(index, span[1], span[2] - span[1])
        else:
            site = freshness.read_manifest(out_dir / SITE / slug).get("site", {})
            summary = summary or {"id": slug, "title": folder.name}
            search = pieces.add(str(site.get("search", "")).encode("utf-8"))
        parts[folder] = SetSite({}, summary, search)
    site_files = assemble_site(list(parts.values()), public=public, templates=project.site_templates, streamed=True)
    where = search_index_spans(list(parts.values()))
    search_spans = {slugs[f.name]: [keys[f], *where[slugs[f.name]]] for f in folders if slugs[f.name] in where}

    # 4. Write: the staged files renamed into place, the site's own written the same way; but first
    # ask of every target whether it can be written, so that a run that cannot finish changes nothing.
    shared = {name: data for name, data in site_files.items() if "/" not in name or name.startswith("assets/")}
    site_names = set(site_files) | {f"{slugs[folder.name]}/{name}" for folder in names for name in names[folder][1]}
    targets = [out_dir / SITE / name for name in sorted(site_names)] + [out_dir / SITE / freshness.MANIFEST]
    for folder in changed:
        targets += [out_dir / folder.name / name for name in names[folder][0]] + [out_dir / folder.name / freshness.MANIFEST]
        targets.append(out_dir / SITE / slugs[folder.name] / freshness.MANIFEST)
    blocked = unwritable(targets)
    if blocked is None and problem is not None:
        blocked = (Path(problem.filename or out_dir), os_reason(problem))
    if blocked is not None:
        return Result(findings + [error(Position(display_path(blocked[0])), f"kan ikke skrive output ({blocked[1]}); "
                                        "intet er skrevet", "output")], [])
    written = []
    try:
        for folder in changed:
            extra = {"oversigt": parts[folder].summary, "site": {"search": bytes(parts[folder].search).decode("utf-8")}}
            if held is not None and held[0] == folder:  # the last set: written as it comes, file by file
                written += freshness.write_folder(out_dir / folder.name, held[1], keys[folder])
                written += freshness.write_folder(out_dir / SITE / slugs[folder.name], held[2], keys[folder], extra)
                continue
            written += staged.commit(out_dir / folder.name, names[folder][0], keys[folder])
            written += staged.commit(out_dir / SITE / slugs[folder.name], names[folder][1], keys[folder], extra)
        written += freshness.write_folder(out_dir / SITE, shared, site_key,
                                          {"saet": sorted(slugs.values()), "soeg": search_spans})
        for stale in sorted(p for p in (out_dir / SITE).iterdir() if p.is_dir() and p.name not in (*slugs.values(), "assets")):
            freshness.remove_folder(stale)  # a set not in this build: its pages go
    except OSError as exc:
        where = exc.filename or str(out_dir)
        return Result(findings + [error(Position(str(where)), f"kan ikke skrive output ({os_reason(exc)})", "output")], written)
    staged.keep()
    return Result(findings, written)


SITE = "site"


def _previous_search_index(site: Path, name: str, pieces: _Pieces) -> tuple[int | None, dict]:
    """The search index the last build wrote into `site`, opened (its descriptor; `pieces` closes
    it), and where each set's entries stand in it by slug ([key, start, end]); nothing if the file
    is not as that build left it. Not read: a kept set's entries are read from it as the new index
    is written."""
    manifest = freshness.read_manifest_head(site)
    spans, recorded = manifest.get("soeg"), manifest.get("filer", {}).get(name)
    try:
        if not isinstance(spans, dict) or recorded is None or _stamp(site / name) != recorded:
            return None, {}
        index = pieces.hold(open_regular(site / name))
        if os.fstat(index).st_size != recorded[0]:
            return None, {}
        return index, {slug: span for slug, span in spans.items() if _fits(index, recorded[0], span)}
    except (OSError, NotRegular):
        return None, {}


def _fits(index: int, size: int, span) -> bool:
    """[key, start, end] of a set's entries lies between the separators of the index (a descriptor,
    of `size` bytes), or is empty, a set without entries: a piece is never cut out wrongly."""
    if not (isinstance(span, list) and len(span) == 3 and all(isinstance(n, int) for n in span[1:])):
        return False
    start, end = span[1:]
    return start == end == 0 or (0 < start < end < size and os.pread(index, 1, start - 1) in (b"[", b",")
                                 and os.pread(index, 1, end) in (b",", b"]"))


class _Piece:
    """`length` bytes at `start` of an open file (a descriptor), read when bytes() asks: a set's
    search entries in the build's spool or in the index the last build wrote. Read, not mapped:
    mapped pages would count as the build's memory again."""

    __slots__ = ("fd", "start", "length")

    def __init__(self, fd: int, start: int, length: int) -> None:
        self.fd, self.start, self.length = fd, start, length

    def __len__(self) -> int:
        return self.length

    def __bytes__(self) -> bytes:
        data = os.pread(self.fd, self.length, self.start)
        while len(data) < self.length:  # pread may return less than asked
            more = os.pread(self.fd, self.length - len(data), self.start + len(data))
            if not more:
                raise OSError(f"{self.length - len(data)} byte mangler i søgeindekset")
            data += more
        return data


class _Pieces:
    """Where a build keeps the sets' search entries until the index is written: the changed sets'
    in an anonymous temporary file (a full-size set's are ≈0,3 MB, three hundred sets' ≈100 MB,
    which the parent process held twice, joined), the kept sets' in the index the last build wrote,
    held open (the new index replaces it by a rename: the open file is still the old one)."""

    def __init__(self) -> None:
        self.files: list = []
        self.spool = None
        self.end = 0

    def add(self, data) -> _Piece:
        """`data` (bytes-like) put in the spool: only where it stands is kept in memory."""
        if self.spool is None:
            self.spool = self.hold(tempfile.TemporaryFile())
        start, view = self.end, memoryview(data)
        while view:  # pwrite may write less than asked
            written = os.pwrite(self.spool, view, self.end)
            view, self.end = view[written:], self.end + written
        return _Piece(self.spool, start, self.end - start)

    def hold(self, handle) -> int:
        """An open file kept open until close(); its descriptor."""
        self.files.append(handle)
        return handle.fileno()

    def close(self) -> None:
        for handle in self.files:
            handle.close()
        self.files.clear()


def _stamp(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


def _run_all(work, project: Project, public: bool, jobs: int | None, progress, pdf: str | None = None):
    """Process sets, yielding each result in order, in parallel processes when there are several and
    more than one core. A single set is one process: split over two, it was ≈0,3 s sooner on two
    cores but cost ≈0,2 s more CPU (both processes imported and warmed the Word renderers and
    computed the models), so it was slower on one core, or beside other work (issue 19)."""
    jobs = min(jobs or available_cores(), len(work))
    args = [(folder, revision, slug, project.layers, project.template_overrides, public, pdf)
            for folder, revision, slug in work]
    report = progress or (lambda done, total: None)
    if jobs <= 1:
        # In steps of a set, so that one set's PDFs (seconds of LibreOffice) move the bar too.
        whole = len(args) * _STEPS
        for done, item in enumerate(args):
            within = functools.partial(_within_set, report, done, whole)
            result = _process_set(*item, project=project, progress=within)
            report((done + 1) * _STEPS, whole)
            yield result
        return
    # Forked workers start at once with everything imported; with other threads running (`serve`)
    # a fork could copy a held lock, so fresh interpreters are started instead.
    from concurrent.futures import (
        ProcessPoolExecutor,  # only here: a single set needs no pool
    )
    import multiprocessing
    context = multiprocessing.get_context("fork" if _can_fork() else "spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        for done, result in enumerate(pool.map(_process_set, *zip(*args)), start=1):
            report(done * _STEPS, len(args) * _STEPS)
            yield result


_STEPS = 100  # a set's part of the progress bar, in steps (the bar shows a share, not a count)


def _within_set(report, sets_done: int, whole: int, part: int, of: int) -> None:
    """`part` of `of` of the current set done (its PDFs): the bar moves within the set's share,
    up to nine tenths of it; the last tenth is the set's site, after its PDFs."""
    report(sets_done * _STEPS + _STEPS * min(part, of) // max(of, 1) * 9 // 10, whole)


def _process_set(folder: Path, revision: dict, slug: str, layers: tuple, overrides: dict, public: bool,
                 pdf: str | None = None, project: Project | None = None, progress=None):
    """One set, start to finish in memory: (findings, output files, its part of the site).

    `pdf`: LibreOffice's command, to make a PDF of each Word file ("" when it was asked for but
    LibreOffice is not installed: a warning); the site is then rendered once they are made, so
    that a page links only a PDF that exists. `progress(done, total)`: of those PDFs.
    """
    from ..check.validate import validate_set
    project = project or Project(layers, overrides)
    aset, findings = load_set(folder)
    findings += validate_set(aset, project, for_upload=True)
    if has_errors(findings):
        return findings, {}, None
    from ..render.site import DOWNLOADS, render_set_site, site_document
    from ..render.status import status_site_document
    aset, documents = _models(aset, project)
    files, problems = render_documents(aset, documents, project, revision)
    made = {}
    if pdf is not None:
        from .bundle import word_pdfs
        made, _, found = word_pdfs({n: d for n, d in files.items() if n.endswith(".docx")}, pdf or None,
                                   folder, command="aftaler build --pdf", progress=progress)
        files.update(made)
        problems += found
    pages = [site_document(aset.name, doc, with_files=True, pdf=f"{doc.source.path.stem}.pdf" in made)
             for doc in documents]
    status_page = status_site_document(aset, project)
    part = render_set_site(pages + ([status_page] if status_page else []), slug, public=public,
                           templates=project.site_templates)
    # The pages link to the documents' files: the site carries them.
    part.files.update({f"{slug}/{DOWNLOADS}/{name}": data for name, data in sorted(files.items())})
    return findings + problems, files, part


def _models(aset: AgreementSet, project: Project) -> tuple[AgreementSet, list]:
    """The completed set (once, for the documents and the status page) and its documents' models."""
    from ..model.documents import complete_set, document_models
    aset = complete_set(aset, project)
    return aset, document_models(aset, project)


def available_cores() -> int:
    """The cores this process may run on (a container's or `taskset`'s limit, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on every system (macOS, Windows)
        return os.cpu_count() or 1


def _can_fork() -> bool:
    """Forking is safe in a process with one thread (a lock held by another thread would stay
    locked in the copy), and not offered on every system."""
    import multiprocessing
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


def status(paths: list[Path], out_dir: Path, project: Project, year: int | None = None, progress=None) -> Result:
    """A status note per set that has a strategic agreement: `out_dir/<set>/status.docx`.

    Like `build`: everything is read, checked and rendered before anything is written.
    """
    from ..render.status import render_status_docx
    from ..render.word import TemplateProblem
    sets, findings = load_and_validate(paths, project)
    if has_errors(findings):
        return Result(findings)
    outputs = {}
    for done, aset in enumerate(sets, 1):
        if progress:
            progress(done - 1, len(sets))
        if aset.one("samarbejdsaftale") is None:
            findings.append(warning(Position(display_path(aset.folder)), "aftalesættet har ingen strategisk "
                                    "samarbejdsaftale og dermed ingen indikatorer; intet statusnotat", "status"))
            continue
        try:
            outputs[out_dir / aset.name / "status.docx"] = render_status_docx(aset, project, year)
        except TemplateProblem as exc:
            template = project.template("status")
            findings.append(error(Position(str(template)), str(exc), "skabelon"))
    if has_errors(findings):
        return Result(sorted(set(findings)))
    blocked = unwritable(sorted(outputs))  # asked of every note first: a failed run writes none of them
    if blocked is not None:
        return Result(findings + [error(Position(display_path(blocked[0])), f"kan ikke skrive output ({blocked[1]}); "
                                        "intet er skrevet", "output")], [])
    written = []
    for path, data in sorted(outputs.items()):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, data)
        except OSError as exc:
            return Result(findings + [error(Position(str(path)), f"filen kan ikke skrives ({os_reason(exc)})", "output")],
                          written)
        written.append(path)
    return Result(sorted(set(findings)), written)


def render_set(aset: AgreementSet, project: Project) -> tuple[dict[str, bytes], list[Finding]]:
    """Every document of a validated set as finished files (.docx, .xlsx), by output file name."""
    from ..model.documents import document_models
    return render_documents(aset, document_models(aset, project), project, source_revision(aset.folder))


def render_documents(aset: AgreementSet, documents: list, project: Project,
                     revision: dict) -> tuple[dict[str, bytes], list[Finding]]:
    """The model.DocumentModel list of a set rendered into its templates."""
    from ..check.catalogue import template_for
    from ..model.documents import set_context
    from ..render import docx_package
    from ..render.word import TemplateProblem, render_docx
    outputs, findings = {}, []
    catalogue = set_context(aset, project)["catalogue"] if documents else None
    for doc in documents:
        source, kind, model = doc.source, doc.kind, doc.model
        template = template_for(project, kind.name, catalogue)  # the round's own layout, if it has one
        if template is None:
            continue
        try:
            raw = render_docx(Path(template), model, document=f"{aset.name}/{source.path.name}")
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
