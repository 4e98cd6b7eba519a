"""Markdown -> Word: structure, lists, footnotes, links and text safety, read back with lxml."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timezone

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from lxml import etree

from aftaler.render import docx_package, richtext

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
NS = {"w": W, "r": R, "pr": PR}
BODY_MARK, CELL_MARK = "⟦md:1⟧", "⟦md:2⟧"


def make_document(*, word_styles: bool = True, drop_styles: tuple[str, ...] = ()):
    """A body placeholder between two paragraphs, and one inside a table cell."""
    document = docx.Document()
    if word_styles:
        document.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
        document.styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
        document.styles.add_style("Footnote Text", WD_STYLE_TYPE.PARAGRAPH)
    for name in drop_styles:
        element = document.styles[name].element
        element.getparent().remove(element)
    document.add_paragraph("Før")
    document.add_paragraph(BODY_MARK, style="Body Text")
    document.add_paragraph("Efter")
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    cell.paragraphs[0].text = CELL_MARK
    return document


def placeholder(document, mark: str):
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        paragraphs += [p for row in table.rows for c in row.cells for p in c.paragraphs]
    return next(p for p in paragraphs if p.text == mark)


def render(body: str, cell: str = "", **options) -> bytes:
    document = make_document(**options)
    richtext.replace_placeholder(document, placeholder(document, BODY_MARK), richtext.parse(body))
    richtext.replace_placeholder(document, placeholder(document, CELL_MARK), richtext.parse(cell))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class Package:
    """The saved .docx, parts parsed with lxml."""

    def __init__(self, data: bytes):
        self.zip = zipfile.ZipFile(io.BytesIO(data))

    def xml(self, name: str):
        return etree.fromstring(self.zip.read(name))

    @property
    def body(self):
        return self.xml("word/document.xml").find(f"{{{W}}}body")

    def rels(self, part: str = "word/document.xml") -> dict[str, etree._Element]:
        folder, name = part.rsplit("/", 1)
        root = self.xml(f"{folder}/_rels/{name}.rels")
        return {r.get("Id"): r for r in root}


def text_of(element) -> str:
    return "".join(element.xpath(".//w:t/text()", namespaces=NS))


def styles_and_texts(container) -> list[tuple[str | None, str]]:
    return [(next(iter(p.xpath("./w:pPr/w:pStyle/@w:val", namespaces=NS)), None), text_of(p))
            for p in container.xpath("./w:p", namespaces=NS)]


MIXED = """Indledning med **fed**, *kursiv* og [et link](https://example.dk/sti?a=1&b=2).
Samme afsnit,  
ny linje.

- punkt et
  - underpunkt
- punkt to

1. første
2. anden
   1. under-første

Mellemtekst.

1. igen ét
2. igen to
"""


def test_parse_kinds_levels_and_inline_formatting():
    blocks = richtext.parse(MIXED)
    assert [(b.kind, b.level) for b in blocks] == [
        ("paragraph", 0), ("bullet", 0), ("bullet", 1), ("bullet", 0),
        ("number", 0), ("number", 0), ("number", 1), ("paragraph", 0),
        ("number", 0), ("number", 0)]
    first = blocks[0].runs
    assert any(r.bold and r.text == "fed" for r in first)
    assert any(r.italic and r.text == "kursiv" for r in first)
    assert any(r.url == "https://example.dk/sti?a=1&b=2" and r.text == "et link" for r in first)
    assert any(r.line_break for r in first)
    numbered = [b for b in blocks if b.kind == "number" and b.level == 0]
    assert numbered[0].list_id == numbered[1].list_id != numbered[2].list_id
    lines = richtext.plain_text(blocks).splitlines()
    assert lines[2:5] == ["- punkt et", "  - underpunkt", "- punkt to"]
    assert lines[-2:] == ["1. igen ét", "2. igen to"]


def test_parse_footnotes_unsafe_links_and_raw_html():
    blocks = richtext.parse("A[^x] [b](javascript:alert(1)) <i>c</i>\n\n"
                            "[^x]: Def **fed** [l](https://l.dk)\n")
    body, note = blocks
    assert note.kind == "footnote" and body.runs[1].footnote == note.note
    assert any(r.bold and r.text == "fed" for r in note.runs)
    assert any(r.url == "https://l.dk" for r in note.runs)
    assert not any(r.url for r in body.runs)
    assert richtext.plain_text([body]) == "A[1] b (javascript:alert(1)) <i>c</i>"


def test_body_paragraphs_keep_placeholder_style_and_lists_use_list_styles():
    package = Package(render(MIXED))
    body = package.body
    rows = styles_and_texts(body)
    texts = [t for _, t in rows]
    start = texts.index("Før")
    assert texts[start + 1].startswith("Indledning med fed, kursiv og et link.")
    assert rows[start + 1:texts.index("Efter")] == [
        ("BodyText", "Indledning med fed, kursiv og et link. Samme afsnit,ny linje."),
        ("ListBullet", "punkt et"), ("ListBullet2", "underpunkt"), ("ListBullet", "punkt to"),
        ("ListNumber", "første"), ("ListNumber", "anden"), ("ListNumber2", "under-første"),
        ("BodyText", "Mellemtekst."), ("ListNumber", "igen ét"), ("ListNumber", "igen to")]
    assert BODY_MARK not in text_of(body) and CELL_MARK not in text_of(body)
    paragraph = body.xpath("./w:p[w:pPr/w:pStyle/@w:val='BodyText']", namespaces=NS)[0]
    assert paragraph.xpath(".//w:br", namespaces=NS)
    assert paragraph.xpath(".//w:r[w:rPr/w:b][w:t='fed']", namespaces=NS)
    assert paragraph.xpath(".//w:r[w:rPr/w:i][w:t='kursiv']", namespaces=NS)


def test_each_numbered_list_restarts_with_its_own_num():
    package = Package(render(MIXED, cell="1. celle ét\n2. celle to\n"))
    body, numbering = package.body, package.xml("word/numbering.xml")
    top = body.xpath(".//w:p[w:pPr/w:pStyle/@w:val='ListNumber']", namespaces=NS)
    num_ids = [p.xpath("string(./w:pPr/w:numPr/w:numId/@w:val)", namespaces=NS) for p in top]
    # first list (2 items), second list (2 items), list in the table cell (2 items)
    assert num_ids[0] == num_ids[1] and num_ids[2] == num_ids[3] and num_ids[4] == num_ids[5]
    assert len({num_ids[0], num_ids[2], num_ids[4]}) == 3
    style_num = package.xml("word/styles.xml").xpath(
        "string(//w:style[@w:styleId='ListNumber']/w:pPr/w:numPr/w:numId/@w:val)", namespaces=NS)
    abstract = numbering.xpath(f"string(w:num[@w:numId='{style_num}']/w:abstractNumId/@w:val)",
                               namespaces=NS)
    for num_id in {num_ids[0], num_ids[2], num_ids[4]}:
        num = numbering.xpath(f"w:num[@w:numId='{num_id}']", namespaces=NS)[0]
        assert num.xpath("string(w:abstractNumId/@w:val)", namespaces=NS) == abstract
        assert num.xpath("string(w:lvlOverride/w:startOverride/@w:val)", namespaces=NS) == "1"


def test_numbered_list_keeps_its_start_and_list_item_paragraphs_continue():
    package = Package(render("3. tre\n\n   mere om tre\n4. fire\n"))
    rows = styles_and_texts(package.body)
    assert ("ListNumber", "tre") in rows and ("ListContinue", "mere om tre") in rows
    num_id = package.body.xpath("string(.//w:p[w:pPr/w:pStyle/@w:val='ListNumber']"
                                "/w:pPr/w:numPr/w:numId/@w:val)", namespaces=NS)
    start = package.xml("word/numbering.xml").xpath(
        f"string(w:num[@w:numId='{num_id}']/w:lvlOverride/w:startOverride/@w:val)", namespaces=NS)
    assert start == "3"


def test_footnotes_are_real_and_unique_across_placeholders():
    body_md = ("Tekst med note[^1] og en anden[^kilde].\n\n"
               "[^1]: Første **vigtige** note.\n[^kilde]: Kilde: [DST](https://dst.dk).\n")
    cell_md = "Celle med samme label[^1].\n\n[^1]: Cellens egen note.\n"
    package = Package(render(body_md, cell=cell_md))
    body, notes = package.body, package.xml("word/footnotes.xml")
    refs = body.xpath(".//w:footnoteReference/@w:id", namespaces=NS)
    assert len(refs) == 3 and len(set(refs)) == 3
    by_id = {n.get(f"{{{W}}}id"): n for n in notes.xpath("w:footnote", namespaces=NS)}
    assert by_id["-1"].get(f"{{{W}}}type") == "separator"
    assert by_id["0"].get(f"{{{W}}}type") == "continuationSeparator"
    assert [text_of(by_id[i]).strip() for i in refs] == [
        "Første vigtige note.", "Kilde: DST.", "Cellens egen note."]
    first = by_id[refs[0]]
    assert first.xpath(".//w:footnoteRef", namespaces=NS)
    assert first.xpath("string(w:p/w:pPr/w:pStyle/@w:val)", namespaces=NS) == "FootnoteText"
    assert first.xpath(".//w:r[w:rPr/w:b][w:t='vigtige']", namespaces=NS)
    assert body.xpath("string(.//w:r[w:footnoteReference]/w:rPr/w:rStyle/@w:val)",
                      namespaces=NS) == "FootnoteReference"
    cell = body.xpath(".//w:tc", namespaces=NS)[0]
    assert cell.xpath(".//w:footnoteReference/@w:id", namespaces=NS) == [refs[2]]
    # a link inside a footnote is related from the footnotes part
    rid = by_id[refs[1]].xpath("string(.//w:hyperlink/@r:id)", namespaces=NS)
    assert package.rels("word/footnotes.xml")[rid].get("Target") == "https://dst.dk"
    document_rels = package.rels().values()
    footnote_rels = [r for r in document_rels if r.get("Type").endswith("/footnotes")]
    assert [r.get("Target") for r in footnote_rels] == ["footnotes.xml"]
    types = package.zip.read("[Content_Types].xml").decode()
    assert 'PartName="/word/footnotes.xml"' in types and "footnotes+xml" in types


def test_footnotes_continue_in_an_existing_footnotes_part():
    first = docx.Document(io.BytesIO(render("Et[^1]\n\n[^1]: Gammel note.\n")))
    mark = first.add_paragraph("⟦md:3⟧")
    richtext.replace_placeholder(first, mark, richtext.parse("To[^a]\n\n[^a]: Ny note.\n"))
    buffer = io.BytesIO()
    first.save(buffer)
    package = Package(buffer.getvalue())
    notes = package.xml("word/footnotes.xml").xpath("w:footnote/@w:id", namespaces=NS)
    assert notes == ["-1", "0", "1", "2"]
    assert [n for n in package.zip.namelist() if "footnotes" in n] == ["word/footnotes.xml"]
    assert package.body.xpath(".//w:footnoteReference/@w:id", namespaces=NS) == ["1", "2"]


def test_hyperlinks_and_unsafe_links():
    md = ("[Hjemmeside](https://example.dk/?q=æ&x=1) [Skriv](mailto:post@example.dk) "
          "[Klik](javascript:alert(1)) [Fil](file:///etc/passwd)")
    package = Package(render(md))
    body, rels = package.body, package.rels()
    links = body.xpath(".//w:hyperlink", namespaces=NS)
    assert [text_of(link) for link in links] == ["Hjemmeside", "Skriv"]
    targets = [rels[link.get(f"{{{R}}}id")] for link in links]
    assert all(t.get("TargetMode") == "External" for t in targets)
    assert targets[0].get("Target").startswith("https://example.dk/?q=")
    assert targets[1].get("Target") == "mailto:post@example.dk"
    assert links[0].xpath("string(.//w:rStyle/@w:val)", namespaces=NS) == "Hyperlink"
    text = text_of(body)
    assert "Klik (javascript:alert(1))" in text and "Fil (file:///etc/passwd)" in text
    assert not any("javascript" in (r.get("Target") or "") for r in rels.values())


def test_raw_html_is_literal_text():
    md = 'Før <script>alert("x")</script> <b>ikke fed</b>\n\n<div>blok</div>\n'
    package = Package(render(md))
    text = text_of(package.body)
    assert '<script>alert("x")</script> <b>ikke fed</b>' in text
    assert "<div>blok</div>" in text
    assert not package.body.xpath(".//w:b", namespaces=NS)


@pytest.mark.parametrize("value", [
    "A & B < C > D \"citat\" 'enkelt' {{ navn }} {% if x %} 😀 æøå ÆØÅ",
    "Mellemrum  dobbelt og {{x}}&amp;",
])
def test_special_characters_round_trip_exactly(value):
    package = Package(render(value, cell=value))
    expected = value.replace("&amp;", "&")  # Markdown itself decodes entities
    paragraphs = package.body.xpath(".//w:p", namespaces=NS)
    assert [text_of(p) for p in paragraphs].count(expected) == 2
    assert all(t.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
               for t in package.body.xpath(".//w:t[not(.='Før' or .='Efter')]", namespaces=NS))


def test_empty_text_leaves_an_empty_paragraph_so_cells_stay_valid():
    package = Package(render(""))
    cell = package.body.xpath(".//w:tc", namespaces=NS)[0]
    assert len(cell.xpath("./w:p", namespaces=NS)) == 1 and text_of(cell) == ""
    assert BODY_MARK not in text_of(package.body)


def test_missing_styles_fall_back_without_crashing():
    md = "- a\n- b\n\n1. x\n2. y\n\nNote[^1] og [link](https://a.dk)\n\n[^1]: tekst\n"
    dropped = ("List Bullet", "List Number", "List Number 2")
    package = Package(render(md, word_styles=False, drop_styles=dropped))
    rows = styles_and_texts(package.body)
    assert ("BodyText", "• a") in rows and ("BodyText", "• b") in rows
    assert ("BodyText", "1. x") in rows and ("BodyText", "2. y") in rows
    ref = package.body.xpath(".//w:r[w:footnoteReference]", namespaces=NS)[0]
    assert ref.xpath("string(w:rPr/w:vertAlign/@w:val)", namespaces=NS) == "superscript"
    assert package.body.xpath(".//w:hyperlink", namespaces=NS)


def test_same_input_gives_identical_bytes_after_finalize():
    md = MIXED + "\nNote[^1] [x](https://x.dk)\n\n[^1]: [y](https://y.dk)\n"
    moment = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)

    def build() -> bytes:
        return docx_package.finalize(render(md, cell=md), title="T", subject="S", author="A",
                                     created=moment, custom={"kilde": "x.yaml"})

    assert build() == build()


def test_parse_kept_per_text_hands_out_its_own_list():
    from aftaler.render.richtext import parse
    first = parse("Et **afsnit**.\n\n- punkt")
    first.clear()  # a caller's list is its own: the kept blocks are not touched
    again = parse("Et **afsnit**.\n\n- punkt")
    assert [b.kind for b in again] == ["paragraph", "bullet"]
    assert again[0].runs[1].text == "afsnit" and again[0].runs[1].bold
    assert parse(None) == [] == parse("")
