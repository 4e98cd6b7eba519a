"""The speed-ups change nothing a user sees: compiled templates kept between runs are never stale,
and a single set built on two cores gives the same bytes as on one."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from jinja2.sandbox import SandboxedEnvironment

from aftaler.render.template_cache import _signature
from conftest import ROOT, SETS
from docx_reader import all_text

BUILD = [sys.executable, str(ROOT / "build.py"), "build"]


def build(args, cache: Path, *more) -> subprocess.CompletedProcess:
    env = dict(os.environ, AFTALER_SKABELONCACHE=str(cache))
    return subprocess.run([*BUILD, *map(str, args), *more], capture_output=True, text=True, env=env, cwd=ROOT)


def outputs(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".aftaler-filer.json"}


def with_text(template: Path, old: str, new: str, target: Path) -> None:
    """A copy of a Word template with one text of its document part replaced."""
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode())
            copy.writestr(item, data)


def test_an_edited_template_is_compiled_again(tmp_path):
    cache, template = tmp_path / "cache", tmp_path / "kommissorium.docx"
    original = ROOT / "templates/kommissorium.docx"
    with_text(original, "Kommissoriet er bilag", "Variant A er bilag", template)
    first = build([SETS / "lille", "-o", tmp_path / "a", "--skabelon", f"kommissorium={template}"], cache)
    assert first.returncode == 0, first.stderr
    assert list(cache.glob("aftaler-*.cache")), "the compiled templates were kept"
    assert list(cache.glob("aftaler-*.txt")), "and docxtpl's clean-up of their XML"
    with_text(original, "Kommissoriet er bilag", "Variant B er bilag", template)  # same path, new text
    second = build([SETS / "lille", "-o", tmp_path / "b", "--skabelon", f"kommissorium={template}"], cache)
    assert second.returncode == 0, second.stderr
    assert "Variant A er bilag" in all_text(tmp_path / "a/lille/kommissorium.docx")
    text = all_text(tmp_path / "b/lille/kommissorium.docx")
    assert "Variant B er bilag" in text and "Variant A" not in text


def test_a_damaged_cache_is_compiled_around(tmp_path):
    cache = tmp_path / "cache"
    assert build([SETS / "lille", "-o", tmp_path / "a"], cache).returncode == 0
    damaged = [*cache.glob("aftaler-*.cache"), *cache.glob("aftaler-*.txt")]
    assert any(entry.suffix == ".txt" for entry in damaged)
    for entry in damaged:
        entry.write_bytes(b"\x00garbage" * 10)
    again = build([SETS / "lille", "-o", tmp_path / "b"], cache)
    assert again.returncode == 0, again.stderr
    assert outputs(tmp_path / "a") == outputs(tmp_path / "b")


def test_derived_text_is_kept_and_keyed_by_what_derives_it_and_its_input(tmp_path, monkeypatch):
    from aftaler.render import template_cache
    monkeypatch.setenv("AFTALER_SKABELONCACHE", str(tmp_path / "cache"))
    template_cache.bytecode_cache.cache_clear()
    calls = []

    def derive(text: str) -> str:
        calls.append(text)
        return text.upper()

    try:
        assert template_cache.derived_text("op 1", "æbc", derive) == "ÆBC"
        assert template_cache.derived_text("op 1", "æbc", derive) == "ÆBC"  # kept: not derived again
        assert template_cache.derived_text("op 2", "æbc", derive) == "ÆBC"  # another operation, another entry
        assert template_cache.derived_text("op 1", "æbd", derive) == "ÆBD"
        assert calls == ["æbc", "æbc", "æbd"]
        for entry in (tmp_path / "cache").glob("aftaler-*.txt"):
            entry.write_text(entry.read_text(encoding="utf-8").replace("ÆBC", "ÆBX"), encoding="utf-8")
        assert template_cache.derived_text("op 1", "æbc", derive) == "ÆBC"  # damaged: derived again
        assert calls[-1] == "æbc"
    finally:
        template_cache.bytecode_cache.cache_clear()


def test_the_cache_key_includes_how_an_environment_compiles():
    assert _signature(SandboxedEnvironment(autoescape=True)) != _signature(SandboxedEnvironment(autoescape=False))
    assert _signature(SandboxedEnvironment(trim_blocks=True)) != _signature(SandboxedEnvironment())
    assert _signature(SandboxedEnvironment()) == _signature(SandboxedEnvironment())


def test_one_set_on_several_cores_gives_the_same_bytes_as_on_one(tmp_path):
    cache = tmp_path / "cache"
    serial = build([ROOT / "agreements/amager", "-o", tmp_path / "1", "-j", "1"], cache)
    assert serial.returncode == 0, serial.stderr
    for jobs in ("2", "3"):  # one helper process, and two
        split = build([ROOT / "agreements/amager", "-o", tmp_path / jobs, "-j", jobs], cache)
        assert split.returncode == 0, split.stderr
        assert outputs(tmp_path / jobs) == outputs(tmp_path / "1")
    assert len([n for n in outputs(tmp_path / "1") if n.endswith(".docx") and n.startswith("amager/")]) == 9


def test_a_set_with_errors_on_several_cores_is_not_rendered_and_nothing_written(tmp_path):
    shutil.copytree(SETS / "lille", tmp_path / "lille")
    budget = tmp_path / "lille/budget.yaml"
    budget.write_text(budget.read_text(encoding="utf-8").replace("jnr:", "jnr: [1, 2]\nx:", 1), encoding="utf-8")
    result = subprocess.run([*BUILD, str(tmp_path / "lille"), "-o", str(tmp_path / "ud"), "-j", "3"],
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 1 and "budget.yaml:" in result.stderr, result.stderr
    assert not (tmp_path / "ud").exists()


def test_a_template_fault_on_several_cores_is_reported_and_nothing_written(tmp_path):
    broken = tmp_path / "delaftale.docx"
    with_text(ROOT / "templates/delaftale.docx", ">Delaftalens parter:", ">Delaftalens {% hvis %} parter:", broken)
    out = tmp_path / "ud"
    result = build([ROOT / "agreements/amager", "-o", out, "-j", "2", "--skabelon", f"delaftale={broken}"],
                   tmp_path / "cache")
    assert result.returncode == 1, result.stderr
    assert "delaftale.docx: fejl: skabelonen har et ugyldigt felt" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_sets_are_built_in_fresh_interpreters_when_other_threads_run(tmp_path):
    """As in `serve`, where the web server has its own thread: no fork, the same bytes."""
    import threading

    from aftaler.build import pipeline
    from aftaler.project import Project

    sets = tmp_path / "saet"
    for name in ("lille", "lille-to"):
        shutil.copytree(SETS / "lille", sets / name)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        assert not pipeline._can_fork()
        threaded = pipeline.build([sets], tmp_path / "traade", Project(), jobs=2)
    finally:
        stop.set()
        other.join()
    alone = pipeline.build([sets], tmp_path / "alene", Project(), jobs=1)
    assert threaded.ok and alone.ok, threaded.findings + alone.findings
    assert outputs(tmp_path / "traade") == outputs(tmp_path / "alene")


def test_data_only_validation_rejects_gets_the_validation_message(tmp_path):
    """A model would fail on this value; validation comes first, so the author is told what is
    wrong and where, not that a model failed."""
    shutil.copytree(SETS / "lille", tmp_path / "lille")
    budget = tmp_path / "lille/budget.yaml"
    text = budget.read_text(encoding="utf-8")
    assert '"2024": 600,' in text
    budget.write_text(text.replace('"2024": 600,', '"2024": "seks hundrede",', 1), encoding="utf-8")
    result = subprocess.run([*BUILD, str(tmp_path / "lille"), "-o", str(tmp_path / "ud"), "-j", "2"],
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 1, result.stderr
    assert "budget.yaml:17:" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "intern fejl" not in result.stderr
    assert not (tmp_path / "ud").exists()


def test_the_cores_counted_are_those_the_process_may_use():
    """Under `taskset` or a container's CPU limit a build uses the cores it has, not the
    machine's: on one core it renders set after set in one process."""
    import pytest

    if not hasattr(os, "sched_getaffinity"):
        pytest.skip("no CPU affinity on this system")
    code = ("import os; from aftaler.build.pipeline import available_cores; "
            "os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); print(available_cores())")
    one = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert one.stdout.strip() == "1", one.stderr
