"""Generate N agreement sets for the benchmarks: `python benchmarks/generate.py 100 /tmp/saet`.

Each set is a copy of a template set (agreements/amager, a full-size agreement, or the small
tests/sets/lille) with its own name and a different number of residents, so no two sets are
byte-identical.
"""
from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def generate(count: int, target: Path, template: Path = ROOT / "agreements" / "amager") -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    folders = []
    for n in range(1, count + 1):
        folder = target / f"saet-{n:03d}"
        if folder.exists():
            shutil.rmtree(folder)
        shutil.copytree(template, folder)
        for path in folder.glob("*.yaml"):
            text = path.read_text(encoding="utf-8")
            text = re.sub(r"\$schema=\S*/schemas/", f"$schema={ROOT / 'schemas'}/", text)
            text = re.sub(r"(?m)^omraadets_navn: .*$", f"omraadets_navn: Boligsocial indsats nr. {n}", text)
            text = re.sub(r"(?m)^(  beboere: )(\d+)", lambda m: f"{m.group(1)}{int(m.group(2)) + n}", text)
            path.write_text(text, encoding="utf-8")
        folders.append(folder)
    return folders


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
