"""Every Word file a build makes is structurally sound (aftaler.check.docx) and opens in LibreOffice.

The check itself is tested first on packages broken on purpose, one fault at a time, so that a
clean result on the real files means something.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import uuid
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from aftaler.load.sets import find_sets, load_set
from aftaler.cli import main
from aftaler.check.docx import check_docx
from aftaler.render.docx_package import _zip
from aftaler.findings import has_errors
from aftaler.build.pipeline import render_set
from aftaler.project import Project
from aftaler.review.redline import redline
from aftaler.check.validate import validate_set
from conftest import ROOT, SETS, edit
from libreoffice import soffice



# ------------------------------------------------------------------ every set, every Word file


def valid_sets() -> list[Path]:
    """Every set in the repository that validates (tests/sets/* and agreements/*)."""
    folders, _ = find_sets([SETS, ROOT / "agreements"])
    project = Project()
    result = []
    for folder in folders:
        aset, findings = load_set(folder)
        if not has_errors(findings + validate_set(aset, project)):
            result.append(folder)
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """One build of every valid set, as `build.py build` makes it."""
    out = tmp_path_factory.mktemp("alle")
    sets = valid_sets()
    assert SETS / "lille" in sets, "tests/sets/lille validerer ikke"
    assert main(["build", *map(str, sets), "-o", str(out)]) == 0
    return out


def test_every_kind_with_a_template_is_built(built):
    """The check below covers every document kind: each has at least one Word file in the build."""
    made = {_kind_of(docx) for docx in built.glob("*/*.docx")}
    kinds = {name for name, kind in Project().kinds().items() if kind.template_path is not None}
    assert kinds <= made, f"ingen gyldig mappe bygger {sorted(kinds - made)}"


def _kind_of(docx: Path) -> str:
    with zipfile.ZipFile(docx) as z:
        custom = z.read("docProps/custom.xml").decode()
    template = re.search(r'name="aftaler.skabelon"><vt:lpwstr>([^<]+)</vt:lpwstr>', custom)
    return template.group(1).removesuffix(".docx")


def test_every_word_file_is_sound(built):
    docs = sorted(built.glob("*/*.docx"))
    assert len(docs) >= 10
    problems = {f"{d.parent.name}/{d.name}": check_docx(d.read_bytes()) for d in docs}
    assert not any(problems.values()), {k: v for k, v in problems.items() if v}


def test_libreoffice_converts_every_word_file(built, tmp_path):
    """A real client opens each file: one soffice run per folder converts all of its files to PDF."""
    for folder in sorted({d.parent for d in built.glob("*/*.docx")}):
        docs = sorted(folder.glob("*.docx"))
        pdfs = convert_all(docs, tmp_path / folder.name)
        for docx, pdf in zip(docs, pdfs):
            info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
            assert int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1)) >= 1, docx.name
            text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
            assert len(text.strip()) > 100, f"{folder.name}/{docx.name}: næsten ingen tekst i PDF'en"


def convert_all(docs: list[Path], out_dir: Path, timeout: int = 600) -> list[Path]:
    """`soffice --convert-to pdf` on many files at once (one start-up), with its own profile."""
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = out_dir / f"lo-profile-{uuid.uuid4().hex}"
    subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, docs)],
                   check=True, capture_output=True, timeout=timeout)
    shutil.rmtree(profile, ignore_errors=True)
    pdfs = [out_dir / f"{d.stem}.pdf" for d in docs]
    missing = [p.name for p in pdfs if not p.is_file() or p.stat().st_size == 0]
    assert not missing, f"LibreOffice skrev ikke {missing} (en profilkonflikt afslutter stille)"
    return pdfs


def test_a_redline_is_sound(small_set):
    """Tracked changes carry their own ids: a redline of two builds passes the same check."""
    old = _render(small_set)
    edit(small_set / "samarbejdsaftale.yaml", "En bestyrelse leder indsatsen.", "En ny bestyrelse leder nu indsatsen.")
    edit(small_set / "delaftale-beskaeftigelse.yaml", "    navn: Jobcafé", "    navn: Jobcafé og værksted")
    new = _render(small_set)
    marked = 0
    for name in ("samarbejdsaftale.docx", "delaftale-beskaeftigelse.docx"):
        data = redline(old[name], new[name], author="Test", date=datetime(2024, 1, 1, tzinfo=timezone.utc))
        assert check_docx(data) == [], name
        marked += len(re.findall(rb"<w:(?:ins|del) ", _part(data, "word/document.xml")))
    assert marked >= 4


def _render(folder: Path) -> dict[str, bytes]:
    project = Project()
    aset, findings = load_set(folder)
    assert not has_errors(findings + validate_set(aset, project))
    files, problems = render_set(aset, project)
    assert not problems
    return files


# ------------------------------------------------------------------ the check finds each fault


@pytest.fixture(scope="module")
def sound(built) -> bytes:
    """A real, sound file with footnotes, a drawing, numbering and hyperlinks to break."""
    return (built / "lille" / "samarbejdsaftale.docx").read_bytes()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def _part(data: bytes, name: str) -> bytes:
    return _parts(data)[name]


def broken(data: bytes, change) -> bytes:
    """The package with `change(parts)` applied to its parts (a dict it may edit)."""
    parts = _parts(data)
    change(parts)
    return _zip(list(parts.items()))


