"""Authoring: a new set in a minute, editor support that shows the CLI's rules, hooks that stop bad commits."""
from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys

import pytest
import yaml

from aftaler.project import Project
from aftaler.check.schema import make_validator
from conftest import ROOT, edit

PROJECT = Project()


def test_new_set_validates_with_warnings_and_builds(run, tmp_path):
    code, _, err = run("new", "lbf", "Boligsocial indsats i Nordby", "--areas", "beskaeftigelse,kriminalitetsforebyggelse",
                       "--fra", "1. januar 2026", "--til", "31. december 2029",
                       "--part", "Boligselskabet Nord:boligorganisation", "--part", "Nordby Kommune:kommune",
                       "--mappe", tmp_path)
    assert code == 0, err
    folder = tmp_path / "boligsocial-indsats-i-nordby"
    assert sorted(p.name for p in folder.glob("*.yaml")) == [
        "beredskabsplan.yaml", "budget.yaml", "delaftale-beskaeftigelse.yaml", "delaftale-kriminalitetsforebyggelse.yaml",
        "kommissorium.yaml", "milepaelsplan.yaml", "samarbejdsaftale.yaml"]
    assert "0 fejl" in err and "advarsel: ikke udfyldt endnu: omraadets_navn" not in err
    assert "advarsel: ikke udfyldt endnu: lokal_evaluering" in err
    code, _, err = run("build", folder, "-o", tmp_path / "ud")
    assert code == 0, err
    assert (tmp_path / "ud/boligsocial-indsats-i-nordby/delaftale-beskaeftigelse.docx").exists()
    text = (folder / "samarbejdsaftale.yaml").read_text(encoding="utf-8")
    assert "# 5. Overordnede mål og indikatorer" in text and text.count("- indikator:") == 9


def test_new_refuses_existing_folder_and_bad_input(run, tmp_path):
    args = ["new", "lbf", "X", "--areas", "beskaeftigelse", "--fra", "1. januar 2026", "--til", "31. december 2029",
            "--part", "A:boligorganisation", "--mappe", tmp_path]
    assert run(*args)[0] == 0
    code, _, err = run(*args)
    assert code == 1 and "findes allerede" in err
    code, _, err = run("new", "lbf", "Y", "--areas", "sport", "--fra", "1. januar 2026", "--til", "31. december 2029",
                       "--part", "A:boligorganisation", "--mappe", tmp_path)
    assert code == 1 and "ukendt indsatsområde 'sport'" in err
    code, _, err = run("new", "lbf", "Z", "--areas", "beskaeftigelse", "--fra", "1. januar 2026", "--til", "31. december 2029",
                       "--part", "A:firma", "--mappe", tmp_path)
    assert code == 2


def _walk(node, path=""):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}/{i}")


