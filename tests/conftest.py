from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from aftaler.cli import main

ROOT = Path(__file__).resolve().parent.parent
SETS = Path(__file__).resolve().parent / "sets"


@pytest.fixture
def run(capsys, monkeypatch):
    """Run the CLI in-process from the project root; returns (exit code, stdout, stderr)."""
    monkeypatch.chdir(ROOT)

    def invoke(*args):
        code = main([str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return invoke


@pytest.fixture
def small_set(tmp_path) -> Path:
    """A writable copy of the small, valid test set (tests/sets/lille)."""
    target = tmp_path / "lille"
    shutil.copytree(SETS / "lille", target)
    for path in target.glob("*.yaml"):  # schema paths relative to the copy's location
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("$schema=../../../schemas/", f"$schema={ROOT}/schemas/"), encoding="utf-8")
    return target


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a source file; fails loudly if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def two_sets(small_set: Path, tmp_path: Path) -> Path:
    """A folder of two sets: the small set and a copy under another title."""
    root = tmp_path / "saet"
    root.mkdir()
    shutil.move(str(small_set), root / "lille")
    shutil.copytree(root / "lille", root / "anden")
    edit(root / "anden" / "samarbejdsaftale.yaml", "Boligsocial indsats i Testby", "Boligsocial indsats i Andenby")
    return root


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path.name}")
