"""finalize(): explicit properties and byte-identical zips."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import datetime, timedelta, timezone

import docx
from lxml import etree

from aftaler.render import docx_package
from aftaler.render.docx_package import NS

MOMENT = datetime(2024, 3, 1, 9, 30, 15, tzinfo=timezone.utc)
TITLE = "Aftale for A & B <Amager> \"nord\" 'syd' {{ x }} æøå 😀"


def saved_document(text: str = "Hej") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    document.core_properties.title = "Skabelonens titel"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def finalize(data: bytes, **overrides) -> bytes:
    options = dict(title=TITLE, subject="Delaftale", author="Aftaler & Co", created=MOMENT,
                   custom={"kilde": "agreements/amager/delaftale.yaml", "commit": "abc123",
                           "note": "x < y & z"})
    options.update(overrides)
    return docx_package.finalize(data, **options)


def read(data: bytes, name: str):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(name))


def test_core_properties_are_set_and_escaped_once():
    out = finalize(saved_document())
    core = read(out, "docProps/core.xml")

    def value(path: str) -> str:
        return core.xpath(f"string({path})", namespaces=NS)

    assert value("dc:title") == TITLE
    assert value("dc:subject") == "Delaftale"
    assert value("dc:creator") == value("cp:lastModifiedBy") == "Aftaler & Co"
    assert value("cp:revision") == "1"
    assert value("dcterms:created") == value("dcterms:modified") == "2024-03-01T09:30:15Z"
    assert core.xpath("dcterms:created/@xsi:type", namespaces=NS) == ["dcterms:W3CDTF"]
    assert not core.xpath("cp:lastPrinted", namespaces=NS)
    raw = zipfile.ZipFile(io.BytesIO(out)).read("docProps/core.xml").decode()
    assert "A &amp; B &lt;Amager&gt;" in raw and "&amp;amp;" not in raw
    properties = docx.Document(io.BytesIO(out)).core_properties
    assert properties.title == TITLE and properties.revision == 1
    assert properties.created == MOMENT


def test_double_escaped_input_is_overwritten():
    # what docxtpl's autoescape leaves in core.xml for "A & B"
    document = docx.Document(io.BytesIO(saved_document()))
    document.core_properties.title = "A &amp; B"
    document.core_properties.last_printed = datetime(2020, 1, 1)
    buffer = io.BytesIO()
    document.save(buffer)
    out = finalize(buffer.getvalue(), title="A & B")
    assert docx.Document(io.BytesIO(out)).core_properties.title == "A & B"
    assert docx.Document(io.BytesIO(out)).core_properties.last_printed is None


def test_custom_properties_are_readable_and_wired_into_the_package():
    out = finalize(saved_document())
    custom = read(out, "docProps/custom.xml")
    props = {p.get("name"): p for p in custom.xpath("cu:property", namespaces=NS)}
    assert {n: p.xpath("string(vt:lpwstr)", namespaces=NS) for n, p in props.items()} == {
        "commit": "abc123", "kilde": "agreements/amager/delaftale.yaml", "note": "x < y & z"}
    assert sorted(p.get("pid") for p in props.values()) == ["2", "3", "4"]
    assert {p.get("fmtid") for p in props.values()} == {"{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"}
    rels = read(out, "_rels/.rels")
    targets = [r.get("Target") for r in rels if r.get("Type").endswith("/custom-properties")]
    assert targets == ["docProps/custom.xml"]
    types = read(out, "[Content_Types].xml")
    content_type = types.xpath("string(ct:Override[@PartName='/docProps/custom.xml']/@ContentType)",
                               namespaces=NS)
    assert content_type == "application/vnd.openxmlformats-officedocument.custom-properties+xml"
    docx.Document(io.BytesIO(out))  # still a valid package for python-docx


def test_existing_custom_properties_are_kept_unless_overridden():
    once = finalize(saved_document(), custom={"skabelon": "v1", "kilde": "gammel"})
    twice = finalize(once, custom={"kilde": "ny"})
    custom = read(twice, "docProps/custom.xml")
    values = {p.get("name"): p.xpath("string(vt:lpwstr)", namespaces=NS)
              for p in custom.xpath("cu:property", namespaces=NS)}
    assert values == {"skabelon": "v1", "kilde": "ny"}
    rels = read(twice, "_rels/.rels")
    assert len([r for r in rels if r.get("Type").endswith("/custom-properties")]) == 1


def test_zip_layout_is_normalised():
    source = saved_document()
    out = finalize(source)
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        source_names = [i.filename for i in archive.infolist()]
    with zipfile.ZipFile(io.BytesIO(out)) as archive:
        infos = archive.infolist()
        assert archive.testzip() is None and archive.comment == b""
    names = [i.filename for i in infos]
    assert names[0] == "[Content_Types].xml"
    expected = ["[Content_Types].xml"] + [n for n in source_names if n != "[Content_Types].xml"]
    assert names == expected + ["docProps/custom.xml"]
    for info in infos:
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        assert info.compress_type == zipfile.ZIP_DEFLATED
        assert (info.external_attr, info.create_system) == (0o100644 << 16, 3)
        assert info.extra == b"" and info.comment == b""


def test_same_input_gives_identical_bytes():
    first = saved_document()
    time.sleep(2.1)  # a zip timestamp has a 2-second resolution
    second = saved_document()
    assert finalize(first) == finalize(first) == finalize(second)
    assert finalize(finalize(first)) == finalize(first)
    in_order = finalize(first, custom={"a": "1", "b": "2"})
    assert in_order == finalize(first, custom={"b": "2", "a": "1"})
    assert finalize(first, title="Anden") != finalize(first)


def test_aware_datetime_is_written_in_utc():
    copenhagen = timezone(timedelta(hours=2))
    out = finalize(saved_document(), created=datetime(2024, 6, 1, 12, 0, tzinfo=copenhagen))
    created = read(out, "docProps/core.xml").xpath("string(dcterms:created)", namespaces=NS)
    assert created == "2024-06-01T10:00:00Z"
