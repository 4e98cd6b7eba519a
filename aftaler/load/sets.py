"""An agreement set: one folder of YAML documents that belong together (agreements/amager/).

No source is left out without a word: a `.yml` or `.YAML` file, a name that is not UTF-8 or holds
a control character, a link out of the set, a FIFO or device, a name the build writes itself
(`status`), and two names one case-insensitive disk takes for the same are each an error, found
by `scan_set` before any file is read (and by `build` also for sets it does not rebuild).
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .. import characters
from ..findings import Finding, Position, display_path, error
from .source import Source, collector_paused, load, not_regular

SUFFIX = ".yaml"
MAX_FILES = 1_000  # documents in one set: a real set has ten or twenty
# Source names whose Word files the toolkit writes itself, beside the set's (build's <stem>.docx):
# `status` writes status.docx, `diff -o` anmodning-om-godkendelse.docx and <stem>-aendringer.docx.
RESERVED = {"status": "statusnotatet ('aftaler status') skrives som status.docx i sættets mappe",
            "anmodning-om-godkendelse": "anmodningen om godkendelse ('aftaler diff -o') skrives som "
                                        "anmodning-om-godkendelse.docx i sættets mappe"}
RESERVED_ENDING = "-aendringer"  # 'aftaler diff -o' writes the redline of X.yaml as X-aendringer.docx


@dataclass
class AgreementSet:
    name: str
    folder: Path
    sources: list[Source] = field(default_factory=list)
    complete: bool = False  # every schema field present (model.complete_set); computed once per build

    def of_kind(self, kind: str) -> list[Source]:
        return [s for s in self.sources if s.kind == kind and s.data is not None]

    def one(self, kind: str) -> Source | None:
        found = self.of_kind(kind)
        return found[0] if found else None


def find_sets(paths: list[Path]) -> tuple[list[Path], list[Finding]]:
    """Each PATH is a set folder (it holds .yaml files), a folder of set folders, or a file of a set
    (as a pre-commit hook passes them): the file's folder is the set."""
    folders, findings = [], []
    for path in paths:
        path = Path(path)
        if _yaml_like(path.name) and (path.exists() or path.is_symlink()) and not path.is_dir():
            folders.append(path.parent)  # the file itself is checked with its set
        elif path.suffix == ".yaml" and not path.exists():
            findings.append(error(Position(str(path)), "filen findes ikke", "sti"))
        elif not path.is_dir():
            findings.append(error(Position(str(path)), "mappen findes ikke (angiv en aftalemappe eller agreements/)", "sti"))
        elif _holds_sources(path):
            folders.append(path)
        else:
            subfolders = sorted(p for p in path.iterdir() if p.is_dir() and _holds_sources(p))
            if not subfolders:
                findings.append(error(Position(str(path)), "mappen indeholder ingen aftaler (.yaml-filer)", "sti"))
            folders.extend(subfolders)
    unique = list(dict.fromkeys(p.resolve() for p in folders))
    findings += _set_names(unique)
    return unique, findings


