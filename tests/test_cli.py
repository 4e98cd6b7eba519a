"""The command line keeps its promises: Danish words, exit 2 for usage errors that name what is
wrong, a port in use said before any build, JSON with counts and written files, progress on a
terminal, `init` that sets up a repository and can run again."""
from __future__ import annotations

import json
import os
import pty
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SETS, edit

from aftaler.cli import cli

COMMANDS = sorted(cli.commands)
ENGLISH = re.compile(r"Usage:|Options:|Commands:|Show this message|Show the version|\[default:|\[required\]|"
                     r"\[OPTIONS\]|\bTEXT\b|\bDIRECTORY\b|\bINTEGER\b|\bPATH\b|\bFILE\b|Error:|Try '")


def test_every_command_has_danish_help(run):
    for command in [[], *([c] for c in COMMANDS)]:
        code, out, err = run(*command, "--help")
        assert code == 0, command
        assert out.startswith("Brug: ") and "Tilvalg:" in out, command
        assert not ENGLISH.search(out), (command, ENGLISH.search(out).group(0))


@pytest.mark.parametrize("args, says", [
    (["validate", "findes/ikke"], "stien 'findes/ikke' findes ikke"),
    (["validate", "README.md"], "'README.md' er hverken en aftalemappe eller en .yaml-fil"),
    (["build", "agreements/amager", "-j", "0"], "ugyldig værdi for -j/--jobs: 0 ligger ikke i intervallet"),
    (["build", "agreements/amager", "-j", "mange"], "ugyldig værdi for -j/--jobs: 'mange' er ikke et gyldigt tal"),
    (["status", "agreements/amager", "--year", "1800"], "ugyldig værdi for --year: 1800 ligger ikke i intervallet"),
    (["build", "agreements/amager", "-o", ""], "ugyldig værdi for -o/--output: angiv en mappe"),
    (["build", "agreements/amager", "-o", "agreements"], "'agreements' ville skrive i aftalemappen"),
    (["build", "agreements/amager", "-o", "agreements/amager"], "ville skrive i aftalemappen"),
    (["build", "agreements/amager", "--skabelon", "delaftaler=templates/delaftale.docx"],
     "ukendt dokumenttype 'delaftaler'; mente du 'delaftale'?"),
    (["check-template", "findes-ikke.docx", "--kind", "delaftale"], "filen 'findes-ikke.docx' findes ikke"),
    (["new"], "mangler argumentet 'ART'"),
    (["byg"], "ukendt kommando 'byg'; kommandoerne er: build, bundle, check-template"),
    (["build", "--outptu", "x"], "ukendt tilvalg '--outptu'; mente du '--output'?"),
])
def test_usage_errors_exit_2_and_name_the_problem(run, args, says):
    code, out, err = run(*args)
    assert code == 2, err
    first = err.splitlines()[0]
    assert first.endswith(says) or says in first, err
    assert not ENGLISH.search(err), err
    assert "Traceback" not in err


def test_nothing_is_written_for_a_usage_error(run, tmp_path):
    # -o pointing at the sets' own folder: refused before anything is built
    sets = tmp_path / "saet"
    shutil.copytree(SETS / "lille", sets / "lille")
    before = sorted(p.name for p in (sets / "lille").iterdir())
    code, _, err = run("build", sets, "-o", sets)
    assert code == 2, err
    assert sorted(p.name for p in (sets / "lille").iterdir()) == before


