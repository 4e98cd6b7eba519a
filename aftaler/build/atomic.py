"""Files written whole or not at all: every output of a build goes through write_atomic."""
from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path


class Chunks:
    """A file's content as pieces of bytes made one at a time, of a known total size: the search
    index of hundreds of sets is compared and written without ever being whole in memory.
    `pieces()` gives them anew on every call (a file is compared before it is written)."""

    def __init__(self, size: int, pieces: Callable[[], Iterable]) -> None:
        self.size, self.pieces = size, pieces

    def __len__(self) -> int:
        return self.size

    def __iter__(self):
        return iter(self.pieces())


def chunks(data) -> Iterable:
    """The pieces of a file's content: bytes (any bytes-like) are one piece, Chunks are theirs."""
    return data if isinstance(data, Chunks) else (data,)


def write_new(path: Path, data, durable: bool = False) -> None:
    """`data` (bytes or Chunks) written to a file that must not exist yet (umask applies)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(fd, "wb") as handle:
        for piece in chunks(data):
            handle.write(piece)
        if durable:
            handle.flush()
            os.fsync(handle.fileno())


def temporary_name(path: Path) -> Path:
    """Where a file is written before it is renamed into place: `.name.hex.tmp` beside it."""
    return path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")


def write_atomic(path: Path, data, *, durable: bool = False) -> None:
    """Write `data` (bytes, or Chunks) to `path` so that readers see the old or the new file, never half.

    The rename makes it atomic for every reader and against a killed build. `durable` also
    fsyncs file and folder, which survives a power cut but costs ~10 ms a file; generated
    files can always be built again, so builds skip it.
    """
    path = Path(path)
    tmp = temporary_name(path)
    try:
        write_new(tmp, data, durable)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if durable:
        _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not possible on every platform, so best effort.
    try:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass


def unwritable(targets: list[Path]) -> tuple[Path, str] | None:
    """The first target that cannot be written and why (in os_reason's words), or None: asked of every file a
    build will write *before* the first rename, so that a run that would fail half-way (the site
    folder is a file, a folder is read-only) fails before it has changed anything."""
    seen: set[Path] = set()
    for target in targets:
        target = Path(target)
        if target.is_dir():
            return target, "er en mappe"
        for folder in reversed(target.parents):  # from the root down: the first file on the way is the culprit
            if folder in seen:
                continue
            seen.add(folder)
            if os.path.lexists(folder) and not folder.is_dir():
                return folder, "en del af stien er ikke en mappe"
        nearest = next(f for f in target.parents if f.is_dir())  # the root at worst
        if not os.access(nearest, os.W_OK | os.X_OK, effective_ids=os.access in os.supports_effective_ids):
            return nearest, "ingen adgang"
    return None
