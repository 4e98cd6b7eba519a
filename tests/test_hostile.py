"""Hostile values are inert: data never becomes template code, markup, a link or a file read.

One build of the small set with hostile text in plain and Markdown fields of every kind, read
back from the Word files and the web pages; then the ways out of the set's folder ($schema,
symlinks, template includes, Markdown images) and inputs sized to exhaust memory.
"""
from __future__ import annotations

import html
import io
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import zipfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree

from aftaler.cli import main
from aftaler.check.docx import check_docx
from aftaler.load.source import MAX_BYTES
from conftest import ROOT, SETS, edit
from docx_reader import all_text, normalise
from test_site import text_of

JINJA = "{{ 7*7 }} {% if true %}ja{% endif %} {# skjult #} {{ cycler.__init__.__globals__ }} {{ self }}"
DOCXTPL = "{%p if x %} {{r y }} {%tr for a in b %}"
MARKUP = "<script>window.pwned=1</script> <img src=x onerror=alert(1)> &amp; &lt; ]]> <![CDATA[x]]> <?xml x?> \" '"
UNSAFE_LINKS = ("[a](javascript:alert(1)) [b](JaVaScRiPt:alert(2)) [c](data:text/html;base64,PHNjcmlwdD4=) "
                "[d](vbscript:msgbox) [e](file:///etc/passwd) [f](  javascript:alert(3)) <javascript:alert(4)> "
                "[ok](https://example.org/ok)")
IMAGES = "![billede](/etc/passwd) ![pixel](https://example.org/pixel.png) ![lokal](../../hemmelig.png)"
SAFE_SCHEMES = {"http", "https", "mailto"}

# (file, text in the small set, replacement): plain fields get one-line values, Markdown fields all.
PLAIN = f"Navn {JINJA} {DOCXTPL} {MARKUP} *ikke fed* [ikke](link)"
RICH = f"Tekst {JINJA}\n\n{MARKUP}\n\n{UNSAFE_LINKS}\n\n{IMAGES}\n\n- punkt {DOCXTPL}"
INJECTIONS = [
    ("samarbejdsaftale.yaml", "omraadets_navn: Boligsocial indsats i Testby", "omraadets_navn: {plain}"),
    ("samarbejdsaftale.yaml", "  tekst: Alle børn skal have {{ gode }} chancer.", "  tekst: {rich}"),
    ("delaftale-beskaeftigelse.yaml", "    navn: Jobcafé", "    navn: {plain}"),
    ("delaftale-beskaeftigelse.yaml", "    formaal: Hjælpe unge i job.", "    formaal: {rich}"),
    ("budget.yaml", "        udgiftspost: Revision", "        udgiftspost: {plain}"),
    ("beredskabsplan.yaml", "    situation: Trusler mod en medarbejder", "    situation: {plain}"),
    ("beredskabsplan.yaml", "    handling: Lederen sikrer medarbejderen og anmelder forholdet.", "    handling: {rich}"),
    ("kommissorium.yaml", "    rolle: Næstformand", "    rolle: {plain}"),
    ("kommissorium.yaml", "formaal: Bestyrelsen leder og prioriterer indsatsen i Testby.", "formaal: {rich}"),
    ("milepaelsplan.yaml", "    milepael: Jobcaféen holder åbent hver uge", "    milepael: {plain}"),
    ("milepaelsplan.yaml", "tekst: Bestyrelsen følger op på milepælene på hvert møde.", "tekst: {rich}"),
]


def yaml_text(value: str) -> str:
    """A YAML double-quoted scalar: JSON's string escapes are YAML's."""
    return json.dumps(value, ensure_ascii=False)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """The small set with the hostile values, built by the CLI; returns the output folder."""
    root = tmp_path_factory.mktemp("fjendtlig")
    folder = root / "lille"
    shutil.copytree(SETS / "lille", folder)
    for name, old, new in INJECTIONS:
        edit(folder / name, old, new.format(plain=yaml_text(PLAIN), rich=yaml_text(RICH)))
    assert main(["build", str(folder), "-o", str(root / "ud")]) == 0
    return root / "ud"


def _docs(hostile: Path) -> dict[str, Path]:
    return {p.stem: p for p in (hostile / "lille").glob("*.docx")}


