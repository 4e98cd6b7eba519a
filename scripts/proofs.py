"""Page images of every example's Word files for review without LibreOffice: `make proofs`.

Builds nothing itself (make proofs builds first): converts every .docx under output/ (and the
status note it writes) to PDF with LibreOffice, keeps the first pages of each as PNG in
output/proofs/<set>/, and prints the layout check of tests/pdf_layout.py per document.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import pdf_layout  # noqa: E402

PAGES = 3  # first pages of each document
RESOLUTION = 60  # dpi: a whole page on a screen


def main() -> int:
    output = ROOT / "output"
    proofs = output / "proofs"
    shutil.rmtree(proofs, ignore_errors=True)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print("LibreOffice mangler (soffice): kør scripts/system-deps.sh", file=sys.stderr)
        return 1
    docx_files = sorted(p for p in output.rglob("*.docx") if proofs not in p.parents and "site" not in p.parts)
    pdfs = pdf_layout.convert_all(docx_files, proofs / "pdf", soffice)
    faults = 0
    for docx, pdf in pdfs.items():
        target = proofs / docx.parent.relative_to(output)
        target.mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", str(RESOLUTION), "-l", str(PAGES), str(pdf), str(target / docx.stem)],
                       check=True)
        problems = pdf_layout.problems(docx, pdf)
        found = [f"{check}: {p}" for check, items in problems.items() for p in items]
        faults += len(found)
        pages = pdf_layout.page_count(pdf)
        print(f"{docx.relative_to(output)}: {pages} sider, {len(found) or 'ingen'} layoutfejl")
        for line in found:
            print(f"    {line}")
    print(f"sidebilleder i {proofs.relative_to(ROOT)}/")
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
