"""The bad-input corpus: every folder in tests/corpus/ is one broken input, described as data.

Each case is copied from a small valid set, broken as its `case.yaml` says, and run through the
CLI in-process. It must give the expected exit code (1 invalid input, 2 usage), a Danish message
at the expected file:line:col (or none where there is none), no traceback, and change nothing:
the whole working folder (sources and output) is compared byte for byte, file by file, before
and after. Every other case starts from a previous build in the output folder, so that "not
changed" is proven as well as "not created". The format of case.yaml is in tests/corpus/README.md.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import re
import shutil
import stat
from pathlib import Path

import pytest
import yaml

from aftaler.cli import main
from conftest import ROOT, SETS

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = sorted(p for p in CORPUS.iterdir() if (p / "case.yaml").is_file())
DEFAULT_COMMAND = ["build", "{saet}", "-o", "{ud}"]
POSITION = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?:fejl|advarsel): ")


def read_case(folder: Path) -> dict:
    case = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    assert {"beskrivelse", "saet", "forventet"} <= set(case), f"{folder.name}: case.yaml mangler felter"
    return case


def base_set(name: str) -> Path:
    """`lille` is tests/sets/lille; anything else is a path from the project root."""
    path = SETS / name if (SETS / name).is_dir() else ROOT / name
    assert path.is_dir(), f"grundsættet {name} findes ikke"
    return path


def apply(edit: dict, folder: Path, case_dir: Path) -> None:
    """One edit of case.yaml on the copied set (paths relative to the set's folder)."""
    path = folder / edit["fil"]
    path.parent.mkdir(parents=True, exist_ok=True)
    if "erstat" in edit:
        text = path.read_text(encoding="utf-8")
        assert edit["erstat"] in text, f"{edit['erstat']!r} står ikke i {path.name}"
        path.write_text(text.replace(edit["erstat"], edit["med"], -1 if edit.get("alle") else 1), encoding="utf-8")
    if "indhold" in edit:
        path.write_text(edit["indhold"], encoding="utf-8")
    if "indhold_fra" in edit:
        path.write_bytes((case_dir / edit["indhold_fra"]).read_bytes())
    if "tilfoej" in edit:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(edit["tilfoej"] * edit.get("gange", 1))
    if edit.get("slet"):
        path.unlink()
    if edit.get("mappe"):
        path.unlink(missing_ok=True)
        (path / "indhold.yaml").parent.mkdir(parents=True)
    if "symlink" in edit:
        path.unlink(missing_ok=True)
        path.symlink_to(edit["symlink"])
    if "rettigheder" in edit:
        path.chmod(int(str(edit["rettigheder"]), 8))


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry under `folder` (symlinks not followed): kind, bytes, mode and mtime."""
    result = {}
    for entry in [folder, *sorted(folder.rglob("*"))] if folder.exists() or folder.is_symlink() else []:
        info = entry.lstat()
        data = None
        if stat.S_ISREG(info.st_mode):
            with _readable(entry, info):
                data = entry.read_bytes()
        result[str(entry.relative_to(folder))] = (stat.S_IFMT(info.st_mode), data, info.st_mode, info.st_mtime_ns)
    return result


@contextlib.contextmanager
def _readable(path: Path, info):
    """Read a chmod-000 file for the snapshot without leaving a trace on it."""
    if info.st_mode & 0o444 or os.geteuid() == 0:
        yield
        return
    path.chmod(0o400)
    try:
        yield
    finally:
        path.chmod(stat.S_IMODE(info.st_mode))
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


@contextlib.contextmanager
def permissions_count(needed: bool):
    """Root reads a chmod-000 file anyway. For such a case root gives up, in this thread and for
    the run only, the capabilities that let it ignore file permissions (CAP_DAC_OVERRIDE and
    CAP_DAC_READ_SEARCH), so that the file is as unreadable to the build as to an author."""
    if not (needed and os.geteuid() == 0):
        yield
        return
    libc = ctypes.CDLL(None, use_errno=True)
    header, data = _CapHeader(_CAP_VERSION_3, 0), (_CapData * 2)()
    if libc.capget(ctypes.byref(header), data) != 0:
        pytest.fail(f"capget: {os.strerror(ctypes.get_errno())}")
    saved = data[0].effective
    data[0].effective &= ~(1 << _CAP_DAC_OVERRIDE | 1 << _CAP_DAC_READ_SEARCH)
    if libc.capset(ctypes.byref(header), data) != 0:
        pytest.fail(f"capset: {os.strerror(ctypes.get_errno())}")
    try:
        yield
    finally:
        data[0].effective = saved
        libc.capset(ctypes.byref(header), data)


_CAP_VERSION_3, _CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 0x20080522, 1, 2  # linux/capability.h


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


@pytest.fixture(scope="session")
def previous_builds(tmp_path_factory):
    """A complete build of each base set, made once, copied into the output folder of half the cases."""
    cache: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in cache:
            out = tmp_path_factory.mktemp("forrige")
            assert main(["build", str(base_set(name)), "-o", str(out)]) == 0, f"{name} bygger ikke"
            cache[name] = out
        return cache[name]

    return get


def run_case(case_dir: Path, work: Path, previous_builds, capsys=None) -> tuple[int, dict, Path, dict, dict]:
    """Set the case up in `work` and run it: (exit code, case, set folder, snapshot before, after)."""
    case = read_case(case_dir)
    number = int(case_dir.name.split("-", 1)[0])
    source = base_set(case["saet"])
    folder = work / case.get("mappenavn", source.name)
    shutil.copytree(source, folder)
    out_dir = work / "ud"
    if case.get("forudbygget", number % 2 == 0):
        shutil.copytree(previous_builds(case["saet"]), out_dir)
    edits = case.get("aendringer", [])
    for edit in edits:
        apply(edit, folder, case_dir)
    args = [a.format(saet=folder.name, ud="ud", sag=case_dir, rod=ROOT) for a in case.get("kommando", DEFAULT_COMMAND)]
    before = snapshot(work)
    if capsys is not None:
        capsys.readouterr()  # only the case's own run is judged
    cwd = os.getcwd()
    os.chdir(work)
    try:
        with permissions_count(any("rettigheder" in e for e in edits)):
            code = main(args)
    finally:
        os.chdir(cwd)
    return code, case, folder, before, snapshot(work)


def check_position(lines: list[str], expected, case_dir: Path, folder: Path) -> None:
    if expected in (None, "ingen"):
        positioned = [line for line in lines if POSITION.match(line)]
        assert not positioned, f"ingen position forventet, men: {positioned}"
        return
    if isinstance(expected, dict):
        file, line, col = expected["fil"], expected.get("linje"), expected.get("kolonne")
        if "ved" in expected:  # the line and column where a text stands in the broken file
            text = (folder / file).read_text(encoding="utf-8", errors="replace")
            offset = text.index(expected["ved"]) + expected.get("forskydning", 0)
            line = text.count("\n", 0, offset) + 1
            col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    else:
        file, line, col = str(expected).rsplit(":", 2)
    wanted = (str(line), str(col))
    found = [(m["path"], m["line"], m["col"]) for m in map(POSITION.match, lines) if m]
    assert any(p.endswith(file) and (l, c) == wanted for p, l, c in found), \
        f"{case_dir.name}: forventede {file}:{line}:{col}, fik {found}"


def _param(folder: Path):
    """A case; one that shows a known bug in the toolkit is a strict xfail until the bug is fixed."""
    known = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8")).get("kendt_fejl")
    marks = [pytest.mark.xfail(reason=known, strict=True)] if known else []
    return pytest.param(folder, id=folder.name, marks=marks)


@pytest.mark.parametrize("case_dir", [_param(c) for c in CASES])
def test_corpus_case(case_dir, tmp_path, previous_builds, capsys):
    code, case, folder, before, after = run_case(case_dir, tmp_path, previous_builds, capsys)
    captured = capsys.readouterr()
    output = captured.out + captured.err
    expected = case["forventet"]

    assert "Traceback" not in output and "intern fejl" not in output, output
    assert code == expected.get("kode", 1), output
    lines = [line for line in output.splitlines() if re.search(expected["besked"], line)]
    assert lines, f"ingen linje passer til {expected['besked']!r}:\n{output}"
    check_position(lines, expected.get("position"), case_dir, folder)
    if "antal_fejl" in expected:  # no follow-on errors in files that are right
        assert re.search(rf"^{expected['antal_fejl']} fejl, ", output, re.MULTILINE), output
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"filer oprettet eller ændret: {changed}"


def test_corpus_is_large_and_covers_every_kind():
    """At least 60 cases, every document kind broken at least once, both exit codes."""
    assert len(CASES) >= 60, len(CASES)
    names = [c.name.split("-", 1)[0] for c in CASES]
    assert len(set(names)) == len(names), "to sager har samme nummer"
    touched = set()
    codes = set()
    for folder in CASES:
        case = read_case(folder)
        codes.add(case["forventet"].get("kode", 1))
        for edit in case.get("aendringer", []):
            path = base_set(case["saet"]) / edit["fil"]
            if path.suffix == ".yaml" and path.is_file():
                touched.add(_kind(path))
    kinds = {p.name.removesuffix(".schema.json") for p in (ROOT / "schemas").glob("*.schema.json")
             if not p.name.startswith("_")}
    assert kinds <= touched, f"ingen sag bryder {sorted(kinds - touched)}"
    assert {1, 2} <= codes <= {0, 1, 2}, codes  # 0: a warning alone (a draft lacking an attachment)


def _kind(path: Path) -> str:
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    return first.rsplit("/", 1)[-1].removesuffix(".schema.json")
