"""Benchmarks for issue 9: `python benchmarks/run.py [--sets 100] [--from lille]`.

Runs every command as a user would (a fresh `python build.py …` process each time), measures
wall time and the peak memory of the child process, and prints a Markdown table to paste into
benchmarks/RESULTS.md. Run it on a quiet machine; it takes a few minutes.
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import ROOT, generate  # noqa: E402

BUILD = [sys.executable, str(ROOT / "build.py")]


def timed(command: list[str], cwd: Path = ROOT) -> tuple[float, int, int]:
    """(seconds, peak resident memory of the child in MB, exit code)."""
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    if result.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr[-2000:]}")
    return seconds, peak, result.returncode


def example_vs_pandoc(work: Path) -> list[tuple[str, str]]:
    rows = []
    seconds, _, _ = timed([*BUILD, "build", "agreements/amager", "-o", str(work / "eksempel")])
    rows.append(("Eksemplet (amager): fuldt build — 11 Word-filer, regneark, site", f"{seconds:.2f} s"))
    pages = sorted((work / "eksempel" / "site" / "amager").glob("*.md"))
    combined = work / "amager.md"
    combined.write_text("\n\n".join(p.read_text(encoding="utf-8") for p in pages), encoding="utf-8")
    if shutil.which("pandoc"):
        pandoc, _, _ = timed(["pandoc", str(combined), "-o", str(work / "amager-pandoc.docx")])
        rows.append(("pandoc: samme indhold som én Markdown-fil → én .docx", f"{pandoc:.2f} s"))
        rows.append(("forhold (vores build / pandoc)", f"{seconds / pandoc:.2f}"))
    else:
        rows.append(("pandoc", "ikke installeret (apt-get install pandoc)"))
    return rows


def many_sets(work: Path, count: int, template: Path) -> list[tuple[str, str]]:
    sets = work / "saet"
    folders = generate(count, sets, template)
    out = work / "ud"
    rows = []
    seconds, peak, _ = timed([*BUILD, "validate", str(sets)])
    rows.append((f"{count} sæt: kun validering", f"{seconds:.2f} s"))
    seconds, peak, _ = timed([*BUILD, "build", str(sets), "-o", str(out)])
    rows.append((f"{count} sæt: fuldt build ({os.cpu_count()} kerner)", f"{seconds:.2f} s (højeste hukommelse {peak} MB)"))
    seconds, _, _ = timed([*BUILD, "build", str(sets), "-o", str(out)])
    rows.append((f"{count} sæt: build uden ændringer", f"{seconds:.2f} s"))
    budget = folders[count // 2] / "budget.yaml"
    budget.write_text(budget.read_text(encoding="utf-8").replace("jnr:", "# redigeret\njnr:", 1), encoding="utf-8")
    seconds, _, _ = timed([*BUILD, "build", str(sets), "-o", str(out)])
    rows.append((f"{count} sæt: build efter én redigeret fil", f"{seconds:.2f} s"))
    return rows


def diff_two_revisions(work: Path) -> list[tuple[str, str]]:
    repo = work / "repo"
    shutil.copytree(ROOT / "agreements" / "amager", repo / "agreements" / "amager")
    env = dict(os.environ, GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@x", GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@x")
    def git(*args):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)
    git("init", "-q")
    for path in (repo / "agreements" / "amager").glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("../../schemas/", f"{ROOT}/schemas/"), encoding="utf-8")
    git("add", "-A"); git("commit", "-qm", "godkendt"); git("tag", "godkendt")
    budget = repo / "agreements" / "amager" / "budget.yaml"
    # A budget move between years: the line's total and financing stay as they were.
    budget.write_text(budget.read_text(encoding="utf-8").replace("2022: 38, 2023: 38", "2022: 28, 2023: 48", 1),
                      encoding="utf-8")
    git("commit", "-qam", "revision")
    seconds, _, _ = timed([*BUILD, "diff", "godkendt", "HEAD", "agreements/amager"], cwd=repo)
    with_files, _, _ = timed([*BUILD, "diff", "godkendt", "HEAD", "agreements/amager", "-o", str(work / "diff")], cwd=repo)
    return [("diff mellem to revisioner af eksemplet (rapport)", f"{seconds:.2f} s"),
            ("diff med redlines, ændringsside og anmodning (-o)", f"{with_files:.2f} s")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sets", type=int, default=100)
    parser.add_argument("--from", dest="template", default="lille", choices=["lille", "amager"],
                        help="the set each generated set copies: tests/sets/lille or agreements/amager")
    args = parser.parse_args()
    template = ROOT / ("tests/sets/lille" if args.template == "lille" else "agreements/amager")
    print(f"Maskine: {platform.node()}, {os.cpu_count()} kerner, Python {platform.python_version()}, "
          f"{platform.system()} {platform.machine()}; sæt kopieret fra {args.template}\n")
    print("| måling | resultat |\n|---|---|", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for stage in (example_vs_pandoc, lambda w: many_sets(w, args.sets, template), diff_two_revisions):
            for name, value in stage(work):
                print(f"| {name} | {value} |", flush=True)


if __name__ == "__main__":
    main()
