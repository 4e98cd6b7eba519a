"""Revisions: the agreement sets as they were at a git revision, in a folder, or in the working tree.

A side of a comparison is named the way people name versions: a commit, a tag (the version LBF
approved), `HEAD~1`, or a folder; no name means the working tree. A revision's files are taken
with `git archive` into a temporary folder and go through the normal loader and validator, so an
old version is read exactly as the build would read it. The schemas, templates and catalogue
are always today's: both sides are judged and rendered by the same rules and templates, so a
difference is a difference in the agreements, not in the tool.

Problems (not a git repository, an unknown revision, a path that did not exist then) come back
as findings in Danish, never as exceptions.
"""
from __future__ import annotations

import io
import os
import posixpath
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from ..check.validate import validate_set
from ..findings import Finding, Position, error
from ..load.sets import AgreementSet, find_sets, load_set
from ..project import Project

WORKING_TREE = "arbejdskopien"
NO_GIT_AUTHOR = "aftaler"
NO_GIT_DATE = datetime(2000, 1, 1, tzinfo=timezone.utc)  # as pipeline.source_revision: never the clock


@dataclass(frozen=True)
class Revision:
    """Where one side of a comparison comes from, and who made it."""

    spec: str  # as typed: "lbf-godkendt", "HEAD~1", a folder; "" for the working tree
    label: str  # for people: "lbf-godkendt (3f2a9c1)", "arbejdskopien", "mappen gammel/"
    commit: str | None  # the full commit id; None for a folder or the working tree
    author: str  # the commit's author (working tree and folders: the last commit's)
    date: datetime  # the commit's date in UTC (working tree and folders: the last commit's)


@dataclass
class Side:
    """One side of a comparison: its revision, its loaded and validated sets, and what went wrong."""

    revision: Revision
    sets: list[AgreementSet] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def load_side(spec: str | None, paths: list[Path], project: Project) -> Side:
    """Load and validate the sets under `paths` as they are at `spec` (None: the working tree).

    A folder given as `spec` is itself the set (or folder of sets); `paths` then do not apply.
    """
    if spec is None:
        revision = _last_commit(Path.cwd(), WORKING_TREE, "")
        return _load_folders(revision, paths, project)
    if Path(spec).is_dir():
        revision = _last_commit(Path(spec), f"mappen {spec}", spec)
        return _load_folders(revision, [Path(spec)], project)
    return _load_revision(spec, paths, project)


def _load_folders(revision: Revision, paths: list[Path], project: Project, relabel=None) -> Side:
    folders, findings = find_sets(paths)
    side = Side(revision, findings=list(findings))
    for folder in folders:
        aset, problems = load_set(folder)
        if relabel:
            for source in aset.sources:
                source.display = relabel(source.display, source.path)
            problems = [_moved(f, relabel) for f in problems]
        side.findings += problems + validate_set(aset, project)
        side.sets.append(aset)
    side.findings = sorted(set(side.findings))
    return side