@pytest.mark.parametrize("path", sorted((ROOT / "schemas").glob("*.schema.json")), ids=lambda p: p.name)
def test_every_property_has_a_danish_markdown_description(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    for where, node in _walk(schema):
        if "/examples" in where or "/defaultSnippets" in where:
            continue
        for name, prop in node.get("properties", {}).items() if node.get("type") == "object" else []:
            assert prop.get("markdownDescription"), f"{path.name}{where}/{name} mangler markdownDescription"
        if "enum" in node and len(node["enum"]) > 2:
            assert len(node.get("markdownEnumDescriptions", [])) == len(node["enum"]), f"{path.name}{where}"


def _fill(body):
    """A snippet body with its ${1:…} placeholders filled as an author would."""
    if isinstance(body, dict):
        return {k: _fill(v) for k, v in body.items()}
    if isinstance(body, list):
        return [_fill(v) for v in body]
    if isinstance(body, str):
        import re
        text = re.sub(r"\$\{\d+:([^}]*)\}", r"\1", body)
        text = re.sub(r"\$\{?\d+\}?", "x", text)
        if text.startswith("^"):  # yaml-language-server: '^' inserts the value unquoted (a number)
            return yaml.safe_load(text[1:])
        return text
    return body


def test_every_snippet_validates():
    documents = PROJECT.schema_documents()
    count = 0
    for name, schema in documents.items():
        for where, node in _walk(schema):
            for snippet in node.get("defaultSnippets", []):
                # The snippet's own place in the schema, so its local $refs resolve.
                sub = make_validator({"$ref": f"{name}#{where}"}, documents)
                body = _fill(snippet["body"])
                errors = [e.message for e in sub.full.iter_errors(body)]
                assert not errors, f"{name}{where} '{snippet.get('label')}': {errors}"
                count += 1
    assert count >= 7


def test_vscode_maps_every_schema_and_recommends_the_extension():
    settings = json.loads((ROOT / ".vscode/settings.json").read_text(encoding="utf-8"))
    mapped = {Path_(k).name for k in settings["yaml.schemas"]}
    kinds = {f"{k}.schema.json" for k in PROJECT.kinds()}
    assert kinds <= mapped
    assert "redhat.vscode-yaml" in json.loads((ROOT / ".vscode/extensions.json").read_text())["recommendations"]


def Path_(text):
    from pathlib import PurePosixPath
    return PurePosixPath(text)


def test_pre_commit_hook_fails_on_a_broken_file(small_set, tmp_path):
    """Run the hook's entry as pre-commit does: the command plus the changed file names."""
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["language"] == "python" and hook["entry"].startswith("aftaler ")
    entry = shlex.split(hook["entry"])
    command = [sys.executable, "-c", "import sys; from aftaler.cli import main; sys.exit(main(sys.argv[1:]))", *entry[1:]]
    changed = small_set / "budget.yaml"
    ok = subprocess.run([*command, str(changed)], capture_output=True, text=True, cwd=ROOT)
    assert ok.returncode == 0, ok.stderr
    edit(changed, "udgiftstype: 7", "udgiftstype: 7\n        udgiftstype: 7")
    bad = subprocess.run([*command, str(changed)], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 1
    assert "budget.yaml:" in bad.stderr and "står to gange" in bad.stderr and "Traceback" not in bad.stderr


def test_github_annotations(run, small_set):
    edit(small_set / "samarbejdsaftale.yaml", "beboere: 1234", "beboere: mange")
    code, out, _ = run("validate", small_set, "--format", "github")
    assert code == 1
    assert out.startswith("::error file=") and ",line=20,col=12,title=aftaler fejl::" in out


def test_github_annotations_escape_what_would_end_a_property_or_a_line():
    import io

    from aftaler.findings import Position, error
    from aftaler.reporters import github

    stream = io.StringIO()
    path = "a,b:c\n::error file=forged.yaml::x%"
    github([error(Position(path, 3, 4), "linje 1\nlinje 2 100%")], stream)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0] == ("::error file=a%2Cb%3Ac%0A%3A%3Aerror file=forged.yaml%3A%3Ax%25,line=3,col=4,"
                        "title=aftaler fejl::linje 1%0Alinje 2 100%25")


@pytest.mark.parametrize("pdf", [False, True], ids=["", "pdf"])
def test_serve_rebuilds_on_save(small_set, tmp_path, pdf):
    """The author's loop: start serve, change a file, the page in the browser changes; with --pdf
    the page links the Word file's PDF, which the server serves."""
    import time
    import urllib.request
    if pdf and not shutil.which("soffice"):
        pytest.skip("LibreOffice is not installed")
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", str(small_set), "-o", str(tmp_path / "ud"),
                                "--port", "0", *(["--pdf"] if pdf else [])], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        url = None
        deadline = time.monotonic() + 60
        while url is None and time.monotonic() < deadline:
            line = process.stderr.readline()
            if "http://127.0.0.1:" in line:
                url = line.split("Sitet vises på ", 1)[1].split(" ", 1)[0]
        assert url, "serve printed no address"
        page = url + "lille/delaftale-beskaeftigelse.html"
        html = urllib.request.urlopen(page, timeout=10).read().decode()
        assert "Jobcentrets kerneopgave." in html
        assert ('href="filer/delaftale-beskaeftigelse.pdf"' in html) == pdf
        if pdf:
            served = urllib.request.urlopen(url + "lille/filer/delaftale-beskaeftigelse.pdf", timeout=10).read()
            assert served.startswith(b"%PDF")
        edit(small_set / "delaftale-beskaeftigelse.yaml", "Jobcentrets kerneopgave.", "Jobcentrets nye opgave.")
        while time.monotonic() < deadline:
            if "Jobcentrets nye opgave." in urllib.request.urlopen(page, timeout=10).read().decode():
                break
            time.sleep(0.3)
        else:
            raise AssertionError("the page was not rebuilt after the file was saved")
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_new_without_init_writes_the_editor_schemas_its_files_point_at(tmp_path, monkeypatch, capsys):
    """`new` in a folder `init` never ran in: the files' first lines point at .aftaler/skemaer/,
    written there as `init` writes them (Danish in the editor from the first file)."""
    from aftaler.authoring.repository import editor_schema_files
    from aftaler.cli import main
    monkeypatch.chdir(tmp_path)
    code = main(["new", "lbf", "Nyt sæt", "--areas", "beskaeftigelse", "--fra", "1. januar 2026",
                 "--til", "31. december 2029", "--part", "A:boligorganisation", "--part", "B Kommune:kommune"])
    err = capsys.readouterr().err
    assert code == 0 and "Skrev skemaerne til editoren i .aftaler/skemaer/" in err, err
    folder = tmp_path / ".aftaler" / "skemaer"
    assert {p.name: p.read_bytes() for p in folder.glob("*.json")} == editor_schema_files(PROJECT)
    for path in (tmp_path / "agreements").glob("*/*.yaml"):
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert (path.parent / first.split("$schema=", 1)[1]).resolve().parent == folder.resolve(), first
