"""LibreOffice as a real client: convert a file and return the result's path.

A missing LibreOffice is a failure with instructions, never a silent skip.
"""
from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if not path:
        pytest.fail("LibreOffice mangler (soffice): kør scripts/system-deps.sh, eller 'make test', som gør det")
    return path


def convert(path: Path, target: str, out_dir: Path, timeout: int = 180) -> Path:
    """`soffice --convert-to target`, with its own profile so parallel runs do not clash."""
    profile = out_dir / f"lo-profile-{uuid.uuid4().hex}"
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                    "--convert-to", target, "--outdir", str(out_dir), str(path)],
                   check=True, capture_output=True, timeout=timeout)
    result = out_dir / f"{path.stem}.{target.split(':')[0]}"
    assert result.exists(), f"LibreOffice skrev ikke {result.name} (en profilkonflikt afslutter stille)"
    return result


def pdf_text(pdf: Path) -> str:
    """A PDF's text with every run of whitespace (line breaks, page breaks, layout spaces) as one
    space: where LibreOffice breaks a line depends on the fonts, never on what the text says."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())
