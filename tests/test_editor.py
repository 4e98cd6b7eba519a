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
    return [f for f in pipeline.validate([folder], PROJECT).findings
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
