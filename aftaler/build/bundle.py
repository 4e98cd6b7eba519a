"""The upload bundle: for one agreement set, every document LBF's upload asks for, named as the
secretariat uploads them, a PDF of each Word file (LibreOffice), and a checklist.

The checklist names every document the round requires: present, missing, or still holding
`UDFYLD`, with the source's git revision. It is written as Markdown (tjekliste.md) and printed.
Everything but the PDFs is byte-identical from run to run (LibreOffice stamps its PDFs with the
clock); nothing is written unless the whole set validates.

Which documents a round requires is read from its catalogue (`aftaledokumenter`); a catalogue
without that list gets REQUIRED_FALLBACK, the 2019-26 form's list, and the checklist says so.
"""
from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..check.validate import unfinished
from ..findings import Position, Result, display_path, error, has_errors, os_reason, warning
from ..load.sets import AgreementSet
from ..model.documents import set_context
from ..project import Project
from .freshness import read_manifest, source_revision, write_folder

CHECKLIST = "tjekliste.md"
KIND = "upload"  # the manifest of a bundle folder says so: bundle never empties another folder
AGREEMENT = {"dokumenttype": "samarbejdsaftale", "navn": "den strategiske samarbejdsaftale"}
# The strategic agreement's "Aftaledokumenter" (LBF's 2019-26 form), used only while the round's
# catalogue has no `aftaledokumenter` list of its own.
REQUIRED_FALLBACK = [
    {"dokumenttype": "delaftale", "navn": "en delaftale for hvert valgt indsatsområde", "pr_indsatsomraade": True},
    {"dokumenttype": "budget", "navn": "et budget"},
    {"dokumenttype": "beredskabsplan", "navn": "en beredskabsplan"},
    {"dokumenttype": "milepaelsplan", "navn": "en milepælsplan"},
    {"dokumenttype": "kommissorium", "navn": "et kommissorium for bestyrelsen"},
]
PDF_TIMEOUT = 600  # seconds for LibreOffice to convert every Word file of the set
PRESENT, MISSING, PLACEHOLDER = "klar", "mangler", "UDFYLD"


@dataclass
class BundleResult(Result):
    checklist: str = ""  # the checklist as terminal text


@dataclass
class Item:
    """One required document: what the round calls it, the files it became, and its state."""

    title: str
    source: str | None = None             # the YAML file it is built from
    files: list[str] = field(default_factory=list)
    state: str = MISSING
    placeholders: list = field(default_factory=list)  # findings: values still marked UDFYLD
    pdf_missing: bool = False


def required_documents(catalogue: dict) -> tuple[list[dict], bool]:
    """The agreement and the documents that go with it; True when the catalogue lists them."""
    listed = catalogue.get("aftaledokumenter")
    if isinstance(listed, list) and listed:
        return [AGREEMENT, *listed], True
    return [AGREEMENT, *REQUIRED_FALLBACK], False