def _pages(hostile: Path) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in (hostile / "site" / "lille").glob("*.html")}


def _kinds_injected() -> set[str]:
    return {Path(name).stem for name, _, _ in INJECTIONS}


# ------------------------------------------------------------------ Jinja and markup stay text


def test_jinja_and_markup_are_literal_in_word(hostile):
    docs = _docs(hostile)
    for stem in _kinds_injected():
        text = all_text(docs[stem])
        for literal in (JINJA, DOCXTPL, MARKUP, "*ikke fed* [ikke](link)"):
            assert normalise(literal) in text, f"{stem}: {literal!r} ikke ordret i Word"


def test_xml_specials_are_escaped_in_word(hostile):
    """'<script>' is text in a w:t, not an element; every package stays well-formed and sound."""
    for stem, docx in _docs(hostile).items():
        with zipfile.ZipFile(docx) as z:
            body = z.read("word/document.xml").decode()
        assert "<script>" not in body and "<img " not in body and "<![CDATA[x]]>" not in body, stem
        if stem in _kinds_injected():
            assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in body, stem
        # The author's docxtpl-like text is literal; apart from it the file must be sound.
        problems = [p for p in check_docx(docx.read_bytes()) if "template tag left" not in p]
        assert problems == [], (stem, problems)


def test_jinja_and_markup_are_literal_on_the_site(hostile):
    pages = _pages(hostile)
    for stem in _kinds_injected():
        page = pages[stem]
        visible = text_of(page.encode())
        for literal in (JINJA, MARKUP, DOCXTPL):
            assert normalise(literal) in visible, f"{stem}: {literal!r} ikke ordret på siden"
        assert "<script>window.pwned" not in page, stem
        assert html.escape("<script>window.pwned=1</script>", quote=False) in page, stem
        assert _images(page) <= {"ours"}, stem


# ------------------------------------------------------------------ unsafe links are not links


def _word_links(docx: Path) -> list[str]:
    with zipfile.ZipFile(docx) as z:
        rels = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".rels"))
    return [html.unescape(t) for t in re.findall(r'Type="[^"]*/hyperlink" Target="([^"]*)"', rels)
            + re.findall(r'Target="([^"]*)"[^>]*Type="[^"]*/hyperlink"', rels)]


def test_unsafe_links_are_not_links_in_word(hostile):
    rich_kinds = {Path(name).stem for name, _, new in INJECTIONS if "{rich}" in new}
    for stem, docx in _docs(hostile).items():
        links = _word_links(docx)
        assert all(urlsplit(link).scheme.lower() in SAFE_SCHEMES for link in links), (stem, links)
        if stem in rich_kinds:
            assert "https://example.org/ok" in links, stem  # a safe link still is one
            text = all_text(docx)
            assert "javascript:alert(1)" in text, stem  # shown as text, so nothing is hidden


def test_unsafe_links_are_not_links_on_the_site(hostile):
    for stem, page in _pages(hostile).items():
        for href in re.findall(r'(?:href|src)="([^"]*)"', page):
            href = html.unescape(href)
            scheme = urlsplit(href).scheme.lower()
            assert scheme in SAFE_SCHEMES or (not scheme and not href.startswith(("/", "\\"))), (stem, href)
    assert '<a href="https://example.org/ok">ok</a>' in _pages(hostile)["samarbejdsaftale"]


def test_markdown_images_embed_nothing(hostile, tmp_path):
    """An image reference is neither fetched nor read from disk: no new picture in Word, no <img>."""
    assert main(["build", str(ROOT / "tests/sets/lille"), "-o", str(tmp_path / "ren")]) == 0
    for stem, docx in _docs(hostile).items():
        with zipfile.ZipFile(docx) as hostile_zip, zipfile.ZipFile(tmp_path / "ren/lille" / docx.name) as clean:
            media = sorted(n for n in hostile_zip.namelist() if "/media/" in n)
            assert media == sorted(n for n in clean.namelist() if "/media/" in n), stem
    for stem, page in _pages(hostile).items():
        assert _images(page) <= {"ours"}, (stem, _images(page))
        for reference in ("/etc/passwd", "pixel.png", "hemmelig.png"):
            assert f'src="{reference}' not in page and f"src='{reference}" not in page, stem


