"""The search index written as a stream: the sets' entries are kept on disk, not in the build's
memory, and the streamed index is byte for byte the joined one (issue 19, every process ≤ 300 MB)."""
from __future__ import annotations

import json
import tempfile

import pytest

import aftaler.render.site as site
from aftaler.build import pipeline
from aftaler.build.atomic import Chunks, write_atomic
from aftaler.build.freshness import MANIFEST, Staged, _same
from aftaler.cli import main
from aftaler.render.site.search import search_script, search_spans
from conftest import edit, two_sets

HEAD, TAIL = b"window.AFTALER_INDEX = [", b"];\n"


@pytest.fixture
def spooled():
    """Pieces kept on disk as a build keeps them: a function of the bytes, giving their _Piece."""
    handles = []

    def spool(data: bytes) -> pipeline._Piece:
        handle = tempfile.TemporaryFile()
        handle.write(b"before" + data + b"after")
        handle.flush()
        handles.append(handle)
        return pipeline._Piece(handle.fileno(), len(b"before"), len(data))
    yield spool
    for handle in handles:
        handle.close()


@pytest.mark.parametrize("pieces", [
    [],
    [b""],
    [b'{"t":"a"}'],
    [b'{"t":"a"}', b"", memoryview(b'{"t":"b"},{"t":"c"}'), b""],
    ["spooled", b"", '{"t":"æøå \\u003c"}'.encode(), "spooled"],
])
def test_the_streamed_index_is_the_joined_one(pieces, spooled):
    pieces = [spooled('{"t":"fra disk"}'.encode()) if p == "spooled" else p for p in pieces]
    joined = HEAD + b",".join(bytes(p) for p in pieces if len(p)) + TAIL
    index = search_script(pieces)
    assert len(index) == len(joined)
    assert b"".join(index) == joined
    assert b"".join(index) == joined  # the chunks are made anew each time: compared, then written
    for piece, (start, end) in zip(pieces, search_spans(pieces), strict=True):
        assert joined[start:end] == bytes(piece)


def test_a_file_of_chunks_is_written_and_compared_as_its_bytes(tmp_path, spooled):
    pieces = [b"abc", spooled(b"def" * 1000), b""]
    data = Chunks(3 + 3000, lambda: (bytes(p) for p in pieces))  # each read as it is written
    target = tmp_path / "index.js"
    write_atomic(target, data)
    assert target.read_bytes() == b"abc" + b"def" * 1000
    assert _same(target, data) and _same(target, target.read_bytes())
    other = Chunks(len(data), lambda: iter([b"abc", b"def" * 999 + b"deg"]))  # the same size, the last byte not
    assert not _same(target, other)
    assert not _same(target, Chunks(len(data) + 1, lambda: iter([b"abc", b"def" * 1000, b"x"])))
    staged = Staged()
    staged.stage(tmp_path / "ny", {"index.js": data})
    staged.commit(tmp_path / "ny", ["index.js"], "key")
    assert (tmp_path / "ny" / "index.js").read_bytes() == target.read_bytes()


@pytest.fixture
def seen(monkeypatch):
    """The parts the build hands to assemble_site, each time it does, and their entries joined
    as the index was made before it was streamed (read while the build has them open)."""
    calls = []

    def assemble(parts, **options):
        ordered = site._in_site_order(parts)
        calls.append((list(parts), HEAD + b",".join(bytes(p.search) for p in ordered if len(p.search)) + TAIL))
        return assemble_site(parts, **options)
    assemble_site = site.assemble_site
    monkeypatch.setattr(site, "assemble_site", assemble)
    return calls


def test_the_build_keeps_no_sets_entries_in_memory_and_writes_the_joined_index(small_set, tmp_path, seen):
    root, out = two_sets(small_set, tmp_path), tmp_path / "ud"
    assert main(["build", str(root), "-o", str(out), "--jobs", "1"]) == 0
    index = (out / "site" / "assets" / "search-index.js").read_bytes()
    ((parts, joined),) = seen
    # Each set's entries are where they are spooled, not in memory: no bytes-like to be had of them.
    for part in parts:
        assert isinstance(part.search, pipeline._Piece) and len(part.search) > 1000
        with pytest.raises(TypeError):
            memoryview(part.search)
    # Their spool is closed once the build is done (nothing held open from it).
    with pytest.raises(OSError):
        bytes(parts[0].search)
    # The index is what joining the sets' entries gives.
    assert index == joined and b"Boligsocial indsats i Andenby" in index and b"Boligsocial indsats i Testby" in index
    # And each set's manifest holds its entries, decoded, where the index has them.
    spans = json.loads((out / "site" / MANIFEST).read_text(encoding="utf-8"))["soeg"]
    for slug in ("anden", "lille"):
        entries = json.loads((out / "site" / slug / MANIFEST).read_text(encoding="utf-8"))["site"]["search"]
        assert index[spans[slug][1]:spans[slug][2]] == entries.encode("utf-8")


def test_an_unchanged_sets_entries_are_read_from_the_previous_index_by_span(small_set, tmp_path, seen):
    root, out = two_sets(small_set, tmp_path), tmp_path / "ud"
    assert main(["build", str(root), "-o", str(out)]) == 0
    previous = (out / "site" / "assets" / "search-index.js").read_bytes()
    span = json.loads((out / "site" / MANIFEST).read_text(encoding="utf-8"))["soeg"]["lille"]
    edit(root / "anden" / "samarbejdsaftale.yaml", "Boligsocial indsats i Andenby", "Boligsocial indsats i Zzzby")
    assert main(["build", str(root), "-o", str(out)]) == 0
    parts = {p.summary["id"]: p for p in seen[-1][0]}
    kept = parts["lille"].search
    # The kept set's entries: a span of the previous index, not a copy of them.
    assert isinstance(kept, pipeline._Piece) and [kept.start, kept.start + kept.length] == span[1:]
    assert previous[kept.start:kept.start + kept.length].startswith(b'{"')
    assert main(["build", str(root), "-o", str(tmp_path / "frisk")]) == 0
    index = (out / "site" / "assets" / "search-index.js").read_bytes()
    assert b"Zzzby" in index and previous[kept.start:kept.start + kept.length] in index
    assert index == seen[-2][1] == (tmp_path / "frisk" / "site" / "assets" / "search-index.js").read_bytes()


def test_a_spool_that_cannot_be_written_is_said_and_nothing_is_written(small_set, tmp_path, capsys, monkeypatch):
    """The entries' spool is a temporary file: a full disk there is a message, exit 1, the output
    as it was, like any file the build cannot write."""
    root, out = two_sets(small_set, tmp_path), tmp_path / "ud"
    assert main(["build", str(root), "-o", str(out)]) == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    edit(root / "anden" / "samarbejdsaftale.yaml", "Boligsocial indsats i Andenby", "Boligsocial indsats i Zzzby")

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device", "/tmp")
    monkeypatch.setattr(tempfile, "TemporaryFile", full)  # the module the spool takes it from
    capsys.readouterr()
    assert main(["build", str(root), "-o", str(out), "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    assert "kan ikke skrive output" in err and "Traceback" not in err, err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