def bundle(set_path: Path, out_dir: Path, project: Project, *, soffice: str | None = None,
           find_soffice=True, progress=None) -> BundleResult:
    """Validate and render one set, convert its Word files, write the bundle and its checklist.
    `progress(done, total)`: the set rendered (1), then each PDF LibreOffice has made."""
    report = progress or (lambda done, total: None)
    from .pipeline import load_and_validate, render_set

    sets, findings = load_and_validate([set_path], project)
    if len(sets) != 1:
        return BundleResult(findings + [error(Position(display_path(set_path)),
                                              f"en uploadpakke samler ét aftalesæt, men her er {len(sets)}; "
                                              "angiv aftalesættets egen mappe, fx agreements/amager", "upload")])
    aset = sets[0]
    if not has_errors(findings) and aset.one("samarbejdsaftale") is None:
        findings.append(error(Position(display_path(aset.folder)),
                              "aftalesættet har ingen strategisk samarbejdsaftale; uploadpakken til "
                              "Landsbyggefonden samler en samarbejdsaftale og dens aftaledokumenter", "upload"))
    if has_errors(findings):  # nothing is written; the checklist still says what is there
        return BundleResult(findings, checklist=_unbuilt_checklist(aset, project))
    refused = _foreign_folder(out_dir)
    if refused:
        return BundleResult(findings + [refused])
    outputs, problems = render_set(aset, project)
    findings += problems
    if has_errors(findings):
        return BundleResult(findings)
    catalogue = set_context(aset, project)["catalogue"]
    required, listed = required_documents(catalogue)
    items, files = _collect(aset, project, catalogue, required, outputs)
    soffice = soffice or (find_libreoffice() if find_soffice else None)
    docx = {n: d for n, d in files.items() if n.endswith(".docx")}
    report(1, (1 + len(docx)) if soffice else 1)  # rendered; the PDFs are the rest
    pdfs, pdf_note, pdf_findings = word_pdfs(docx, soffice, out_dir,
                                             progress=lambda done, total: report(1 + done, 1 + total))
    findings += pdf_findings
    files.update(pdfs)
    for item in items:
        for name in list(item.files):
            if name.endswith(".docx"):
                pdf = name.removesuffix(".docx") + ".pdf"
                if pdf in pdfs:
                    item.files.append(pdf)
                else:
                    item.pdf_missing = True
    revision = source_revision(aset.folder)
    files[CHECKLIST] = checklist_markdown(aset, catalogue, revision, items, listed, pdf_note).encode("utf-8")
    try:
        written = write_folder(out_dir, files, _key(files), {"art": KIND})
    except OSError as exc:
        return BundleResult(findings + [error(Position(display_path(out_dir)),
                                              f"uploadpakken kan ikke skrives ({os_reason(exc)})", "output")])
    for item in items:
        if item.state == MISSING:
            findings.append(warning(Position(display_path(aset.folder)),
                                    f"uploadpakken mangler {item.title}", "upload"))
    return BundleResult(sorted(set(findings)), written, checklist_text(aset, revision, items, listed, pdf_note))


def _unbuilt_checklist(aset: AgreementSet, project: Project) -> str:
    """The terminal checklist of a set that does not validate: its sources, no files."""
    try:
        catalogue = set_context(aset, project)["catalogue"]
        required, listed = required_documents(catalogue)
        items, _ = _collect(aset, project, catalogue, required, {})
    except Exception:  # noqa: BLE001 - a set too broken to list: its findings say why
        return ""
    text = checklist_text(aset, source_revision(aset.folder), items, listed, "")
    return text + "\nIntet er skrevet: aftalesættet har fejl (se ovenfor)."


def _foreign_folder(out_dir: Path):
    """An error when out_dir holds another command's outputs (build's manifest), which writing the
    bundle there would remove."""
    manifest = read_manifest(out_dir)
    if manifest and manifest.get("art") != KIND:
        return error(Position(display_path(out_dir)),
                     "mappen holder allerede filer, som 'aftaler build' har skrevet; skriv uploadpakken i en "
                     "mappe for sig, fx -o output/upload/amager", "output")
    return None