def test_the_sites_own_pictures_carry_no_author_markup(hostile):
    """Charts and the organisation diagram hold author text: as SVG text, escaped, never script."""
    pictures = sorted((hostile / "site" / "lille").rglob("*.svg"))
    assert pictures
    for picture in pictures:
        root = etree.fromstring(picture.read_bytes(), etree.XMLParser(resolve_entities=False, no_network=True))
        tags = {etree.QName(e).localname for e in root.iter() if isinstance(e.tag, str)}
        assert not tags & {"script", "foreignObject", "iframe", "image"}, (picture.name, tags)
        links = [v for e in root.iter() for k, v in e.attrib.items() if k.endswith("href")]
        assert all(not urlsplit(link).scheme or urlsplit(link).scheme in SAFE_SCHEMES for link in links), links


OUR_PICTURES = re.compile(r"^grafer/[a-z0-9-]+\.svg$")


def _images(page: str) -> set[str]:
    """The src of every <img>, each reduced to 'ours' when it is one of the site's own pictures."""
    sources = set(re.findall(r'<img[^>]*\bsrc="([^"]*)"', page))
    return {"ours" if OUR_PICTURES.match(s) else s for s in sources}


# ------------------------------------------------------------------ references out of the set's folder


def _run(*args) -> tuple[int, str]:
    """The CLI in-process; (exit code, everything it printed)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue() + err.getvalue()


def test_schema_comment_outside_the_project_is_an_error_not_a_read(small_set, tmp_path):
    edit(small_set / "kommissorium.yaml", f"$schema={ROOT}/schemas/kommissorium.schema.json",
         "$schema=../../../../../../../../etc/passwd")
    code, output = _run("build", small_set, "-o", tmp_path / "ud")
    assert code == 1
    assert re.search(r"kommissorium\.yaml:1:1: fejl: ukendt dokumenttype 'passwd'", output), output
    assert "root:" not in output and "/bin/" not in output
    assert not (tmp_path / "ud").exists()


def test_schema_comment_never_loads_a_schema_file(small_set, tmp_path):
    """Only the kind's name is taken from the comment: a permissive schema beside the set is not used."""
    evil = tmp_path / "ond" / "delaftale.schema.json"
    evil.parent.mkdir()
    evil.write_text('{"type": "object"}', encoding="utf-8")
    delaftale = small_set / "delaftale-beskaeftigelse.yaml"
    edit(delaftale, f"$schema={ROOT}/schemas/delaftale.schema.json", f"$schema={evil}")
    edit(delaftale, "revision: Ændringer drøftes mellem parterne.\n", "revisionen: ukendt felt\n")
    code, output = _run("validate", small_set)
    assert code == 1 and "ukendt felt 'revisionen'" in output, output


def test_a_symlink_out_of_the_set_is_refused(small_set, tmp_path):
    outside = tmp_path / "andet-sted" / "beredskabsplan.yaml"
    outside.parent.mkdir()
    outside.write_bytes((small_set / "beredskabsplan.yaml").read_bytes().replace(b"Uro blandt unge", b"Hemmelig tekst"))
    (small_set / "beredskabsplan.yaml").unlink()
    (small_set / "beredskabsplan.yaml").symlink_to(outside)
    code, output = _run("build", small_set, "-o", tmp_path / "ud")
    assert code == 1, output
    assert re.search(r"beredskabsplan\.yaml: fejl: .*(uden for|ud af) aftalemappen", output), output
    assert "Hemmelig" not in output
    assert not (tmp_path / "ud").exists()


@pytest.mark.parametrize("tag", ["{% include '/etc/passwd' %}", "{% import '/etc/passwd' as x %}",
                                 "{% extends '../../../etc/passwd' %}", "{% from '/etc/passwd' import x %}"])
def test_a_template_cannot_include_files(small_set, tmp_path, tag):
    template = tmp_path / "skabelon.docx"
    template.write_bytes(_minimal_docx(["Beredskabsplan {{ navn }}", tag]))
    code, output = _run("build", small_set, "-o", tmp_path / "ud", "--skabelon", f"beredskabsplan={template}")
    assert "intern fejl" not in output and "root:" not in output, output
    assert code == 1 and "skabelon.docx: fejl: skabelonen må ikke hente andre skabeloner" in output, output
    assert not (tmp_path / "ud").exists()