def _sub(name: str, old: bytes, new: bytes, count: int = 1):
    def change(parts):
        assert old in parts[name], (name, old)
        parts[name] = parts[name].replace(old, new, count)
    return change


def _first_paragraph_text(parts) -> bytes:
    return re.search(rb"<w:t(?: [^>]*)?>([^<]{8,})</w:t>", parts["word/document.xml"]).group(1)


def _insert_text(text: bytes):
    def change(parts):
        first = _first_paragraph_text(parts)
        parts["word/document.xml"] = parts["word/document.xml"].replace(first, first + text, 1)
    return change


def _duplicate_first(tag: bytes, part: str = "word/document.xml"):
    """Give the second element with attribute `tag` the first one's value."""
    def change(parts):
        values = re.findall(tag + rb'="([^"]+)"', parts[part])
        assert len(values) >= 2, tag
        parts[part] = re.sub(tag + rb'="' + re.escape(values[1]) + rb'"', tag + b'="' + values[0] + b'"',
                             parts[part], count=1)
    return change


def _add_revisions(parts):
    first = _first_paragraph_text(parts)
    marks = (b'</w:t></w:r><w:ins w:id="7" w:author="a" w:date="2024-01-01T00:00:00Z"><w:r><w:t>ny</w:t></w:r></w:ins>'
             b'<w:del w:id="7" w:author="a" w:date="2024-01-01T00:00:00Z"><w:r><w:delText>gl</w:delText></w:r></w:del>'
             b'<w:r><w:t>')
    parts["word/document.xml"] = parts["word/document.xml"].replace(first, first + marks, 1)


def _drop(name: str):
    def change(parts):
        del parts[name]
    return change


FAULTS = {
    "sound": (lambda parts: None, None),
    "not a zip": (None, r"not a zip package"),
    "part missing": (_drop("word/footnotes.xml"),
                     r"relationship '\w+' points at 'word/footnotes\.xml', which is not in the package"),
    "override without part": (_drop("word/numbering.xml"), r"\[Content_Types\]\.xml names '/word/numbering\.xml'"),
    "no content type": (_sub("[Content_Types].xml", b'<Default Extension="png" ContentType="image/png"/>', b""),
                        r"word/media/image1\.png: no content type"),
    "wrong content type": (_sub("[Content_Types].xml", b"wordprocessingml.footnotes+xml", b"wordprocessingml.endnotes+xml"),
                           r"word/footnotes\.xml: content type .* does not fit its relationship \(footnotes\)"),
    "orphan part": (lambda parts: parts.__setitem__("word/media/image9.png", parts["word/media/image1.png"]),
                    r"word/media/image9\.png: orphan part"),
    "rels of a missing part": (lambda parts: parts.__setitem__("word/_rels/gone.xml.rels", parts["_rels/.rels"]),
                               r"relationships of 'word/gone\.xml', which is not in the package"),
    "dangling r:id": (_sub("word/document.xml", b'r:embed="', b'r:embed="rIdX'),
                      r"word/document\.xml: r:embed='rIdX\w*' names no relationship"),
    "malformed xml": (_sub("word/settings.xml", b"</w:settings>", b"</w:setting>"),
                      r"word/settings\.xml: not well-formed XML"),
    "tr tag left": (_insert_text(b"{%tr for a in afdelinger %}"), r"template tag left in the text: '\{%tr for"),
    "p tag left": (_insert_text(b"{{p tekst }}"), r"template tag left in the text: '\{\{p tekst"),
    "placeholder left": (_insert_text("\ue0003\ue001".encode()), r"render placeholder \(U\+E000/U\+E001\)"),
    "footnote id twice": (_duplicate_first(b'w:footnote w:id', "word/footnotes.xml"), r"footnote id \d+ is used 2 times"),
    "footnote reference dangling": (_sub("word/document.xml", b'<w:footnoteReference w:id="1"/>',
                                         b'<w:footnoteReference w:id="99"/>'), r"footnote reference 99 has no footnote"),
    "drawing id twice": (lambda parts: _duplicate_docpr(parts), r"drawing id \(wp:docPr\) \d+ is used 2 times"),
    "revision id twice": (_add_revisions, r"revision id \(w:ins/w:del\) 7 is used 2 times"),
}


def _duplicate_docpr(parts):
    """A second drawing: the first paragraph with a picture, copied, with the same docPr id."""
    xml = parts["word/document.xml"]
    start = xml.rindex(b"<w:p>", 0, xml.index(b"<wp:docPr")) if b"<w:p>" in xml[:xml.index(b"<wp:docPr")] \
        else xml.rindex(b"<w:p ", 0, xml.index(b"<wp:docPr"))
    end = xml.index(b"</w:p>", xml.index(b"<wp:docPr")) + len(b"</w:p>")
    parts["word/document.xml"] = xml[:end] + xml[start:end] + xml[end:]


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_the_check_finds_each_fault(sound, fault):
    change, expected = FAULTS[fault]
    data = b"PK\x03\x04 not really" if change is None else broken(sound, change)
    problems = check_docx(data)
    if expected is None:
        assert problems == []
    else:
        assert any(re.search(expected, p) for p in problems), problems


def test_literal_template_syntax_from_an_author_is_not_a_leftover(sound):
    """Authors may write '{{ gode }}' or '{% %}' as text; only docxtpl's own tag forms are flagged."""
    data = broken(sound, _insert_text(b"{{ gode }} {% if x %} {#kommentar#} {{pris}}"))
    assert check_docx(data) == []
