"""The Word files open in a real client: LibreOffice converts each to PDF with its text intact."""
from __future__ import annotations


import pytest

from aftaler.cli import main
from conftest import ROOT
from libreoffice import convert, pdf_text


@pytest.mark.parametrize("set_path", ["tests/sets/lille", "agreements/amager"])
def test_libreoffice_converts_every_document(set_path, tmp_path):
    if not any((ROOT / set_path).glob("*.yaml")):
        pytest.fail(f"{set_path} mangler")
    assert main(["build", str(ROOT / set_path), "-o", str(tmp_path / "ud")]) == 0
    docs = sorted((tmp_path / "ud").glob("*/*.docx"))
    assert docs
    for docx in docs:
        pdf = convert(docx, "pdf", tmp_path / "pdf")
        text = pdf_text(pdf)
        assert len(text) > 200, docx.name
        assert "{{" not in text.replace("{{ gode }}", ""), docx.name
