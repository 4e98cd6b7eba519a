"""Write this repository's editor schemas (.aftaler/skemaer/), as `aftaler init` writes them in an
agreements repository: the examples' first lines point there, so the editor shows the CLI's Danish
messages and snippets. Run after changing schemas/ or catalogue/ (`make skemaer`); a test
(tests/test_editor.py) fails while they are stale."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aftaler.authoring.repository import editor_schema_files  # noqa: E402
from aftaler.project import EDITOR_SCHEMAS, Project  # noqa: E402


def main() -> None:
    folder = ROOT / EDITOR_SCHEMAS
    folder.mkdir(parents=True, exist_ok=True)
    wanted = editor_schema_files(Project())
    for stale in set(p.name for p in folder.glob("*.json")) - set(wanted):
        (folder / stale).unlink()
    for name, data in wanted.items():
        if not (folder / name).is_file() or (folder / name).read_bytes() != data:
            (folder / name).write_bytes(data)
    print(f"{len(wanted)} skemaer til editoren i {EDITOR_SCHEMAS}/")


if __name__ == "__main__":
    main()