def _load_revision(spec: str, paths: list[Path], project: Project) -> Side:
    here = Position(spec)
    failed = Revision(spec, spec, None, NO_GIT_AUTHOR, NO_GIT_DATE)
    top, problem = _git(Path.cwd(), "rev-parse", "--show-toplevel")
    if problem is not None:
        reason = "git er ikke installeret" if problem == "git mangler" else \
            "mappen er ikke i et git-arkiv, og der findes ingen mappe med det navn"
        return Side(failed, findings=[error(here, f"revisionen '{spec}' kan ikke slås op: {reason}", "revision")])
    top_path = Path(top)
    commit, problem = _git(top_path, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{spec}^{{commit}}")
    if problem is not None or not commit:
        return Side(failed, findings=[error(here, f"revisionen '{spec}' findes ikke i git-arkivet "
                                                  "(se 'git tag' og 'git log --oneline' for mulige navne)", "revision")])
    revision = _commit_revision(top_path, spec, commit)

    relative, findings = [], []
    for path in paths:
        try:
            rel = Path(path).resolve().relative_to(top_path.resolve()).as_posix()
        except ValueError:
            findings.append(error(Position(str(path)), f"stien ligger uden for git-arkivet ({top})", "sti"))
            continue
        rel = "" if rel == "." else rel
        _, missing = _git(top_path, "cat-file", "-e", f"{commit}:{rel}")
        if missing is not None and Path(path).is_dir():
            continue  # new since the revision: it had no sets there, and the comparison says "tilføjet"
        if missing is not None:
            findings.append(error(Position(str(path)), f"stien findes ikke i revisionen '{spec}'", "sti"))
        relative.append(rel)
    if findings or not relative:
        return Side(revision, findings=findings)

    with tempfile.TemporaryDirectory(prefix="aftaler-rev-") as tmp:
        archive, problem = _git(top_path, "archive", "--format=tar", commit, "--", *(r or "." for r in relative),
                                binary=True)
        if problem is not None:
            return Side(revision, findings=[error(here, f"filerne kan ikke hentes fra revisionen '{spec}': {problem}",
                                                  "revision")])
        refused = _unpack(archive, Path(tmp))
        if refused is not None:
            return Side(revision, findings=[error(here, f"filerne kan ikke hentes fra revisionen '{spec}': {refused}",
                                                  "revision")])

        def relabel(display: str, path: Path) -> str:
            # "lbf-godkendt:agreements/amager/budget.yaml", as git itself names a file at a revision
            return f"{spec}:{Path(path).resolve().relative_to(Path(tmp).resolve()).as_posix()}"

        return _load_folders(revision, [Path(tmp) / r for r in relative], project, relabel)


def _unpack(archive: bytes, folder: Path) -> str | None:
    """`git archive`'s tar unpacked into `folder`: its folders, regular files, and links that stay
    inside it, as tarfile's "data" filter allows, done here because Python 3.11 before 3.11.4
    (Debian 12 has 3.11.2) has no filter; anything else refused. Why (Danish), or None."""
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar:
            parts = PurePosixPath(member.name).parts
            if not parts or PurePosixPath(member.name).is_absolute() or ".." in parts:
                return f"stien '{member.name}' peger ud af mappen"
            target = folder.joinpath(*parts)
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
            elif member.isfile():
                target.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as source, open(target, "wb") as sink:
                    shutil.copyfileobj(source, sink)
            elif member.issym():
                pointed = posixpath.normpath(posixpath.join(posixpath.dirname(member.name), member.linkname))
                if posixpath.isabs(member.linkname) or pointed == ".." or pointed.startswith("../"):
                    return f"'{member.name}' er et link ud af mappen ({member.linkname})"
                target.parent.mkdir(parents=True, exist_ok=True)
                os.symlink(member.linkname, target)
            else:  # git archive writes no other kind; a hard link or a device is never unpacked
                return f"'{member.name}' er hverken en fil, en mappe eller et link"
    return None


def _moved(finding: Finding, relabel) -> Finding:
    """A loader finding about a temporary file, re-pointed at the file's name in the revision."""
    return replace(finding, position=replace(finding.position, path=relabel(finding.position.path, finding.position.path)))


def _commit_revision(top: Path, spec: str, commit: str) -> Revision:
    line, _ = _git(top, "log", "-1", "--format=%an%x00%ct", commit)
    author, _, stamp = line.partition("\0")
    return Revision(spec, f"{spec} ({commit[:7]})", commit, author or NO_GIT_AUTHOR,
                    datetime.fromtimestamp(int(stamp), tz=timezone.utc) if stamp else NO_GIT_DATE)


def _last_commit(folder: Path, label: str, spec: str) -> Revision:
    """A folder or the working tree has no commit of its own: the last commit gives author and date."""
    line, problem = _git(folder, "log", "-1", "--format=%an%x00%ct")
    if problem is not None or not line:
        return Revision(spec, label, None, NO_GIT_AUTHOR, NO_GIT_DATE)
    author, _, stamp = line.partition("\0")
    return Revision(spec, label, None, author, datetime.fromtimestamp(int(stamp), tz=timezone.utc))


def _git(folder: Path, *args: str, binary: bool = False):
    """Run git; returns (output, None) or (None/"" , the reason it failed)."""
    try:
        done = subprocess.run(["git", *args], cwd=folder, capture_output=True, timeout=60)
    except FileNotFoundError:
        return "", "git mangler"
    except (OSError, subprocess.SubprocessError) as exc:
        return "", str(exc)
    if done.returncode != 0:
        return "", done.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} fejlede"
    return (done.stdout if binary else done.stdout.decode("utf-8", "replace").strip()), None
