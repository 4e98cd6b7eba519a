"""Builds the default Word templates in this folder: `python templates/make_templates.py`.

Each document kind's template is built by `templates/src/<kind>.py` (a `build()` function), with
the shared building blocks in `templates/src/word.py`. The templates reproduce the layout of LBF's
official forms with docxtpl tags; they are generated so their layout is reviewable as code. A
secretariat that has LBF's own .docx can tag that instead (README, "Your own official Word
template"). Guidance texts are short paraphrases of the forms' instructions.
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent / "src"


def main() -> None:
    sys.path.insert(0, str(SRC))
    for path in sorted(SRC.glob("*.py")):
        if path.stem != "word":
            importlib.import_module(path.stem).build()
    print("skabeloner skrevet i", SRC.parent)


if __name__ == "__main__":
    main()