def _key(files: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name, data in sorted(files.items()):
        if not name.endswith(".pdf"):
            digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


# ------------------------------------------------------------------ what goes in


def _collect(aset: AgreementSet, project: Project, catalogue: dict, required: list[dict],
             outputs: dict[str, bytes]) -> tuple[list[Item], dict[str, bytes]]:
    """The checklist's items in the round's order, and the files under their upload names."""
    kinds = project.kinds()
    areas = {a["id"]: a["navn"] for a in catalogue.get("indsatsomraader", [])}
    agreement = aset.one("samarbejdsaftale")
    chosen = [a.get("omraade") for a in (agreement.data.get("indsatsomraader") or [])] if agreement else []
    items, files, number = [], {}, 0
    for entry in required:
        if not entry.get("dokumenttype"):  # listed by the agreement, not a file of the set (the 2015-18
            continue                       # organisation diagram, activity sheet and measurements)
        kind = entry["dokumenttype"]
        title = kinds[kind].title if kind in kinds else kind
        if entry.get("pr_indsatsomraade"):
            sources = {s.data.get("indsatsomraade"): s for s in aset.of_kind(kind)}
            wanted = [(f"{title} – {areas.get(area, area)}", sources.get(area)) for area in chosen]
            if not chosen:
                wanted = [(f"{title} ({entry.get('navn', '')})", None)]
        else:
            wanted = [(title, aset.one(kind))]
        for label, source in wanted:
            number += 1
            item = Item(label, source.path.name if source else None)
            items.append(item)
            if source is None:
                continue
            for suffix in (".docx", ".xlsx"):
                data = outputs.get(f"{source.path.stem}{suffix}")
                if data is not None:
                    name = _file_name(f"{number:02d} {label}") + suffix
                    files[name] = data
                    item.files.append(name)
            item.placeholders = unfinished([source])
            item.state = PLACEHOLDER if item.placeholders else PRESENT
    return items, files


def _file_name(text: str) -> str:
    """A name every file system and LBF's upload take: no path or reserved characters, not too long."""
    text = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]+', "-", " ".join(text.split()))
    return text[:120].rstrip(" .-")


# ------------------------------------------------------------------ PDF


