"""render_word keeps compiled templates per process: never stale, never mixing two renders."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from docx import Document

from aftaler.render.word import Picture, TemplateProblem, render_docx
from conftest import ROOT
from test_render_word import PNG


def make_template(path: Path, *body: str, header: str | None = None) -> Path:
    doc = Document()
    if header is not None:
        doc.sections[0].header.paragraphs[0].text = header
    for text in body:
        doc.add_paragraph(text)
    doc.save(path)
    return path


def texts(data: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(data)).paragraphs if p.text]


def header_text(data: bytes) -> str:
    return Document(io.BytesIO(data)).sections[0].header.paragraphs[0].text


def members(data: bytes) -> list[tuple[str, bytes]]:
    """The package's parts in order; the raw zip also holds the time of saving."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(info.filename, z.read(info)) for info in z.infolist()]


def test_an_edited_template_is_never_served_stale(tmp_path):
    path = tmp_path / "t.docx"
    make_template(path, "Udgave A {{ navn }}", "{{ tekst|md }}", header="Hoved A {{ navn }}")
    first = render_docx(path, {"navn": "Hans", "tekst": "*x*"})
    stat = path.stat()
    make_template(path, "Udgave B {{ navn }}", "{{ tekst|md }}", header="Hoved B {{ navn }}")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same time: only the content tells
    second = render_docx(path, {"navn": "Hans", "tekst": "*x*"})
    assert texts(first) == ["Udgave A Hans", "x"] and header_text(first) == "Hoved A Hans"
    assert texts(second) == ["Udgave B Hans", "x"] and header_text(second) == "Hoved B Hans"


def test_a_template_with_an_error_fails_every_time(tmp_path):
    path = make_template(tmp_path / "t.docx", "{{ navn }")
    for _ in range(2):  # a failed compile must not be remembered as a template
        with pytest.raises(TemplateProblem, match="ugyldigt felt"):
            render_docx(path, {"navn": "Hans"})


RICH = ("Indledning med **fed** tekst[^1] og [et link](https://example.org).\n\n"
        "1. et\n2. to\n\n- punkt\n\n[^1]: En fodnote.\n")


def rich_template(tmp_path: Path) -> Path:
    return make_template(tmp_path / "rig.docx", "Aftale for {{ navn }}", "{{ tekst|md }}",
                         "{{ diagram|billede }}", "{{ andet|md }}", header="{{ navn }}")


def rich_context(name: str) -> dict:
    return {"navn": name, "tekst": RICH, "andet": "Slut.", "diagram": Picture(PNG, 3.0, "Diagram")}


def test_renders_of_one_template_give_the_same_bytes(tmp_path):
    template = rich_template(tmp_path)
    other = make_template(tmp_path / "andet.docx", "{{ andet|md }}")
    first = render_docx(template, rich_context("Amager"))
    render_docx(other, {"andet": "Noget andet."})  # another template in between
    second = render_docx(template, rich_context("Amager"))
    assert members(first) == members(second)


def test_each_render_starts_from_the_template_as_saved(tmp_path):
    """The template is read once per process; what one render adds to its parts (a numbering,
    footnotes, a picture) must not reach the next render's copy."""
    template = rich_template(tmp_path)
    plain = {"navn": "Amager", "tekst": "Tekst.", "andet": "Slut.", "diagram": Picture(PNG, 3.0, "Diagram")}
    first = render_docx(template, plain)
    render_docx(template, rich_context("Amager"))  # numbered list, footnote, hyperlink
    assert members(render_docx(template, plain)) == members(first)
    assert "word/footnotes.xml" not in dict(members(first))


def test_a_package_whose_main_part_is_no_word_document_is_refused(tmp_path):
    path = make_template(tmp_path / "t.docx", "{{ navn }}")
    with zipfile.ZipFile(path) as z:
        parts = [(info.filename, z.read(info)) for info in z.infolist()]
    word_type = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts:
            z.writestr(name, data.replace(word_type, b"application/xml") if name == "[Content_Types].xml" else data)
    for _ in range(2):  # refused the second time too: a failed read is not kept
        with pytest.raises(TemplateProblem, match="ikke en Word-fil"):
            render_docx(path, {"navn": "Hans"})


def test_a_warm_render_equals_a_render_in_a_fresh_process(tmp_path):
    template = rich_template(tmp_path)
    for _ in range(2):
        warm = render_docx(template, rich_context("Amager"))
    out = tmp_path / "kold.docx"
    script = ("import sys; from pathlib import Path\n"
              "sys.path.insert(0, 'tests')\n"
              "from aftaler.render.word import render_docx\n"
              "from test_render_word_cache import rich_context\n"
              f"Path({str(out)!r}).write_bytes(render_docx(Path({str(template)!r}), rich_context('Amager')))\n")
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True)
    assert members(warm) == members(out.read_bytes())


def test_blocks_never_leak_from_one_render_into_another(tmp_path):
    two = make_template(tmp_path / "to.docx", "{{ a|md }}", "{{ b|md }}")
    one = make_template(tmp_path / "en.docx", "{{ c|md }}")
    failing = make_template(tmp_path / "fejl.docx", "{{ a|md }}", "{{ b|md }}", "{{ mangler }}")
    assert texts(render_docx(two, {"a": "Første A", "b": "Første B"})) == ["Første A", "Første B"]
    with pytest.raises(TemplateProblem, match="mangler"):
        render_docx(failing, {"a": "Fejl A", "b": "Fejl B"})
    assert texts(render_docx(one, {"c": "Anden C"})) == ["Anden C"]
    assert texts(render_docx(two, {"a": "Tredje A", "b": "Tredje B"})) == ["Tredje A", "Tredje B"]


def test_concurrent_renders_keep_their_own_blocks(tmp_path):
    template = make_template(tmp_path / "t.docx", "{{ navn }}", "{{ a|md }}", "{{ b|md }}")
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, so renders interleave

    def render(i: int) -> list[str]:
        return texts(render_docx(template, {"navn": f"Nr. {i}", "a": f"A{i}", "b": f"B{i}"}))

    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(render, range(16)))
    finally:
        sys.setswitchinterval(interval)
    assert results == [[f"Nr. {i}", f"A{i}", f"B{i}"] for i in range(16)]