def _yaml_like(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in (".yaml", ".yml")


def _holds_sources(folder: Path) -> bool:
    try:
        return any(_yaml_like(entry.name) for entry in folder.iterdir())
    except OSError:
        return False


def _set_names(folders: list[Path]) -> list[Finding]:
    """A set's name is its output folder (output/<set>/): it must be printable, and two sets
    from different paths must not share it (one would overwrite the other's files)."""
    findings, seen = [], {}
    for folder in folders:
        problem = characters.file_name_problem(folder.name, "aftalemappens")
        if problem:
            findings.append(error(Position(display_path(folder)), problem, "sti"))
        first = seen.setdefault(_same_on_every_disk(folder.name), folder)
        if first is not folder:
            findings.append(error(Position(display_path(folder)), f"to aftalesæt hedder '{folder.name}' "
                                  f"({display_path(first)} og {display_path(folder)}); de ville skrive i den "
                                  "samme mappe i output, og det ene ville overskrive det andet — omdøb det ene", "sti"))
    return findings


def _same_on_every_disk(name: str) -> str:
    """Names that Windows and macOS take for one: case aside, and NFC and NFD alike."""
    return characters.normalize(name).casefold()


def scan_set(folder: Path) -> tuple[list[Path], list[Finding]]:
    """The set's source files, and what is wrong with its files' names and kinds, found without
    reading any of them: cheap enough to run for every set on every build (a build with nothing
    to do runs it for every set: a file's position is worked out only when there is a finding,
    and only a link is resolved; a file that is no link is in the folder)."""
    paths, findings, stems = [], [], {}
    inside = None  # the folder resolved, once a link needs it
    try:
        with os.scandir(folder) as listing:  # names and kinds in one read of the folder
            entries = sorted((entry.name, entry) for entry in listing)
    except OSError:
        return [], []  # the folder itself is reported by find_sets
    if sum(_yaml_like(name) for name, _ in entries) > MAX_FILES:
        return [], [error(Position(display_path(folder)), f"mappen har over {MAX_FILES:,} YAML-filer; et aftalesæt "
                          "har få dokumenter — er det den rigtige mappe?".replace(",", "."), "sti")]
    for name, entry in entries:
        if not _yaml_like(name):
            continue
        path = folder / name

        def here() -> Position:
            return Position(display_path(path))  # noqa: B023  (called before the loop moves on)
        suffix = os.path.splitext(name)[1]
        if suffix != SUFFIX:
            findings.append(error(here(), f"filen ender på '{suffix}'; aftaler læser kun filer, der ender på "
                                  f"'{SUFFIX}', så den ville blive sprunget over — omdøb den til "
                                  f"'{path.name[: -len(suffix)]}{SUFFIX}'", "fil"))
            continue
        problem = characters.file_name_problem(path.name)
        if problem:
            findings.append(error(here(), problem, "fil"))
            continue
        try:
            # A regular file is known from the folder's listing; anything else is looked at.
            mode = stat.S_IFREG if entry.is_file(follow_symlinks=False) else entry.stat(follow_symlinks=False).st_mode
        except OSError:
            mode = None  # unreadable: load says why
        if mode is not None and stat.S_ISLNK(mode):
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError):  # a link to nothing, or a loop of links
                findings.append(error(here(), "filen er et link, der ikke peger på en fil", "fil"))
                continue
            inside = inside or folder.resolve()
            if inside not in target.parents:
                findings.append(error(here(), "filen er et link til et sted uden for aftalemappen; "
                                      "kopiér filen ind i mappen i stedet", "fil"))
                continue
            try:
                mode = path.stat().st_mode
            except OSError:
                mode = None
        kind = not_regular(mode) if mode is not None else None
        if kind:
            findings.append(error(here(), kind, "fil"))
            continue
        stem = path.name[: -len(SUFFIX)]
        if stem.casefold() in RESERVED:
            findings.append(error(here(), f"en aftale må ikke hedde '{path.name}': {RESERVED[stem.casefold()]} "
                                  "og ville overskrive dens Word-fil; omdøb filen", "fil"))
            continue
        if stem.casefold().endswith(RESERVED_ENDING):
            findings.append(error(here(), f"en aftale må ikke hedde '{path.name}': 'aftaler diff -o' skriver "
                                  f"redlinen af {stem[: -len(RESERVED_ENDING)]}.yaml som {stem}.docx og ville "
                                  "overskrive dens Word-fil; omdøb filen", "fil"))
            continue
        first = stems.setdefault(_same_on_every_disk(stem), path)
        if first is not path:
            findings.append(error(here(), f"'{first.name}' og '{path.name}' giver den samme Word-fil på Windows og "
                                  "macOS (store og små bogstaver, og æ, é skrevet på to måder, regnes for ens); omdøb den ene", "fil"))
            continue
        paths.append(path)
    return paths, findings


def load_set(folder: Path) -> tuple[AgreementSet, list[Finding]]:
    """Load every YAML file of a set; a file that fails to load does not stop the others."""
    aset = AgreementSet(name=folder.name, folder=folder)
    paths, findings = scan_set(folder)
    with collector_paused():  # see there: once a set, not once a file
        for path in paths:
            source, problems = load(path)
            aset.sources.append(source)
            findings.extend(problems)
    return aset, findings