def test_the_template_sandbox_refuses_python_internals(small_set, tmp_path):
    template = tmp_path / "skabelon.docx"
    template.write_bytes(_minimal_docx(["{{ cycler.__init__.__globals__.os.popen('id').read() }}"]))
    code, output = _run("build", small_set, "-o", tmp_path / "ud", "--skabelon", f"beredskabsplan={template}")
    assert code == 1 and "uid=" not in output
    assert re.search(r"skabelon\.docx: fejl: skabelonen bruger noget, som sandkassen ikke tillader \(.*unsafe", output), output


def _minimal_docx(paragraphs: list[str]) -> bytes:
    """The smallest Word package python-docx opens: content types, rels, one document part."""
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{html.escape(p, quote=False)}</w:t></w:r></w:p>'
                   for p in paragraphs)
    main_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main_type}"/></Types>',
        "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml": '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, text in parts.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), text.encode())
    return buffer.getvalue()


# ------------------------------------------------------------------ private-use characters


@pytest.mark.parametrize("value", ["\ue0000\ue001", "\ue0009\ue001", "før \ue000 efter"],
                         ids=["pladsholder-0", "pladsholder-9", "enkelt-tegn"])
def test_private_use_characters_cannot_forge_placeholders(small_set, tmp_path, value):
    edit(small_set / "delaftale-beskaeftigelse.yaml", "    navn: Jobcafé", f"    navn: {yaml_text(value)}")
    code, output = _run("build", small_set, "-o", tmp_path / "ud")
    assert "intern fejl" not in output and "skabelon" not in output, output
    if code == 0:  # built: the text is there as written
        text = all_text(tmp_path / "ud/lille/delaftale-beskaeftigelse.docx")
        assert normalise(value) in text
    else:  # refused: at the author's file and line
        assert code == 1 and re.search(r"delaftale-beskaeftigelse\.yaml:\d+:\d+: fejl: ", output), output


# ------------------------------------------------------------------ oversized inputs


def test_a_file_over_the_limit_is_refused_with_a_message(small_set, tmp_path):
    with (small_set / "beredskabsplan.yaml").open("a", encoding="utf-8") as handle:
        handle.write(("# " + "x" * 98 + "\n") * (MAX_BYTES // 100 + 10))
    for command in (["validate", small_set], ["build", small_set, "-o", tmp_path / "ud"]):
        code, output = _run(*command)
        assert code == 1, output
        assert re.search(r"beredskabsplan\.yaml: fejl: filen er for stor \([\d.]+ byte; højst 2\.000\.000\)", output)
    assert not (tmp_path / "ud").exists()


MEMORY_LIMIT = 1536 * 2**20  # address space for the child: far less than the file below


@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_huge_file_is_refused_without_reading_it(small_set, tmp_path, command):
    """A sparse 4 GB file (no disk used) under a memory limit: refused by size, not by running out."""
    with (small_set / "zzz.yaml").open("wb") as handle:
        handle.truncate(4 * 2**30)
    args = [sys.executable, str(ROOT / "build.py"), command, str(small_set)]
    args += ["-o", str(tmp_path / "ud")] if command == "build" else []

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    result = subprocess.run(args, capture_output=True, text=True, timeout=300, preexec_fn=limit,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 1, result.stderr[-2000:]
    assert re.search(r"zzz\.yaml: fejl: filen er for stor", result.stderr), result.stderr[-2000:]
    assert not (tmp_path / "ud").exists()


@pytest.mark.parametrize("number", ["9" * 5000, "99999999999999999999999999"], ids=["5000-cifre", "26-cifre"])
def test_an_absurd_number_is_refused_with_a_message(small_set, tmp_path, number):
    edit(small_set / "samarbejdsaftale.yaml", "      lejemaal: 244", f"      lejemaal: {number}")
    code, output = _run("build", small_set, "-o", tmp_path / "ud")
    assert code == 1 and "intern fejl" not in output, output[-2000:]
    assert re.search(r"samarbejdsaftale\.yaml:\d+:\d+: fejl: ", output), output[-2000:]
    assert not (tmp_path / "ud").exists()
