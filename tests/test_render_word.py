"""Placeholders in templates: rich text and pictures become real Word content."""
from __future__ import annotations

import base64
import zipfile

from docx import Document

from aftaler.render.word import Picture, render_docx

# A 1×1 PNG; enough to prove the image part and the drawing are made.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def test_picture_placeholder_becomes_an_inline_image(tmp_path):
    template = tmp_path / "t.docx"
    doc = Document()
    doc.add_paragraph("Før")
    doc.add_paragraph("{{ diagram|billede }}")
    doc.save(template)
    data = render_docx(template, {"diagram": Picture(PNG, 5.0, "Organisationsdiagram")})
    out = tmp_path / "o.docx"
    out.write_bytes(data)
    with zipfile.ZipFile(out) as z:
        body = z.read("word/document.xml").decode()
        assert any(n.startswith("word/media/") for n in z.namelist())
    assert "<wp:inline" in body and 'descr="Organisationsdiagram"' in body
    assert "\ue000" not in body
