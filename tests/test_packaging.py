"""The installed package is the product: a wheel built from this repository, installed in a fresh
venv, run in an agreements repository that holds only YAML (and, for its own kind, a schema, a
template and rules) — as a user, pre-commit and CI run it.

Slow (a venv, the wheel's dependencies, pre-commit's own environment): ≈1–2 minutes.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from docx import Document

from conftest import ROOT
from docx_reader import all_text

CONSTRAINTS = ROOT / "constraints.txt"


def sh(*args, cwd: Path, env: dict | None = None, timeout: int = 600, ok: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})
    if ok:
        assert done.returncode == 0, f"{' '.join(map(str, args))} → {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def git(repo: Path, *args) -> str:
    return sh("git", "-c", "user.name=Test", "-c", "user.email=t@example.dk", "-c", "commit.gpgsign=false",
              "-c", "tag.gpgsign=false", *args, cwd=repo).stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    sh(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", out, ROOT, cwd=out)
    (found,) = out.glob("aftaler-*.whl")
    return found


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh venv with nothing but the wheel and its dependencies (the versions CI tested)."""
    return _venv(sys.executable, wheel, tmp_path_factory)


def _venv(python: str, wheel: Path, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("venv") / "v"
    sh(python, "-m", "venv", folder, cwd=folder.parent)
    sh(folder / "bin" / "python", "-m", "pip", "install", "--quiet", "-c", CONSTRAINTS, wheel, cwd=folder.parent)
    return folder


def _distributions_python() -> str | None:
    """The system's python3 when it is another release than this one that pyproject.toml allows
    (Debian 12's 3.11.2 beside the project's 3.11.7): what many users install into. None if none."""
    system = Path("/usr/bin/python3")
    if not system.exists() or system.resolve() == Path(sys.executable).resolve():
        return None
    probe = subprocess.run([str(system), "-c", "import sys, venv, ensurepip; print(*sys.version_info[:3])"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        return None
    version = tuple(int(n) for n in probe.stdout.split())
    return str(system) if version >= (3, 11) and version != tuple(sys.version_info[:3]) else None


@pytest.fixture
def repo(tmp_path) -> Path:
    """An agreements repository outside this checkout: only the example's YAML, in git."""
    repo = tmp_path / "aftaler-repo"
    shutil.copytree(ROOT / "agreements" / "amager", repo / "agreements" / "amager")
    git(repo, "init", "-q")
    return repo


def aftaler(venv: Path, *args, cwd: Path, ok: bool = True) -> subprocess.CompletedProcess:
    return sh(venv / "bin" / "aftaler", *args, cwd=cwd, ok=ok, env={"PATH": f"{venv / 'bin'}:{os.environ['PATH']}"})


def test_the_wheel_carries_what_a_build_needs(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    kinds = [p.stem.removesuffix(".schema") for p in (ROOT / "schemas").glob("[!_]*.schema.json")]
    for kind in kinds:
        assert f"aftaler/schemas/{kind}.schema.json" in names
    for template in (ROOT / "templates").glob("*.docx"):
        assert f"aftaler/templates/{template.name}" in names
    for page in (ROOT / "templates" / "site").iterdir():
        assert f"aftaler/templates/site/{page.name}" in names
    assert any(n.startswith("aftaler/templates/ny/lbf/") for n in names)
    assert any(n.startswith("aftaler/templates/init/") for n in names)
    assert all(f"aftaler/catalogue/{p.name}" in names for p in (ROOT / "catalogue").glob("*.yaml"))
    assert "aftaler/fonts/DejaVuSans.ttf" in names


def test_installed_in_a_yaml_only_repository(venv, repo):
    used_in_a_yaml_only_repository(venv, repo)


@pytest.mark.skipif(_distributions_python() is None, reason="no other Python release that pyproject.toml allows")
def test_installed_on_the_systems_other_python(wheel, repo, tmp_path_factory):
    """The same on the system's own python3 (3.11.2 on Debian 12): an API newer than the oldest
    release we allow (tarfile's extraction filter came in 3.11.4) breaks a user's install, not CI's."""
    used_in_a_yaml_only_repository(_venv(_distributions_python(), wheel, tmp_path_factory), repo)


def used_in_a_yaml_only_repository(venv: Path, repo: Path) -> None:
    outside = sh(venv / "bin" / "python", "-c", "import aftaler; print(aftaler.__file__)", cwd=repo).stdout
    assert str(ROOT) not in outside  # the installed package, not this checkout

    assert "er et aftalerepository" in aftaler(venv, "init", cwd=repo).stderr
    assert aftaler(venv, "validate", cwd=repo).stderr.strip().endswith("Alle aftaler er gyldige.")
    # from inside a set's folder the repository is found upwards, as git finds its root
    built = aftaler(venv, "build", cwd=repo / "agreements" / "amager")
    assert "filer bygget" in built.stderr
    out = repo / "output" / "amager"
    assert "Boligsocial indsats på Amager" in all_text(out / "samarbejdsaftale.docx")
    assert (out / "budget.xlsx").is_file() and (repo / "output" / "site" / "index.html").is_file()
    assert aftaler(venv, "status", cwd=repo).returncode == 0 and (repo / "output" / "amager" / "status.docx").is_file()

    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "start")
    budget = repo / "agreements" / "amager" / "budget.yaml"
    budget.write_text(budget.read_text(encoding="utf-8").replace(
        "udgifter: {2022: 16, 2023: 16, 2024: 16, 2025: 16}", "udgifter: {2022: 12, 2023: 20, 2024: 16, 2025: 16}", 1),
        encoding="utf-8")
    diff = aftaler(venv, "diff", "HEAD", "-o", repo / "aendringer", cwd=repo, ok=False)
    assert diff.returncode == 1, diff.stderr
    assert "budget" in diff.stdout
    assert (repo / "aendringer" / "amager" / "budget-aendringer.docx").is_file()


def test_a_repository_adds_its_own_kind_template_and_catalogue(venv, repo):
    """A municipality's own document kind and a changed catalogue, as files in its repository."""
    (repo / "schemas").mkdir()
    (repo / "schemas" / "notat.schema.json").write_text("""{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "Notat",
  "description": "Et kort notat fra forvaltningen.",
  "type": "object",
  "additionalProperties": false,
  "required": ["overskrift", "tekst", "timer"],
  "properties": {
    "overskrift": {"type": "string", "title": "Overskrift", "description": "Notatets overskrift."},
    "tekst": {"$ref": "_faelles.schema.json#/definitions/tekst", "title": "Tekst"},
    "timer": {"type": "array", "title": "Timer", "items": {"type": "integer", "minimum": 0}}
  }
}
""", encoding="utf-8")
    (repo / "kinds").mkdir()
    (repo / "kinds" / "notat.py").write_text('''
from aftaler.findings import error


def check(source, aset, context):
    if sum(source.data["timer"]) > 100:
        return [error(source.position(("timer",)), "højst 100 timer i alt", "timer")]
    return []


def model(source, aset, context):
    data = dict(source.data)
    data["timer_i_alt"] = sum(data["timer"])
    data["titel"] = data["overskrift"]
    return data
''', encoding="utf-8")
    (repo / "templates" / "site").mkdir(parents=True)
    document = Document()
    document.add_paragraph("{{ overskrift }}")
    document.add_paragraph("{{ tekst|md }}")
    document.add_paragraph("I alt {{ timer_i_alt|tal }} timer.")
    document.save(repo / "templates" / "notat.docx")
    (repo / "templates" / "site" / "notat.md.j2").write_text("# {{ m.overskrift }}\n\nEget notat: {{ m.timer_i_alt }} timer.\n",
                                                            encoding="utf-8")
    (repo / "catalogue").mkdir()
    catalogue = yaml.safe_load((ROOT / "catalogue" / "lbf-2019-26.yaml").read_text(encoding="utf-8"))
    for area in catalogue["indsatsomraader"]:
        if area["id"] == "beskaeftigelse":
            area["navn"] = "Beskæftigelse og job"
    (repo / "catalogue" / "lbf-2019-26.yaml").write_text(yaml.safe_dump(catalogue, allow_unicode=True), encoding="utf-8")
    notat = repo / "agreements" / "amager" / "notat.yaml"
    notat.write_text("# yaml-language-server: $schema=../../schemas/notat.schema.json\n"
                     "overskrift: Status på jobindsatsen\ntekst: |\n  Indsatsen er **godt i gang**.\ntimer: [1200, 1056]\n",
                     encoding="utf-8")

    bad = aftaler(venv, "validate", cwd=repo, ok=False)
    assert bad.returncode == 1 and "notat.yaml:5:8: fejl: højst 100 timer i alt" in bad.stderr, bad.stderr
    notat.write_text(notat.read_text(encoding="utf-8").replace("[1200, 1056]", "[12, 56]"), encoding="utf-8")
    aftaler(venv, "build", cwd=repo)
    text = all_text(repo / "output" / "amager" / "notat.docx")
    assert "Status på jobindsatsen" in text and "godt i gang" in text and "I alt 68 timer." in text
    assert "Eget notat: 68 timer." in (repo / "output" / "site" / "amager" / "notat.md").read_text(encoding="utf-8")
    assert "Beskæftigelse og job" in all_text(repo / "output" / "amager" / "delaftale-beskaeftigelse.docx")


def test_pre_commit_from_another_repository(repo, tmp_path, wheel):
    """The hook as another repository uses it: `repo:`/`rev:` pointing at a clone of this one."""
    toolkit = tmp_path / "toolkit"
    files = sh("git", "ls-files", "-co", "--exclude-standard", cwd=ROOT).stdout.splitlines()
    for name in files:
        source = ROOT / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the working tree
        target = toolkit / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, target)
    git(toolkit, "init", "-q")
    git(toolkit, "add", "-A")
    git(toolkit, "commit", "-qm", "aftaler")
    git(toolkit, "tag", "v9.9.9")

    env = {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"), "PIP_CONSTRAINT": str(CONSTRAINTS)}
    sh(sys.executable, "-m", "aftaler", "init", "--pre-commit-repo", toolkit.as_uri(), "--rev", "v9.9.9", cwd=repo)
    config = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert config["repos"][0]["repo"] == toolkit.as_uri() and config["repos"][0]["rev"] == "v9.9.9"
    git(repo, "add", "-A")
    pre_commit = [sys.executable, "-m", "pre_commit"]
    good = sh(*pre_commit, "run", "--all-files", cwd=repo, env=env, timeout=900, ok=False)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Kontrollér boligsociale aftaler" in good.stdout and "Passed" in good.stdout

    # Two broken files of one set: each message once, though pre-commit passes many files
    for name, old, new in [("budget.yaml", "jnr:", "jnummer:"), ("milepaelsplan.yaml", "milepaele:", "milepæle:")]:
        path = repo / "agreements" / "amager" / name
        text = path.read_text(encoding="utf-8")
        assert old in text, name
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    git(repo, "add", "-A")
    bad = sh(*pre_commit, "run", "--all-files", cwd=repo, env=env, timeout=900, ok=False)
    assert bad.returncode == 1, bad.stdout
    for field in ("'jnummer'", "'milepæle'"):
        lines = [line for line in bad.stdout.splitlines() if field in line and "fejl:" in line]
        assert len(lines) == 1, bad.stdout


def test_the_ci_workflow_written_by_init_runs(venv, repo, wheel):
    """Every `run:` step of the workflow `init` writes, in order, as GitHub Actions would."""
    aftaler(venv, "init", "--pakke", str(wheel), cwd=repo)
    workflow = yaml.safe_load((repo / ".github" / "workflows" / "aftaler.yml").read_text(encoding="utf-8"))
    steps = [step["run"] for step in workflow["jobs"]["aftaler"]["steps"] if "run" in step]
    assert any(step.startswith("pip install") for step in steps)
    assert "aftaler validate --format github" in steps
    path = f"{venv / 'bin'}:{os.environ['PATH']}"
    for step in steps:
        sh("bash", "-c", step, cwd=repo, env={"PATH": path})
    assert (repo / "output" / "amager" / "samarbejdsaftale.docx").is_file()
    assert workflow["jobs"]["aftaler"]["steps"][-1]["with"]["path"] == "output/"