def find_libreoffice() -> str | None:
    """LibreOffice's command, if it is installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def word_pdfs(docx: dict[str, bytes], soffice: str | None, out_dir: Path,
              command: str = "aftaler bundle", progress=None) -> tuple[dict[str, bytes], str, list]:
    """PDF bytes by file name (the Word file's, .pdf), a line for the checklist, and warnings
    (at out_dir). `command` is what the messages tell the user to run again; `progress(done,
    total)` as LibreOffice's PDFs appear. Also used by `build --pdf`, whose site links the PDFs."""
    if not docx:
        return {}, "", []
    if not soffice:
        note = ("PDF-filerne mangler: LibreOffice (soffice) er ikke installeret. Installér LibreOffice og kør "
                f"'{command}' igen, eller gem Word-filerne som PDF i Word.")
        return {}, note, [warning(Position(display_path(out_dir)), note, "pdf")]
    with tempfile.TemporaryDirectory(prefix="aftaler-pdf-") as tmp:
        folder = Path(tmp)
        (folder / "ind").mkdir()
        for name, data in docx.items():
            (folder / "ind" / name).write_bytes(data)
        convert = [soffice, f"-env:UserInstallation={(folder / 'profil').as_uri()}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(folder / "ud"), *sorted(str(p) for p in (folder / "ind").iterdir())]
        reason = _convert(convert, folder / "ud", len(docx), progress or (lambda done, total: None))
        pdfs = {}
        for name in docx:
            pdf = folder / "ud" / (Path(name).stem + ".pdf")
            if pdf.is_file() and pdf.stat().st_size:
                pdfs[pdf.name] = pdf.read_bytes()
    failed = sorted(Path(n).stem + ".pdf" for n in docx if Path(n).stem + ".pdf" not in pdfs)
    if not failed:
        return pdfs, "PDF-filerne er lavet med LibreOffice.", []
    note = (f"LibreOffice lavede ikke {len(failed)} af PDF-filerne ({', '.join(failed)})"
            + (f": {reason}" if reason else "") + f". Gem dem som PDF i Word, eller kør '{command}' igen.")
    return pdfs, note, [warning(Position(display_path(out_dir)), note, "pdf")]


def _convert(convert: list[str], made: Path, total: int, progress) -> str:
    """Run LibreOffice's conversion, reporting the PDFs in `made` as they appear (one batch:
    a start of LibreOffice per file would cost seconds each); why it failed, or ""."""
    try:
        process = subprocess.Popen(convert, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
    except OSError as exc:
        return f"LibreOffice kunne ikke startes ({os_reason(exc)})"
    deadline, done = time.monotonic() + PDF_TIMEOUT, -1
    while True:
        try:
            process.wait(timeout=0.2)
            finished = True
        except subprocess.TimeoutExpired:
            finished = False
        count = sum(1 for _ in made.glob("*.pdf")) if made.is_dir() else 0
        if count != done:
            done = count
            progress(min(done, total), total)
        if finished:
            return ""
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            return f"LibreOffice blev ikke færdig på {PDF_TIMEOUT} sekunder"


# ------------------------------------------------------------------ the checklist


def _state_text(item: Item) -> str:
    if item.state == MISSING:
        return "mangler"
    if item.state == PLACEHOLDER:
        first = item.placeholders[0].position
        where = f"{Path(first.path).name}:{first.line}:{first.column}"  # the name alone: the same from any folder
        count = len(item.placeholders)
        return f"holder stadig UDFYLD ({count} {'sted' if count == 1 else 'steder'}, fx {where})"
    return "klar" + (" (PDF mangler)" if item.pdf_missing else "")


def _summary(items: list[Item]) -> str:
    missing = sum(i.state == MISSING for i in items)
    unfinished_ = sum(i.state == PLACEHOLDER for i in items)
    if not missing and not unfinished_:
        return f"Klar til upload: ja – alle {len(items)} krævede dokumenter er med."
    parts = [f"{missing} mangler"] if missing else []
    parts += [f"{unfinished_} holder stadig UDFYLD"] if unfinished_ else []
    return f"Klar til upload: nej – {' og '.join(parts)}."


def _revision_text(revision: dict) -> str:
    return f"git {revision['commit']} ({revision['date'].date().isoformat()})"


def _source_of_list(catalogue: dict, listed: bool) -> str:
    if listed:
        return f"Krævede dokumenter: puljens katalog ({catalogue.get('navn') or catalogue.get('pulje')}, aftaledokumenter)."
    return ("Krævede dokumenter: aftalers egen liste efter 2019-26-formularens «Aftaledokumenter» "
            "(puljens katalog har endnu ingen liste over aftaledokumenter).")


def _cell(text: str) -> str:
    """Text for a Markdown table cell: a '|' or a line break would end it."""
    return " ".join(str(text).split()).replace("\\", "\\\\").replace("|", "\\|")


def checklist_markdown(aset: AgreementSet, catalogue: dict, revision: dict, items: list[Item], listed: bool,
                       pdf_note: str) -> str:
    agreement = aset.one("samarbejdsaftale")
    name = agreement.data.get("omraadets_navn") if agreement else aset.name
    lines = [f"# Tjekliste til upload – {_cell(name)}", "",
             f"Aftalesæt: {_cell(aset.name)} · kilde: {_cell(_revision_text(revision))}", "",
             _source_of_list(catalogue, listed), "",
             "| # | Dokument | Status | Filer | Kilde |", "|---|---|---|---|---|"]
    for number, item in enumerate(items, 1):
        files = ", ".join(item.files) or "–"
        lines.append(f"| {number} | {_cell(item.title)} | {_cell(_state_text(item))} | {_cell(files)} | "
                     f"{_cell(item.source or '–')} |")
    lines += ["", _summary(items)]
    if pdf_note:
        lines += ["", pdf_note]
    return "\n".join(lines) + "\n"


def checklist_text(aset: AgreementSet, revision: dict, items: list[Item], listed: bool, pdf_note: str) -> str:
    marks = {PRESENT: "OK     ", MISSING: "MANGLER", PLACEHOLDER: "UDFYLD "}
    lines = [f"Tjekliste til upload for {aset.name} (kilde: {_revision_text(revision)}):"]
    for item in items:
        files = f": {', '.join(item.files)}" if item.files else ""
        lines.append(f"  {marks[item.state]} {_cell(item.title)} – {_state_text(item)}{_cell(files)}")
    lines.append(_summary(items))
    if not listed:
        lines.append("(Listen over krævede dokumenter er aftalers egen; puljens katalog har ingen endnu.)")
    if pdf_note:
        lines.append(pdf_note)
    return "\n".join(lines)
