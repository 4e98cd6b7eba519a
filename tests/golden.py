"""Every output of the examples, as a list of sha256 digests, so that a change that must not alter
the outputs (a move, an optimisation) is checked byte for byte.

The examples are copied out of git first, so the digests depend only on the sources and the
toolkit, not on which commit is checked out. Run as a script to see what differs, or with
`--update` after a change that means to alter outputs (the change of tests/golden.json then shows
in review which files it altered):

    python tests/golden.py            # compare, exit 1 and list the files that differ
    python tests/golden.py --update   # write tests/golden.json
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORD = Path(__file__).resolve().parent / "golden.json"
MANIFEST = ".aftaler-filer.json"
# A revision of the example as a reviewer makes one: a budget line moves between years, a prose edit.
EDITS = [
    ("amager/budget.yaml", "udgifter: {2022: 16, 2023: 16, 2024: 16, 2025: 16}",
     "udgifter: {2022: 12, 2023: 20, 2024: 16, 2025: 16}"),
]


def _aftaler(*args: str, cwd: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "aftaler", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "AFTALER_SKABELONCACHE": "0"}, timeout=600)
    if done.returncode not in (0, 1) or "intern fejl" in done.stderr:
        raise RuntimeError(f"aftaler {' '.join(args)} exited {done.returncode}:\n{done.stderr}")


def outputs() -> dict[str, str]:
    """Build, status and diff of the examples in a temporary folder; digest of every file written."""
    with tempfile.TemporaryDirectory(prefix="aftaler-golden-") as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "agreements", work / "agreements")
        shutil.copytree(ROOT / "agreements", work / "revideret")
        for name, old, new in EDITS:
            path = work / "revideret" / name
            text = path.read_text(encoding="utf-8")
            if old not in text:
                raise RuntimeError(f"golden: {old!r} not in {name}; update EDITS")
            path.write_text(text.replace(old, new, 1), encoding="utf-8")
        _aftaler("build", "agreements", "-o", "out/build", cwd=work)
        _aftaler("status", "agreements", "-o", "out/status", cwd=work)
        _aftaler("diff", "agreements/amager", "revideret/amager", "-o", "out/diff", cwd=work)
        digests = {}
        for path in sorted((work / "out").rglob("*")):
            if path.is_file() and path.name != MANIFEST:  # the manifest holds keys and times, not output
                digests[path.relative_to(work / "out").as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
        return digests


def compare(expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    """One line per file that is new, missing or different."""
    lines = []
    for name in sorted(set(expected) | set(actual)):
        if name not in actual:
            lines.append(f"mangler: {name}")
        elif name not in expected:
            lines.append(f"ny:      {name}")
        elif expected[name] != actual[name]:
            lines.append(f"ændret:  {name}")
    return lines


def main(argv: list[str]) -> int:
    actual = outputs()
    if "--update" in argv:
        RECORD.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"{len(actual)} digests written to {RECORD.relative_to(ROOT)}")
        return 0
    differences = compare(json.loads(RECORD.read_text(encoding="utf-8")), actual)
    print("\n".join(differences) or f"alle {len(actual)} filer er som før")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
