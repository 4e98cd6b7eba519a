"""Benchmarks for issue 9: `python benchmarks/run.py [--sets 100] [--from lille]`.

Runs every command as a user would (a fresh `python build.py …` process each time), measures
wall time and the peak memory of the child process, and prints a Markdown table to paste into
benchmarks/RESULTS.md. A short measurement is the median of three runs (a full build from an
empty output folder each time); the example and pandoc alternate, nine runs each; the 100-set
full build is one run. Run it on a quiet machine; it takes a few minutes.

The commands run as on a user's machine after the first build: Python may write its .pyc files
(PYTHONDONTWRITEBYTECODE is dropped for them) and Jinja's compiled templates are kept
(template_cache.py). One row shows the very first build, with neither.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import ROOT, generate  # noqa: E402

BUILD = [sys.executable, str(ROOT / "build.py")]
USER_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str], cwd: Path = ROOT, env: dict | None = None) -> tuple[float, int, int]:
    """(seconds, peak resident memory in MB of the command's largest process, exit code).

    wait4 gives this command's own figures (its worker processes included), not those of every
    command run before it."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors, env=env or USER_ENV)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        if process.returncode not in (0, 1):
            sys.exit(f"{' '.join(command)} failed:\n{errors.read()[-2000:].decode(errors='replace')}")
    return seconds, usage.ru_maxrss // 1024, process.returncode


def median_of(runs: int, command: list[str], before=lambda: None, cwd: Path = ROOT) -> float:
    times = []
    for _ in range(runs):
        before()
        times.append(timed(command, cwd)[0])
    return sorted(times)[len(times) // 2]


def example_vs_pandoc(work: Path, runs: int = 9) -> list[tuple[str, str]]:
    """Our full build of the example against pandoc writing the same pages (with their figures)
    as one .docx. Both are fresh processes; ours writes 9 Word files, a workbook and the site.
    The two alternate, `runs` times each, and the medians are compared: this VM's speed drifts
    by 10-20 % within minutes, which a ratio of two separate series would measure instead."""
    out = work / "eksempel"
    cold_env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", AFTALER_SKABELONCACHE=str(work / "tom-cache"))
    cold, _, _ = timed([*BUILD, "build", "agreements/amager", "-o", str(work / "koldt")], env=cold_env)
    timed([*BUILD, "build", "agreements/amager", "-o", str(work / "opvarmning")])  # writes .pyc and the template cache
    pages = work / "opvarmning" / "site" / "amager"
    combined = pages / "samlet.md"  # next to the pages, so the figures' relative paths resolve
    combined.write_text("\n\n".join(p.read_text(encoding="utf-8") for p in sorted(pages.glob("*.md"))
                                     if p != combined), encoding="utf-8")
    ours, with_figures, text_only = [], [], []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        ours.append(timed([*BUILD, "build", "agreements/amager", "-o", str(out)])[0])
        if shutil.which("pandoc"):
            with_figures.append(timed(["pandoc", combined.name, "--resource-path=.", "-o", str(work / "pandoc.docx")],
                                      cwd=pages)[0])
            text_only.append(timed(["pandoc", combined.name, "--resource-path=/nonexistent", "-o",
                                    str(work / "pandoc-tekst.docx")], cwd=pages)[0])
    seconds = statistics.median(ours)
    rows = [("Eksemplet (amager): fuldt build — 9 Word-filer, regneark, site", f"{seconds:.2f} s"),
            ("Eksemplet: allerførste build (ingen .pyc, ingen skabeloncache)", f"{cold:.2f} s")]
    if not with_figures:
        return rows + [("pandoc", "ikke installeret (apt-get install pandoc)")]
    figures, text = statistics.median(with_figures), statistics.median(text_only)
    rows.append(("pandoc: samme indhold (med figurerne) som én Markdown-fil → én .docx", f"{figures:.2f} s"))
    rows.append(("pandoc: kun teksten (figurerne udeladt)", f"{text:.2f} s"))
    rows.append(("forhold (vores build / pandoc med figurer)", f"{seconds / figures:.2f}"))
    rows.append(("forhold (vores build / pandoc kun tekst)", f"{seconds / text:.2f}"))
    rows.append((f"vores build / pandoc med figurer, parvis (median af {runs})",
                 f"{statistics.median(o / p for o, p in zip(ours, with_figures)):.2f}"))
    return rows


def many_sets(work: Path, count: int, template: Path) -> list[tuple[str, str]]:
    sets = work / "saet"
    folders = generate(count, sets, template)
    out = work / "ud"
    rows = []
    seconds = median_of(3, [*BUILD, "validate", str(sets)])
    rows.append((f"{count} sæt: kun validering", f"{seconds:.2f} s"))
    seconds, peak, _ = timed([*BUILD, "build", str(sets), "-o", str(out)])
    rows.append((f"{count} sæt: fuldt build ({os.cpu_count()} kerner)", f"{seconds:.2f} s (højeste hukommelse {peak} MB)"))
    seconds = median_of(3, [*BUILD, "build", str(sets), "-o", str(out)])
    rows.append((f"{count} sæt: build uden ændringer", f"{seconds:.2f} s"))
    edits = iter(range(3))

    def edit_one_budget():
        budget = folders[count // 2 + next(edits)] / "budget.yaml"
        budget.write_text(budget.read_text(encoding="utf-8").replace("jnr:", "# redigeret\njnr:", 1), encoding="utf-8")

    seconds = median_of(3, [*BUILD, "build", str(sets), "-o", str(out)], before=edit_one_budget)
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
    seconds = median_of(3, [*BUILD, "diff", "godkendt", "HEAD", "agreements/amager"], cwd=repo)
    with_files = median_of(3, [*BUILD, "diff", "godkendt", "HEAD", "agreements/amager", "-o", str(work / "diff")], cwd=repo)
    return [("diff mellem to revisioner af eksemplet (rapport)", f"{seconds:.2f} s"),
            ("diff med redlines, ændringsside og anmodning (-o)", f"{with_files:.2f} s")]


def _cpu() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return platform.processor() or "ukendt processor"
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "ukendt processor")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sets", type=int, default=100)
    parser.add_argument("--from", dest="template", default="lille", choices=["lille", "amager"],
                        help="the set each generated set copies: tests/sets/lille or agreements/amager")
    args = parser.parse_args()
    template = ROOT / ("tests/sets/lille" if args.template == "lille" else "agreements/amager")
    print(f"Maskine: {platform.node()}, {_cpu()}, {os.cpu_count()} kerner, Python {platform.python_version()}, "
          f"{platform.system()} {platform.machine()}; sæt kopieret fra {args.template}\n")
    print("| måling | resultat |\n|---|---|", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for stage in (example_vs_pandoc, lambda w: many_sets(w, args.sets, template), diff_two_revisions):
            for name, value in stage(work):
                print(f"| {name} | {value} |", flush=True)


if __name__ == "__main__":
    main()
