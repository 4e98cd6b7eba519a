"""The toolkit's own files inside the installed package: schemas, Word and site templates,
scaffolds, catalogues and fonts.

In this repository they live at the top (`schemas/`, `templates/`, `catalogue/`) and the package
links to them; a wheel carries them as package data. Either way they are read through
importlib.resources, so they are found wherever the package is installed.
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def packaged(name: str) -> Path:
    """One of the package's data folders as a path (pip installs a package unzipped)."""
    return Path(str(files("aftaler") / name))