def test_a_port_in_use_is_said_before_any_build(run, tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = run("serve", "agreements/amager", "-o", tmp_path / "ud", "--port", port)
    assert code == 2
    assert f"porten {port} er optaget" in err and "--port 0" in err
    assert not (tmp_path / "ud").exists()  # nothing was built


def test_json_carries_counts_and_the_files_written(run, tmp_path):
    code, out, _ = run("build", "agreements/frivillighed-partnerskab", "-o", tmp_path, "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["fejl"] == 0 and isinstance(report["advarsler"], int)
    written = {Path(p) for p in report["skrevet"]}
    assert tmp_path / "frivillighed-partnerskab" / "partnerskabsaftale.docx" in written
    assert all(p.exists() for p in written)
    code, out, _ = run("validate", "agreements/amager", "--format", "json")
    assert json.loads(out)["skrevet"] == [] and "advarsler" in json.loads(out)


def on_terminal(command: list[str], env: dict, stdout: bool = True) -> tuple[int, str]:
    """Run `command` with stderr (and stdout) on a pseudo-terminal: (exit code, what it showed)."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.DEVNULL, stderr=follower, env=env,
                               stdout=follower if stdout else subprocess.DEVNULL)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    code = process.wait(timeout=120)
    os.close(leader)
    return code, shown.decode("utf-8", "replace")


def test_validate_shows_progress_on_a_terminal_only(tmp_path):
    for n in range(8):
        shutil.copytree(SETS / "lille", tmp_path / "saet" / f"lille-{n:02d}")
        for path in (tmp_path / "saet" / f"lille-{n:02d}").glob("*.yaml"):
            path.write_text(path.read_text(encoding="utf-8").replace("$schema=../../../schemas/", f"$schema={ROOT}/schemas/"),
                            encoding="utf-8")
    command = [sys.executable, "-m", "aftaler", "validate", str(tmp_path / "saet")]
    at_once = dict(os.environ, AFTALER_FREMSKRIDT_EFTER="0")  # however fast this machine is
    code, shown = on_terminal(command, at_once, stdout=False)
    assert code == 0
    assert "Kontrollerer aftalesæt" in shown, shown[-500:]
    piped = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, env=at_once)
    assert "Kontrollerer" not in piped.stderr and piped.stderr.strip() == "Alle aftaler er gyldige."


def _last_bar_ends_its_line(shown: str, label: str) -> bool:
    """The bar's last drawing (at 100 %) is followed by a line break before anything else."""
    last = shown.rindex(label)
    return "100%" in shown[last:] and "\n" in shown[last:] and \
        shown[last:].index("100%") < shown[last:].index("\n")


def test_diff_shows_progress_on_a_terminal_and_ends_it_before_the_report(small_set, tmp_path):
    old = tmp_path / "gammel"
    shutil.copytree(small_set, old)
    edit(small_set / "delaftale-beskaeftigelse.yaml", "Flere unge kommer i job", "Flere unge kommer i varigt job")
    command = [sys.executable, "-m", "aftaler", "diff", str(old), str(small_set), "-o", str(tmp_path / "ud")]
    code, shown = on_terminal(command, dict(os.environ, AFTALER_FREMSKRIDT_EFTER="0"))
    assert code == 1, shown[-800:]  # 1: something changed
    assert "Sammenligner" in shown and _last_bar_ends_its_line(shown, "Sammenligner"), shown[:800]
    assert "Ændringer fra" in shown[shown.rindex("100%"):], shown[-800:]  # the report after the bar, not in it
    piped = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120,
                           env=dict(os.environ, AFTALER_FREMSKRIDT_EFTER="0"))
    assert "Sammenligner" not in piped.stderr + piped.stdout


def test_bundle_shows_the_pdfs_progress_on_a_terminal(small_set, tmp_path):
    from test_bundle import fake_soffice
    (tmp_path / "bin").mkdir()
    fake_soffice(tmp_path / "bin", pause=0.2)  # LibreOffice's batch, as fast on every machine
    env = dict(os.environ, AFTALER_FREMSKRIDT_EFTER="0", PATH=f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    code, shown = on_terminal([sys.executable, "-m", "aftaler", "bundle", str(small_set), "-o", str(tmp_path / "pakke")], env)
    assert code == 0, shown[-800:]
    label = "Laver uploadpakken og dens PDF-filer"
    assert shown.count(label) >= 3 and _last_bar_ends_its_line(shown, label), shown[:1500]
    assert "Tjekliste til upload" in shown[shown.rindex("100%"):]
    assert sorted(p.name for p in (tmp_path / "pakke").glob("*.pdf"))  # the stand-in's PDFs were collected


def test_init_sets_up_a_repository_and_can_run_again(tmp_path):
    repo = tmp_path / "mine-aftaler"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (repo / ".vscode").mkdir()
    (repo / ".vscode" / "settings.json").write_text('{"editor.tabSize": 2}', encoding="utf-8")
    (repo / ".gitignore").write_text("*.bak\n", encoding="utf-8")

    def init(*args):
        return subprocess.run([sys.executable, "-m", "aftaler", "init", *args], cwd=repo, capture_output=True,
                              text=True, timeout=60)

    first = init()
    assert first.returncode == 0, first.stderr
    for name in ("aftaler.toml", ".pre-commit-config.yaml", ".github/workflows/aftaler.yml", ".gitattributes",
                 ".vscode/extensions.json", ".aftaler/skemaer/delaftale.schema.json", "agreements/.gitkeep"):
        assert (repo / name).is_file(), name
    settings = json.loads((repo / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["editor.tabSize"] == 2  # the author's own settings are kept
    assert settings["yaml.schemas"]["./.aftaler/skemaer/delaftale.schema.json"] == [
        "agreements/*/delaftale.yaml", "agreements/*/delaftale-*.yaml"]
    assert (repo / ".gitignore").read_text(encoding="utf-8") == "*.bak\n/output/\n"
    assert "*.docx diff=docx" in (repo / ".gitattributes").read_text(encoding="utf-8")
    textconv = subprocess.run(["git", "config", "diff.docx.textconv"], cwd=repo, capture_output=True, text=True).stdout
    assert "-m aftaler tekst" in textconv

    (repo / ".pre-commit-config.yaml").write_text("# mine\n", encoding="utf-8")
    again = init()
    assert again.returncode == 0 and "0 filer skrevet" in again.stderr, again.stderr
    assert (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8") == "# mine\n"  # kept without --overskriv
    assert init("--overskriv").returncode == 0
    assert "aftaler-validate" in (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8")

    # a set started in it points its editor at the repository's schemas and validates
    new = subprocess.run([sys.executable, "-m", "aftaler", "new", "lbf", "Indsats i Testby", "--areas", "beskaeftigelse",
                          "--fra", "1. januar 2026", "--til", "31. december 2029",
                          "--part", "Boligforeningen X:boligorganisation", "--part", "Testby Kommune:kommune"],
                         cwd=repo / "agreements", capture_output=True, text=True, timeout=60)
    assert new.returncode == 0, new.stderr
    first_line = (repo / "agreements/indsats-i-testby/delaftale-beskaeftigelse.yaml").read_text(encoding="utf-8").split("\n")[0]
    assert first_line == "# yaml-language-server: $schema=../../.aftaler/skemaer/delaftale.schema.json"


def test_an_outdated_editor_schema_is_a_warning(tmp_path):
    repo = tmp_path / "r"
    shutil.copytree(ROOT / "agreements" / "frivillighed-partnerskab", repo / "agreements" / "frivillighed-partnerskab")
    (repo / "aftaler.toml").write_text("[aftaler]\n", encoding="utf-8")
    assert subprocess.run([sys.executable, "-m", "aftaler", "init"], cwd=repo, capture_output=True).returncode == 0
    schema = repo / ".aftaler" / "skemaer" / "partnerskabsaftale.schema.json"
    schema.write_text(schema.read_text(encoding="utf-8").replace("Partnerskab", "Gammelt partnerskab", 1), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "aftaler", "validate"], cwd=repo, capture_output=True, text=True)
    assert done.returncode == 0
    assert "advarsel: skemaerne til editoren passer ikke til denne version af aftaler" in done.stderr
    assert "partnerskabsaftale.schema.json" in done.stderr and "kør 'aftaler init'" in done.stderr


def test_settings_errors_are_positioned(tmp_path):
    (tmp_path / "aftaler.toml").write_text('[aftaler]\naftalemappe = "aftaler"\nudgang = "ud"\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "aftaler", "validate"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 1
    assert "aftaler.toml:3:1: fejl: ukendt indstilling 'udgang'; mulige: aftalemappe, outputmappe, udvidelser" in done.stderr
    (tmp_path / "aftaler.toml").write_text('[aftaler]\naftalemappe = \n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "aftaler", "validate"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 1 and re.search(r"aftaler\.toml:2:\d+: fejl: ugyldig TOML", done.stderr), done.stderr


def test_build_of_one_set_with_pdfs_moves_its_progress_as_the_pdfs_come(small_set, tmp_path):
    from test_bundle import fake_soffice
    (tmp_path / "bin").mkdir()
    fake_soffice(tmp_path / "bin", pause=0.2)
    env = dict(os.environ, AFTALER_FREMSKRIDT_EFTER="0", PATH=f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    code, shown = on_terminal([sys.executable, "-m", "aftaler", "build", str(small_set), "--pdf", "-o", str(tmp_path / "ud")],
                              env)
    assert code == 0, shown[-800:]
    shares = set(re.findall(r"Bygger aftalesæt\s+\[[#-]+\]\s+(\d+)%", shown))
    assert len(shares - {"0", "100"}) >= 3, shown[:1500]  # one set, yet the bar moved while its PDFs were made
    assert _last_bar_ends_its_line(shown, "Bygger aftalesæt")
    assert list((tmp_path / "ud" / small_set.name).glob("*.pdf"))
