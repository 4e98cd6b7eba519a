"""What a build can skip: content keys for sets, and the manifests that remember them.

A set's key hashes everything its outputs depend on: its YAML files, the toolkit itself (code,
schemas, templates, catalogue), the build options, and the git revision recorded in the files.
If the key in a folder's manifest matches and the files listed there are untouched, the set is
up to date and is neither validated nor rendered again.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

from ..check.catalogue import SET_CATALOGUE, set_catalogue_files
from ..load.sets import AgreementSet
from ..load.source import MAX_BYTES, NotRegular, open_regular, read_regular
from ..project import Project
from ..resources import packaged
from .atomic import chunks, temporary_name, write_atomic, write_new

MANIFEST = ".aftaler-filer.json"
MANIFEST_BYTES = 50_000_000  # a set's manifest holds its search entries; far larger is not ours
EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)
PACKAGE = packaged("")  # the toolkit's code (and, installed, its data)


def toolkit_fingerprint(project: Project, options: dict) -> str:
    """One hash for everything besides the sources that shapes the outputs."""
    digest = hashlib.sha256(json.dumps(options, sort_keys=True, default=str).encode())
    roots = [PACKAGE, *project.folders()]
    files = sorted({p for root in roots for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts})
    files += sorted(Path(p) for p in project.template_overrides.values())
    for path in files:
        try:
            data = read_regular(path, 1 << 30)[0]  # a template given as a FIFO is refused where it is used
        except OSError:
            data = b"unreadable"
        digest.update(str(path.name).encode() + b"\0" + data)
    return digest.hexdigest()


def set_key(folder: Path, fingerprint: str, revision: dict) -> str:
    digest = hashlib.sha256(f"{fingerprint}\0{revision['commit']}\0{revision['date'].isoformat()}".encode())
    # What the file is counts as well as what it holds: a source replaced by a link to an
    # identical file elsewhere is a different input (and one the build refuses).
    own = [(f"{SET_CATALOGUE}/{p.name}", p) for p in set_catalogue_files(folder)]  # the set's own round data
    for name, path in [(p.name, p) for p in sorted(folder.glob("*.yaml"))] + own:
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
        try:
            if path.is_symlink():
                digest.update(b"link:" + os.fsencode(os.readlink(path)) + b"\0")
            raw, _ = read_regular(path, MAX_BYTES)  # a FIFO or a device is not opened, let alone read
            digest.update(raw)
        except NotRegular:
            digest.update(b"not a regular file")
        except OSError:
            digest.update(b"unreadable")
        digest.update(b"\0")
    return digest.hexdigest()


def read_manifest(folder: Path) -> dict:
    try:
        raw, size = read_regular(folder / MANIFEST, MANIFEST_BYTES)  # never a FIFO's endless read
        manifest = json.loads(raw.decode("utf-8")) if size <= MANIFEST_BYTES else {}
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


# The keys of a manifest that hold much (a set's site part: its search entries, ≈300 kB for a
# full-size set). They are written on the manifest's second line, the rest on its first, so that
# asking whether a folder is current reads one line, not a hundred sets' search entries.
LARGE = ("site",)


def read_manifest_head(folder: Path) -> dict:
    """The manifest without its large keys (read_manifest has them): its key and its files."""
    path = folder / MANIFEST
    try:
        with open_regular(path) as handle:  # never a FIFO's endless read
            line = handle.readline(MANIFEST_BYTES + 1)
        if line.endswith(b",\n"):  # the large keys follow (manifest_text)
            line = line[:-2] + b"}"
        manifest = json.loads(line.decode("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(manifest, dict):
        return {}
    return {k: v for k, v in manifest.items() if k not in LARGE}


def manifest_text(manifest: dict) -> bytes:
    """One JSON object: the small keys on the first line, the large ones (LARGE) on the second.
    JSON writes a newline inside a string as \\n, so the first line ends where the large keys start."""
    head = {k: v for k, v in manifest.items() if k not in LARGE}
    tail = {k: v for k, v in manifest.items() if k in LARGE}
    text = json.dumps(head, ensure_ascii=False, sort_keys=True)
    if tail and head:
        text = text[:-1] + ",\n" + json.dumps(tail, ensure_ascii=False, sort_keys=True)[1:]
    elif tail:
        text = json.dumps(tail, ensure_ascii=False, sort_keys=True)
    return (text + "\n").encode()


def is_current(folder: Path, key: str, manifest: dict | None = None) -> bool:
    """The folder holds the complete, untouched outputs of a build with this key (its manifest is
    read unless the caller has it already)."""
    manifest = read_manifest_head(folder) if manifest is None else manifest
    if manifest.get("noegle") != key:
        return False
    for name, (size, mtime) in manifest.get("filer", {}).items():
        try:
            stat = (folder / name).stat()
        except OSError:
            return False
        if (stat.st_size, stat.st_mtime_ns) != (size, mtime):
            return False
    return True


def write_folder(folder: Path, files: dict, key: str, extra: dict | None = None) -> list[Path]:
    """Write a folder's generated files (bytes, or atomic.Chunks) atomically, remove those an
    earlier build made that are no longer generated, and record the key; unchanged files are left
    untouched."""
    previous = read_manifest_head(folder).get("filer", {})
    written, recorded = [], {}
    for name, data in sorted(files.items()):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not _same(path, data):
            write_atomic(path, data)
        stat = path.stat()
        recorded[name] = [stat.st_size, stat.st_mtime_ns]
        written.append(path)
    _finish(folder, previous, recorded, key, extra)
    return written


def _same(path: Path, data) -> bool:
    """The file holds exactly `data` (bytes, or atomic.Chunks); compared a MB at a time (the search
    index is tens of MB)."""
    if not path.exists() or path.stat().st_size != len(data):
        return False
    with path.open("rb") as handle:
        for piece in chunks(data):
            view = memoryview(piece)
            for at in range(0, len(view), 1 << 20):
                part = view[at:at + (1 << 20)]
                if handle.read(len(part)) != part:
                    return False
        return handle.read(1) == b""


def _finish(folder: Path, previous: dict, recorded: dict, key: str, extra: dict | None) -> None:
    """After a folder's files are in place: remove those an earlier build made that are no longer
    generated, and write the manifest."""
    _remove_abandoned_temporaries(folder)
    for name in sorted(set(previous) - set(recorded)):
        stale = folder / name
        if stale.is_file() and folder.resolve() in stale.resolve().parents:
            stale.unlink(missing_ok=True)  # a build running at the same time may have removed it
    manifest = {"noegle": key, "filer": recorded, **(extra or {})}
    write_atomic(folder / MANIFEST, manifest_text(manifest))


class Staged:
    """Files written under temporary names beside their targets, to be renamed into place (commit)
    or removed again (discard) once the whole build has said whether it succeeded.

    A build stages each set's files as soon as the set is rendered, so that it does not keep
    every set's files in memory until the end; until the first commit nothing in the output
    folder has changed: the temporary names are the `.name.hex.tmp` of write_atomic (a build
    killed meanwhile leaves them for a later build to clear), and the folders made for them are
    removed again on discard, and the folders they were put in get back their times (a failed
    run changes nothing in the output folder, not even a folder's time).
    """

    def __init__(self) -> None:
        self.pending: dict[Path, Path] = {}  # target → its temporary file
        self.created: list[Path] = []  # folders made for them, parents first
        self.made: set[Path] = set()  # the same, to ask of each file's folder (a list was quadratic)
        self.touched: dict[Path, tuple[int, int]] = {}  # folders that were there: their times before

    def stage(self, folder: Path, files: dict[str, bytes]) -> None:
        """Each file that differs from its target, written to a temporary name (nothing renamed)."""
        for name, data in sorted(files.items()):
            path = folder / name
            if _same(path, data):
                continue
            self._make_folder(path.parent)
            self._touch(path.parent)
            tmp = temporary_name(path)
            self.pending[path] = tmp
            write_new(tmp, data)

    def _make_folder(self, folder: Path) -> None:
        missing = []
        while not folder.is_dir() and folder.parent != folder:
            missing.append(folder)
            folder = folder.parent
        if missing:
            self._touch(folder)
        for made in reversed(missing):
            made.mkdir()
            self.created.append(made)
            self.made.add(made)

    def _touch(self, folder: Path) -> None:
        if folder not in self.touched and folder not in self.made:
            info = os.stat(folder)
            self.touched[folder] = (info.st_atime_ns, info.st_mtime_ns)

    def commit(self, folder: Path, names: list[str], key: str, extra: dict | None = None) -> list[Path]:
        """The staged files of `folder` renamed into place, those an earlier build made that are no
        longer generated removed, and the key recorded with `names`, every file of the folder."""
        previous = read_manifest_head(folder).get("filer", {})
        written, recorded = [], {}
        for name in names:
            path = folder / name
            tmp = self.pending.get(path)
            if tmp is not None:
                os.replace(tmp, path)
                del self.pending[path]
                self.touched.pop(path.parent, None)  # changed for good
            stat = path.stat()
            recorded[name] = [stat.st_size, stat.st_mtime_ns]
            written.append(path)
        _finish(folder, previous, recorded, key, extra)
        return written

    def discard(self) -> None:
        """Remove what is staged and not committed, and the folders made for it."""
        for tmp in self.pending.values():
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass
        self.pending.clear()
        for made in reversed(self.created):
            try:
                made.rmdir()  # only if empty: another build may have put files there meanwhile
            except OSError:
                pass
        for folder, (atime, mtime) in self.touched.items():
            try:
                os.utime(folder, ns=(atime, mtime))
            except OSError:
                pass
        self.keep()

    def keep(self) -> None:
        """Everything is committed: nothing to remove or set back."""
        self.pending.clear()
        self.created.clear()
        self.made.clear()
        self.touched.clear()


ABANDONED = 3600  # seconds: a temporary file this old belongs to a build that was killed


def _remove_abandoned_temporaries(folder: Path) -> None:
    """A build killed while writing leaves its `.name.hex.tmp`; a later build clears it. Young ones
    may belong to a build running right now, so they stay."""
    now = time.time()
    for tmp in folder.rglob(".*.tmp"):
        try:
            if now - tmp.stat().st_mtime > ABANDONED:
                tmp.unlink()
        except OSError:
            continue


def remove_folder(folder: Path) -> None:
    """Remove what an earlier build wrote in a folder (a set that is no longer built)."""
    for name in read_manifest_head(folder).get("filer", {}):
        path = folder / name
        if path.is_file() and folder.resolve() in path.resolve().parents:
            path.unlink(missing_ok=True)
    (folder / MANIFEST).unlink(missing_ok=True)
    for sub in sorted((p for p in folder.rglob("*") if p.is_dir()), reverse=True):
        if not any(sub.iterdir()):
            sub.rmdir()
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()


def source_revisions(folders: list[Path]) -> dict[Path, dict]:
    """The last commit that touched each set, and its date: two git calls for all sets.

    Outside git the revision says so; with uncommitted changes it says that too. The date is
    the commit's (or a fixed epoch), never the clock, so builds stay byte-identical.
    """
    result = {folder: {"commit": "ikke i git", "date": EPOCH} for folder in folders}
    by_top: dict[Path, list[Path]] = {}
    tops: dict[Path, Path | None] = {}
    for folder in folders:
        top = _work_tree(folder.resolve(), tops)
        if top:
            by_top.setdefault(top, []).append(folder)
    for top, members in by_top.items():
        relative = {folder: folder.resolve().relative_to(top.resolve()).as_posix() for folder in members}
        result.update(_last_commits(top, relative))
        dirty = _git(top, "status", "--porcelain", "--", *relative.values())
        for folder, rel in relative.items():
            if folder in result and result[folder]["commit"] != "ikke i git" and any(
                    line[3:].startswith(rel + "/") for line in dirty.splitlines()):
                result[folder] = dict(result[folder], commit=result[folder]["commit"] + " + ændringer, der ikke er committet")
    return result


def _work_tree(folder: Path, known: dict[Path, Path | None]) -> Path | None:
    """The git work tree holding `folder`, found as git finds it (the nearest `.git` upwards),
    without starting git once per set; `known` remembers the answer for each folder seen."""
    if folder not in known:
        if (folder / ".git").exists():
            known[folder] = folder
        else:
            known[folder] = None if folder.parent == folder else _work_tree(folder.parent, known)
    return known[folder]


def _last_commits(top: Path, relative: dict[Path, str]) -> dict[Path, dict]:
    """Read `git log` newest first until every set has its latest commit, then stop."""
    found: dict[Path, dict] = {}
    try:
        process = subprocess.Popen(["git", "log", "--format=%x00%H %ct", "--name-only", "--", *relative.values()],
                                   cwd=top, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    except OSError:
        return found
    commit = None
    try:
        for line in process.stdout:
            line = line.rstrip("\n")
            if line.startswith("\0"):
                sha, stamp = line[1:].split()
                commit = {"commit": sha, "date": datetime.fromtimestamp(int(stamp), tz=timezone.utc)}
            elif line and commit:
                for folder, rel in relative.items():
                    if folder not in found and line.startswith(rel + "/"):
                        found[folder] = commit
                if len(found) == len(relative):
                    break
    finally:
        process.kill()
        process.wait()
    return found


def _git(cwd: Path, *args) -> str:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def sources_hash(aset: AgreementSet, template: Path) -> str:
    """sha256 over the set's sources and the template: the same hash means the same inputs."""
    digest = hashlib.sha256()
    for source in sorted(aset.sources, key=lambda s: s.path.name):
        digest.update(source.path.name.encode() + b"\0" + source.text.encode("utf-8") + b"\0")
    digest.update(template.read_bytes())
    return "sha256:" + digest.hexdigest()


def source_revision(folder: Path) -> dict:
    """The last commit that touched the set, and its date (see source_revisions)."""
    return source_revisions([folder])[folder]
