"""Benchmarks: `python benchmarks/run.py [--sets 100] [--scale 1,10,100,300] [--small] [--json F]`.

Every command runs as a user runs it (a fresh `python build.py …` process) on generated copies of
the full-size example (agreements/amager; `--small` adds rows for copies of tests/sets/lille).
Each figure is printed with the size of what was measured, its wall time, the CPU time of all its
processes and the peak memory of the largest one (from wait4), and as a ratio to pandoc
converting the example's text once, measured in the same run: the machine's speed drifts (a shared
VM drifts by 10-20 % within minutes), ratios measured side by side hold. Short measurements are
medians (the example and pandoc alternate); a full build of many sets is one run.

The commands run as on a user's machine after the first build: Python may write its .pyc files and
the compiled templates are kept (template_cache.py). One row shows the very first build.
Needs pandoc (scripts/bench-deps.sh installs it).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import ROOT, generate  # noqa: E402

BUILD = [sys.executable, str(ROOT / "build.py")]
USER_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
EXAMPLE = ROOT / "agreements" / "amager"
SMALL = ROOT / "tests" / "sets" / "lille"


@dataclass
class Measure:
    wall: float  # seconds
    cpu: float  # user + system seconds of the process and every child it waited for
    peak_mb: int  # resident memory of the largest of those processes


@dataclass
class Row:
    name: str
    size: str
    measure: Measure
    ratio_wall: float | None = None
    ratio_cpu: float | None = None
    target: str = ""
    met: bool | None = None


def timed(command: list[str], cwd: Path = ROOT, env: dict | None = None) -> Measure:
    """One run of a command. wait4 gives this command's own usage, its worker processes included
    (Linux adds a reaped child's children to it), not that of every command run before it."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors, env=env or USER_ENV)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            errors.seek(0)
            sys.exit(f"{' '.join(command)} failed:\n{errors.read()[-2000:].decode(errors='replace')}")
    return Measure(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024)


def median(measures: list[Measure]) -> Measure:
    return Measure(statistics.median(m.wall for m in measures), statistics.median(m.cpu for m in measures),
                   max(m.peak_mb for m in measures))


def repeated(runs: int, command: list[str], before=lambda: None, cwd: Path = ROOT) -> Measure:
    results = []
    for _ in range(runs):
        before()
        results.append(timed(command, cwd))
    return median(results)


def set_size(template: Path, count: int = 1) -> str:
    """What one measurement works on, in words a reader can compare with their own sets."""
    files = sorted(template.glob("*.yaml"))
    kb = sum(f.stat().st_size for f in files) / 1024
    words = sum(len(f.read_text(encoding="utf-8").split()) for f in files)
    one = f"{len(files)} YAML-filer, {kb:.0f} kB, {words} ord"
    return f"1 sæt ({one})" if count == 1 else f"{count} sæt à {one}"


def pandoc_text(work: Path) -> Path:
    """The example's text as one Markdown file: the site's pages joined (figures left out)."""
    out = work / "pandoc-kilde"
    timed([*BUILD, "build", str(EXAMPLE), "-o", str(out)])
    pages = out / "site" / EXAMPLE.name
    combined = work / "eksemplet.md"
    combined.write_text("\n\n".join(p.read_text(encoding="utf-8") for p in sorted(pages.glob("*.md"))),
                        encoding="utf-8")
    return combined


def example_vs_pandoc(work: Path, runs: int) -> tuple[Measure, list[Row]]:
    """Our full build of the example and pandoc on its text, alternating `runs` times each."""
    cold_env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", AFTALER_SKABELONCACHE=str(work / "tom-cache"))
    cold = timed([*BUILD, "build", str(EXAMPLE), "-o", str(work / "koldt")], env=cold_env)
    source = pandoc_text(work)  # also writes .pyc files and the template cache
    ours, theirs = [], []
    out = work / "eksempel"
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        ours.append(timed([*BUILD, "build", str(EXAMPLE), "-o", str(out)]))
        theirs.append(timed(["pandoc", str(source), "-o", str(work / "pandoc.docx")]))
    pandoc = median(theirs)
    size = set_size(EXAMPLE)
    rows = [
        Row(f"pandoc: eksemplets tekst som én Markdown-fil → én .docx (median af {runs})",
            f"{source.stat().st_size // 1024} kB Markdown", pandoc, 1.0, 1.0),
        Row(f"Eksemplet: fuldt build — Word-filer, regneark, site (median af {runs})", size, median(ours),
            target="CPU ≤ 1× pandoc"),
        Row("Eksemplet: allerførste build (ingen .pyc, ingen skabeloncache)", size, cold),
    ]
    return pandoc, rows


def many_sets(work: Path, count: int, template: Path, label: str = "") -> list[Row]:
    """Validation, full build, no-op and one-edit rebuild of `count` copies of `template`."""
    sets = work / f"saet-{template.name}-{count}"
    folders = generate(count, sets, template)
    out = work / f"ud-{template.name}-{count}"
    size = set_size(template, count) + label
    rows = [Row(f"{count} sæt: kun validering", size, repeated(3 if count <= 100 else 1, [*BUILD, "validate", str(sets)]),
                target="≤ 3× pandoc")]
    rows.append(Row(f"{count} sæt: fuldt build ({os.cpu_count()} kerner)", size,
                    timed([*BUILD, "build", str(sets), "-o", str(out)]), target="≤ 25× pandoc, ≤ 300 MB"))
    rows.append(Row(f"{count} sæt: build uden ændringer", size, repeated(3, [*BUILD, "build", str(sets), "-o", str(out)]),
                    target="≤ 0,3× pandoc"))
    edits = iter(range(3))

    def edit_one_budget():
        budget = folders[(count // 2 + next(edits)) % count] / "budget.yaml"
        budget.write_text(budget.read_text(encoding="utf-8").replace("jnr:", "# redigeret\njnr:", 1), encoding="utf-8")

    rows.append(Row(f"{count} sæt: build efter én redigeret fil", size,
                    repeated(3, [*BUILD, "build", str(sets), "-o", str(out)], before=edit_one_budget),
                    target="≤ 2× pandoc"))
    shutil.rmtree(sets)
    shutil.rmtree(out)
    return rows


def diff_two_revisions(work: Path) -> list[Row]:
    repo = work / "repo"
    shutil.copytree(EXAMPLE, repo / "agreements" / "amager")
    env = dict(os.environ, GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@x", GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@x")

    def git(*args):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)

    git("init", "-q")
    for path in (repo / "agreements" / "amager").glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("../../schemas/", f"{ROOT}/schemas/"), encoding="utf-8")
    git("add", "-A")
    git("commit", "-qm", "godkendt")
    git("tag", "godkendt")
    budget = repo / "agreements" / "amager" / "budget.yaml"
    # A budget move between years: the line's total and financing stay as they were.
    budget.write_text(budget.read_text(encoding="utf-8").replace("2022: 38, 2023: 38", "2022: 28, 2023: 48", 1),
                      encoding="utf-8")
    git("commit", "-qam", "revision")
    size = set_size(EXAMPLE)
    return [Row("diff mellem to revisioner af eksemplet (rapport)", size,
                repeated(3, [*BUILD, "diff", "godkendt", "HEAD", "agreements/amager"], cwd=repo)),
            Row("diff med redlines, ændringsside og anmodning (-o)", size,
                repeated(3, [*BUILD, "diff", "godkendt", "HEAD", "agreements/amager", "-o", str(work / "diff")], cwd=repo))]


def judged(row: Row, pandoc: Measure) -> Row:
    """The row with its ratios to pandoc and whether it meets its target."""
    row.ratio_wall = row.measure.wall / pandoc.wall
    row.ratio_cpu = row.measure.cpu / pandoc.cpu
    limits = {"≤ 3× pandoc": lambda r: r.ratio_wall <= 3, "≤ 0,3× pandoc": lambda r: r.ratio_wall <= 0.3,
              "≤ 2× pandoc": lambda r: r.ratio_wall <= 2, "CPU ≤ 1× pandoc": lambda r: r.ratio_cpu <= 1,
              "≤ 25× pandoc, ≤ 300 MB": lambda r: r.ratio_wall <= 25 and r.measure.peak_mb <= 300}
    if row.target in limits:
        row.met = limits[row.target](row)
    return row


def _num(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def table(rows: list[Row]) -> str:
    lines = ["| måling | størrelse | tid | CPU | største proces | × pandoc (tid) | × pandoc (CPU) | mål |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        verdict = "" if r.met is None else (" — nået" if r.met else " — ikke nået")
        lines.append(f"| {r.name} | {r.size} | {_num(r.measure.wall)} s | {_num(r.measure.cpu)} s | "
                     f"{r.measure.peak_mb} MB | {_num(r.ratio_wall)} | {_num(r.ratio_cpu)} | {r.target}{verdict} |")
    return "\n".join(lines)


def growth(work: Path, counts: list[int], pandoc: Measure) -> str:
    """Build, validation and no-op time and peak memory for growing numbers of full-size sets."""
    lines = ["| sæt | fuldt build | × pandoc | kun validering | × pandoc | uden ændringer | × pandoc | største proces |",
             "|---|---|---|---|---|---|---|---|"]
    print("\n".join(lines), flush=True)
    for count in counts:
        sets = work / f"vaekst-{count}"
        generate(count, sets, EXAMPLE)
        out = work / f"vaekst-ud-{count}"
        build = timed([*BUILD, "build", str(sets), "-o", str(out)])
        validate = timed([*BUILD, "validate", str(sets)])
        noop = timed([*BUILD, "build", str(sets), "-o", str(out)])
        lines.append(f"| {count} | {_num(build.wall)} s | {_num(build.wall / pandoc.wall, 1)} | {_num(validate.wall)} s | "
                     f"{_num(validate.wall / pandoc.wall, 1)} | {_num(noop.wall)} s | {_num(noop.wall / pandoc.wall, 2)} | "
                     f"{max(build.peak_mb, validate.peak_mb, noop.peak_mb)} MB |")
        print(lines[-1], flush=True)
        shutil.rmtree(sets)
        shutil.rmtree(out)
    return "\n".join(lines)


def machine() -> str:
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor() or "ukendt processor"
    pandoc = subprocess.run(["pandoc", "--version"], capture_output=True, text=True).stdout.split("\n", 1)[0]
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    # Which interpreter matters: the same code ran ≈15 % slower on a pyenv build (no PGO/LTO) than on
    # Debian's python3.11 (see RESULTS.md); the path says which build it is.
    interpreter = Path(sys.executable).resolve()
    return (f"{platform.node()}, {cpu}, {os.cpu_count()} kerner, {memory:.0f} GiB, {platform.system()} "
            f"{platform.machine()}, Python {platform.python_version()} ({interpreter}), {pandoc}, "
            f"load {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", type=int, default=100, help="how many full-size sets (default 100)")
    parser.add_argument("--runs", type=int, default=9, help="runs of the example and of pandoc (default 9)")
    parser.add_argument("--small", action="store_true", help="add rows for copies of the small set tests/sets/lille")
    parser.add_argument("--scale", default="", help="comma-separated set counts for the growth table, e.g. 1,10,100,300")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON to this file")
    args = parser.parse_args()
    if not shutil.which("pandoc"):
        sys.exit("pandoc mangler: kør scripts/bench-deps.sh")
    print(f"Maskine: {machine()}\n", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pandoc, rows = example_vs_pandoc(work, args.runs)
        rows += many_sets(work, args.sets, EXAMPLE)
        if args.small:
            rows += many_sets(work, args.sets, SMALL, " (det lille testsæt)")
        rows += diff_two_revisions(work)
        rows = [judged(r, pandoc) for r in rows]
        print(table(rows), flush=True)
        counts = [int(c) for c in args.scale.split(",") if c.strip()]
        if counts:
            print("\nVækst (fuld størrelse):\n", flush=True)
            growth(work, counts, pandoc)
    if args.json:
        args.json.write_text(json.dumps({"maskine": machine(), "rækker": [asdict(r) for r in rows]},
                                        ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
