"""The editor speaks the CLI's Danish: the real yaml-language-server over LSP, on the schemas
`aftaler init` writes (authoring/editor_schemas.py).

For each kind of error a valid file is broken as an author would break it; the server's
diagnostic must stand at the CLI's line and column, in Danish, with the CLI's words. Completion
and hover show Danish text, and every snippet, inserted by the server and tabbed through without
typing, gives a file that validates (with UDFYLD warnings where text is still to be written).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from aftaler.authoring.repository import editor_schema_files
from aftaler.build import pipeline
from aftaler.project import Project
from conftest import ROOT, SETS
from lsp_client import LanguageServer

PROJECT = Project()
SERVER = ROOT / "tests/editor/node_modules/yaml-language-server/bin/yaml-language-server"
SCHEMA_RULES = {"skema", "tal", "dato", "id", "katalog", "yaml", "fil"}  # the file itself, not the set around it
ENGLISH = ("Incorrect type", "is not allowed", "Missing property", "does not match", "Value is not accepted",
           "Expected")


@pytest.fixture(scope="module")
def server_command():
    deps = subprocess.run([str(ROOT / "scripts/editor-deps.sh")], capture_output=True, text=True)
    if deps.returncode == 3 or shutil.which("node") is None:
        pytest.skip(f"Node.js kan ikke installeres her: {deps.stderr.strip()}")
    assert deps.returncode == 0, deps.stderr
    return ["node", str(SERVER), "--stdio"]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, server_command):
    """A repository with the editor schemas as init writes them, the small set, and a server."""
    root = tmp_path_factory.mktemp("repo")
    schemas = root / ".aftaler/skemaer"
    schemas.mkdir(parents=True)
    for name, data in editor_schema_files(PROJECT).items():
        (schemas / name).write_bytes(data)
    folder = root / "agreements/lille"
    shutil.copytree(SETS / "lille", folder)
    for path in folder.glob("*.yaml"):  # the schema line as `aftaler new` writes it in such a repository
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("$schema=../../../schemas/", "$schema=../../.aftaler/skemaer/"), encoding="utf-8")
    settings = {"yaml": {"validate": True, "completion": True, "hover": True, "format": {"enable": False},
                         "schemas": {(schemas / f"{kind}.schema.json").as_uri(): [f"**/{kind}.yaml", f"**/{kind}-*.yaml"]
                                     for kind in PROJECT.kinds()}}}
    server = LanguageServer(server_command, root.as_uri(), settings)
    yield root, folder, server
    server.close()


def cli_findings(folder: Path, path: Path) -> list:
    return [f for f in pipeline.validate([path], PROJECT).findings
            if Path(f.position.path).name == path.name and f.severity == "fejl"]


def diagnostics(server, path: Path, text: str) -> list:
    return server.open(path.as_uri(), text)


# (file, text to replace, replacement, words both the CLI and the editor must say)
CASES = {
    "tekst-for-tal": ("samarbejdsaftale.yaml", "beboere: 1234", "beboere: mange", "skal være et helt tal"),
    "tusindtalspunktum": ("samarbejdsaftale.yaml", "lejemaal: 1056", "lejemaal: 1.056", "uden tusindtalspunktum"),
    "decimalkomma": ("delaftale-beskaeftigelse.yaml", "vaerdi: 12.5", "vaerdi: 12,5", "skriv decimaltal med punktum"),
    "ukendt-felt": ("delaftale-beskaeftigelse.yaml", "    navn: Jobcafé\n", "    navn: Jobcafé\n    ansvarlig: Xxxx\n",
                    "ukendt felt"),
    "ukendt-felt-oeverst": ("budget.yaml", 'jnr: "100001"\n', 'jnr: "100001"\nansvarlig: Xxxx\n', "ukendt felt"),
    "manglende-felt": ("delaftale-beskaeftigelse.yaml", "    organisation: Jobcenter Testby\n", "",
                       "mangler det påkrævede felt 'organisation'"),
    "et-af-felterne": ("kommissorium.yaml", "    part: bo-a\n", "", "skal have et af felterne 'organisation' eller 'part'"),
    "ugyldig-vaerdi": ("delaftale-beskaeftigelse.yaml", "indsatsomraade: beskaeftigelse", "indsatsomraade: beskaeftigelsen",
                       "er ikke en gyldig værdi for"),
    "ugyldig-udgiftstype": ("budget.yaml", "udgiftstype: 7", "udgiftstype: 17", "er ikke en gyldig værdi for"),
    "dato": ("delaftale-beskaeftigelse.yaml", "til: 31. december 2027", "til: 31. decmber 2027", "gyldig dato; skriv fx"),
    "id": ("delaftale-beskaeftigelse.yaml", "id: jobcafe", "id: Jobcafe", "må kun indeholde små bogstaver"),
    "dato-eller-kvartal": ("milepaelsplan.yaml", "tidspunkt: 4. kvartal 2027", "tidspunkt: 5. kvartal 2027",
                           "gyldig dato; skriv fx"),
    "liste-for-tekst": ("delaftale-beskaeftigelse.yaml", "    maalgrupper: Unge 15-29 år.\n", "    maalgrupper: [Unge]\n",
                        "skal være en tekst"),
    "sandt-falsk": ("samarbejdsaftale.yaml", "beboere: 1234", "beboere: true", "skal være et helt tal"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_editor_says_the_clis_words_at_its_place(workspace, case):
    root, folder, server = workspace
    name, old, new, words = CASES[case]
    path = folder / name
    original = path.read_text(encoding="utf-8")
    assert old in original
    broken = original.replace(old, new, 1)
    try:
        path.write_text(broken, encoding="utf-8")
        cli = [f for f in cli_findings(folder, path) if words in f.message]
        shown = diagnostics(server, path, broken)
    finally:
        path.write_text(original, encoding="utf-8")
    assert len(cli) == 1, f"the CLI does not say {words!r}: {[f.message for f in cli_findings(folder, path)]}"
    [finding] = cli
    field = finding.message.split("»", 1)[0].split("«", 1)[1]
    line, column = finding.position.line - 1, finding.position.column - 1  # LSP counts from 0
    here = [d["message"] for d in shown if (d["range"]["start"]["line"], d["range"]["start"]["character"]) == (line, column)]
    assert here, f"nothing at {line + 1}:{column + 1}; the server said {[(d['range']['start'], d['message']) for d in shown]}"
    assert any(words in m and f"«{field}»" in m for m in here), f"CLI: {finding.message!r}; editor: {here}"
    assert not any(english in m for m in here for english in ENGLISH), here


def _lists(text: str):
    """(path in the data, line of its key, column of its '- ') of every block list in a YAML text."""
    def walk(node, path):
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(value, yaml.SequenceNode) and not value.flow_style and value.value:
                    yield path + (key.value,), key.start_mark.line, value.start_mark.column
                yield from walk(value, path + (key.value,))
        elif isinstance(node, yaml.SequenceNode):
            for i, value in enumerate(node.value):
                yield from walk(value, path + (i,))
    yield from walk(yaml.compose(text), ())


def _schema_at(schema: dict, path: tuple):
    node = schema
    for step in path:
        node = node.get("items") if isinstance(step, int) else node.get("properties", {}).get(step)
        if not isinstance(node, dict):
            return None
    return node


def _expand(snippet: str) -> str:
    """A snippet as it stands after tabbing through it without typing: every placeholder its default."""
    text = re.sub(r"\$\{\d+:([^}]*)\}", r"\1", snippet)
    return re.sub(r"\$\{\d+\}|\$\d+", "", text)


def _apply(text: str, line: int, column: int, item: dict) -> str:
    lines = text.split("\n")
    edit = item.get("textEdit")
    if edit:
        start, end = edit["range"]["start"], edit["range"]["end"]
        assert start["line"] == end["line"] == line
        new, (a, b) = edit["newText"], (start["character"], end["character"])
    else:
        new, (a, b) = item["insertText"], (column, column)
    # As VS Code inserts a snippet: its later lines get the indentation of the line it goes into.
    indent = re.match(r"\s*", lines[line]).group(0)
    new = _expand(new).replace("\n", "\n" + indent)
    lines[line] = lines[line][:a] + new + lines[line][b:]
    return "\n".join(lines)


def _editor_snippets() -> set:
    found = set()
    for name, schema in json.loads(json.dumps({n: json.loads(d) for n, d in editor_schema_files(PROJECT).items()})).items():
        def walk(node):
            if isinstance(node, dict):
                for snippet in node.get("defaultSnippets", []):
                    found.add((name, snippet["label"]))
                for key, value in node.items():
                    if key not in ("defaultSnippets", "examples"):
                        walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)
        walk(schema)
    return found


def test_every_snippet_inserted_by_the_server_and_tabbed_through_validates(workspace):
    """On an empty line under each list of the examples, at the items' column, accept each snippet
    the server offers for that list; the file then has no schema error in the CLI or the editor."""
    root, folder, server = workspace
    schemas = {name: json.loads(data) for name, data in editor_schema_files(PROJECT).items()}
    tried, problems = set(), []
    sets = root / "eksempler"
    shutil.copytree(ROOT / "agreements", sets)
    for path in sorted(sets.glob("*/*.yaml")):
        original = path.read_text(encoding="utf-8")
        original = re.sub(r"\$schema=\S*/", "$schema=../../.aftaler/skemaer/", original, count=1)
        path.write_text(original, encoding="utf-8")
        kind = re.search(r"skemaer/(\w+)\.schema\.json", original).group(1)
        schema = schemas[f"{kind}.schema.json"]
        for data_path, key_line, column in _lists(original):
            node = _schema_at(schema, data_path)
            labels = [s["label"] for s in (node or {}).get("defaultSnippets", [])]
            if not labels or all((f"{kind}.schema.json", label) in tried for label in labels):
                continue
            lines = original.split("\n")
            blank = "\n".join(lines[:key_line + 1] + [" " * column] + lines[key_line + 1:])
            server.open(path.as_uri(), blank)
            offered = {item["label"]: item for item in server.completion(path.as_uri(), key_line + 1, column)}
            for label in labels:
                if label not in offered:
                    problems.append(f"{path.name} {'.'.join(map(str, data_path))}: '{label}' not offered")
                    continue
                inserted = _apply(blank, key_line + 1, column, offered[label])
                path.write_text(inserted, encoding="utf-8")
                errors = [f.message for f in cli_findings(path.parent, path) if f.rule in SCHEMA_RULES]
                shown = [d["message"] for d in server.open(path.as_uri(), inserted)]
                if "UDFYLD" in _expand(offered[label].get("textEdit", {}).get("newText") or offered[label]["insertText"]):
                    warned = [f for f in pipeline.validate([path], PROJECT).findings if f.rule == "udfyld"]
                    if not warned:
                        errors.append("UDFYLD left in the snippet, but validate does not warn about it")
                if errors or shown:
                    problems.append(f"{path.name} '{label}': CLI {errors}, editor {shown}\n{inserted}")
                tried.add((f"{kind}.schema.json", label))
                path.write_text(original, encoding="utf-8")
    assert not problems, "\n".join(problems)
    assert tried == _editor_snippets(), f"not tried: {sorted(_editor_snippets() - tried)}"


def test_completion_and_hover_are_danish_and_have_no_object_labels(workspace):
    root, folder, server = workspace
    path = folder / "delaftale-beskaeftigelse.yaml"
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    key_line = lines.index("aktiviteter:")
    blank = "\n".join(lines[:key_line + 1] + ["  "] + lines[key_line + 1:])
    server.open(path.as_uri(), blank)
    items = server.completion(path.as_uri(), key_line + 1, 2)
    labels = [item["label"] for item in items]
    assert "Ny aktivitet" in labels and not any("[object Object]" in label for label in labels), labels
    snippet = next(item for item in items if item["label"] == "Ny aktivitet")
    assert (snippet.get("textEdit", {}).get("newText") or snippet["insertText"]).startswith("- id: ")

    # Keys offered inside an item, each with the form's Danish explanation.
    inside = "\n".join(lines[:key_line + 1] + ["  - "] + lines[key_line + 1:])  # a new, empty item
    server.open(path.as_uri(), inside)
    keys = {item["label"]: item for item in server.completion(path.as_uri(), key_line + 1, 4)}
    assert "ansvar" in keys, sorted(keys)
    documentation = keys["ansvar"].get("documentation")
    documentation = documentation.get("value", "") if isinstance(documentation, dict) else documentation or ""
    wanted = PROJECT.schema_documents()["delaftale.schema.json"]["definitions"]["aktivitet"]["properties"]["ansvar"]
    assert wanted["description"][:40] in documentation, documentation
    assert not any("[object Object]" in label for label in keys)

    server.open(path.as_uri(), text)
    hover = server.hover(path.as_uri(), 1, 3)  # on 'indsatsomraade'
    shown = hover["contents"]["value"] if isinstance(hover["contents"], dict) else str(hover["contents"])
    title = PROJECT.schema_documents()["delaftale.schema.json"]["properties"]["indsatsomraade"]["title"]
    assert title in shown and "[object Object]" not in shown, shown


def test_no_examples_the_server_would_show_as_object_object():
    """Before: 44 of 57 lists had `examples` the server labelled '[object Object]'."""
    schemas = {name: json.loads(data) for name, data in editor_schema_files(PROJECT).items()}
    found = []

    def walk(node, where):
        if isinstance(node, dict):
            if any(isinstance(e, (dict, list)) for e in node.get("examples", [])):
                found.append(where)
            for key, value in node.items():
                if key not in ("defaultSnippets", "examples"):
                    walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")
    for name, schema in schemas.items():
        walk(schema, name)
    assert not found, found


def test_editor_schemas_accept_and_refuse_what_the_source_schemas_do(tmp_path):
    """The transforms change words, not rules: every example (of either round) validates under the
    editor's schemas, and each broken file of CASES is refused by them at the same place as by the
    CLI's schemas for its round."""
    from aftaler.check.schema import make_validator
    from aftaler.load.source import load

    from aftaler.authoring.round_schemas import round_schema

    # the CLI checks a set against its round's schemas (the catalogue's ids filled in); lille is 2019-26
    source_documents = {name: round_schema(doc, PROJECT.catalogues()["2019-26"])
                        for name, doc in PROJECT.schema_documents().items()}
    editor_documents = {name: json.loads(data) for name, data in editor_schema_files(PROJECT).items()}

    def error_paths(documents, path: Path) -> set:
        source, findings = load(path)
        assert not findings, findings
        validator = make_validator(documents[f"{source.kind}.schema.json"], documents)
        return {tuple(e.absolute_path)[:-1] if e.validator == "additionalProperties" else tuple(e.absolute_path)
                for e in validator.full.iter_errors(source.data)}

    for path in sorted(ROOT.glob("agreements/*/*.yaml")):
        assert error_paths(editor_documents, path) == set(), path
    for case, (name, old, new, _) in sorted(CASES.items()):
        path = tmp_path / case / name
        path.parent.mkdir()
        path.write_text((SETS / "lille" / name).read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        source_paths = error_paths(source_documents, path)
        assert source_paths and error_paths(editor_documents, path) == source_paths, case


def test_the_editor_offers_the_ids_of_every_round_and_says_whose():
    """One editor schema serves sets of both rounds: an area id of either is offered, and the id
    only one round has says which round in its description."""
    editor = {name: json.loads(data) for name, data in editor_schema_files(PROJECT).items()}
    rounds = PROJECT.catalogues()
    offered: dict = {}

    def walk(node):
        if isinstance(node, dict):
            if node.get("x-katalog") == "indsatsomraader" and "enum" in node:
                offered.update(zip(node["enum"], node["markdownEnumDescriptions"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(editor["delaftale.schema.json"])
    for round_id, catalogue in rounds.items():
        for area in catalogue["indsatsomraader"]:
            assert area["id"] in offered
            assert f"pulje {round_id}" in offered[area["id"]]  # the two rounds share no area


def test_this_repositorys_editor_schemas_are_current():
    """The examples' first lines (and .vscode/settings.json) point at .aftaler/skemaer/, as in a
    repository made with `aftaler init`, so the editor speaks Danish here too; they follow the
    schemas and catalogues (`make skemaer` writes them)."""
    from aftaler.authoring.repository import stale_editor_schemas
    from aftaler.project import Repository
    folder = ROOT / ".aftaler" / "skemaer"
    assert folder.is_dir() and stale_editor_schemas(Repository(ROOT), PROJECT) == [], "kør 'make skemaer'"
    firsts = {path.read_text(encoding="utf-8").split("\n", 1)[0] for path in ROOT.glob("agreements/*/*.yaml")}
    assert all("$schema=../../.aftaler/skemaer/" in line for line in firsts), firsts
    for line in firsts:
        assert (ROOT / "agreements" / "x" / line.split("$schema=", 1)[1]).resolve().is_file(), line
