"""Every Word file of every example as LibreOffice sets it on the page, checked from the PDF
(tests/pdf_layout.py): no word broken without a hyphen, every page numbered "Side N af M", no
heading or table caption last on its page, no table row split (a row taller than a third of a
page may split as a long paragraph would), no page with fewer than three lines.

A checker that found nothing would pass too, so the last test gives it a document with each
fault and sees every one found.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

import pdf_layout
from libreoffice import soffice

ROOT = Path(__file__).resolve().parent.parent
SETS = sorted(p for p in (ROOT / "agreements").iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def layouts(tmp_path_factory):
    """(Word file, its problems) for every document of every example set and the status note."""
    from aftaler.cli import main
    out = tmp_path_factory.mktemp("layout")
    for aset in SETS:
        assert main(["build", str(aset), "-o", str(out / "docx")]) == 0
    assert main(["status", str(ROOT / "agreements/amager"), "-o", str(out / "docx")]) == 0
    docx_files = sorted(p for p in (out / "docx").rglob("*.docx") if "site" not in p.relative_to(out / "docx").parts)
    pdfs = pdf_layout.convert_all(docx_files, out / "pdf", soffice())
    return {docx.relative_to(out / "docx"): pdf_layout.problems(docx, pdfs[docx]) for docx in docx_files}


def test_every_word_file_of_every_example_is_checked(layouts):
    sets = {path.parts[0] for path in layouts}
    assert sets == {aset.name for aset in SETS}
    kinds = {path.stem.split("-")[0] for path in layouts}
    assert {"samarbejdsaftale", "delaftale", "budget", "beredskabsplan", "milepaelsplan", "kommissorium",
            "status", "partnerskabsaftale", "puljeudmoentning", "finansieringsmodel"} <= kinds


@pytest.mark.parametrize("check", ["brudte ord", "sider uden sidetal", "overskrifter sidst på siden",
                                   "delte rækker", "næsten tomme sider", "skubbede rækker"])
def test_layout(layouts, check):
    found = [f"{path}: {problem}" for path, problems in layouts.items() for problem in problems[check]]
    assert not found, f"{check}:\n" + "\n".join(found)


def _exact(paragraph):
    paragraph.paragraph_format.line_spacing = Pt(12)
    paragraph.paragraph_format.space_after = Pt(0)
    return paragraph


def _one_row(doc, first: str, lines: list[str]):
    """A table of one cell: `first`, then each of `lines`, as 12 pt lines of exact height."""
    table = doc.add_table(rows=1, cols=1)
    table.style = "Table Grid"
    cell = table.rows[0].cells[0]
    _exact(cell.paragraphs[0]).add_run(first)
    for line in lines:
        _exact(cell.add_paragraph(line))
    return table


def _bad_document(path: Path) -> None:
    """Each fault once: a long word in a narrow column, a heading last on page 1 (a page break
    after it), a short row split across pages 2 and 3 (54 lines of 12 pt fit a Letter page:
    the row starts at line 51), a tall row kept whole below 30 lines (it moves on, leaving 24
    lines empty), no page numbers, a last page of one line."""
    doc = Document()
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.autofit = False
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), (Cm(1.4), Cm(14))):
        col.set(qn("w:w"), str(width.twips))
    table.rows[0].cells[0].width, table.rows[0].cells[1].width = Cm(1.4), Cm(14)
    table.rows[0].cells[0].text = "Kriminalitetsforebyggelse"
    table.rows[0].cells[1].text = "Tekst"
    heading = doc.add_paragraph("Overskrift uden sin tekst", style="Heading 1")
    heading.paragraph_format.keep_with_next = False
    doc.add_page_break()
    for n in range(50):
        _exact(doc.add_paragraph(f"Linje {n} på side to"))
    _one_row(doc, "Række første linje", [f"rækkens linje {n}" for n in range(7)])
    doc.add_page_break()
    for n in range(30):
        _exact(doc.add_paragraph(f"Linje {n} før den høje række"))
    tall = _one_row(doc, "Høj række første linje", [f"den høje rækkes linje {n}" for n in range(39)])
    tall.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    doc.add_page_break()
    doc.add_paragraph("Sidste side")
    doc.save(path)


def test_the_checker_finds_each_fault(tmp_path):
    docx = tmp_path / "fejl" / "fejl.docx"
    docx.parent.mkdir()
    _bad_document(docx)
    pdf = pdf_layout.convert_all([docx], tmp_path / "pdf", soffice())[docx]
    problems = pdf_layout.problems(docx, pdf)
    assert any("Kriminalitetsforebyggelse".startswith(p.split("'")[1].split()[0]) for p in problems["brudte ord"])
    assert len(problems["sider uden sidetal"]) == pdf_layout.page_count(pdf)
    assert any("Overskrift uden sin tekst" in p for p in problems["overskrifter sidst på siden"])
    assert any("Række første linje" in p for p in problems["delte rækker"])
    assert any("kun 1 linje" in p for p in problems["næsten tomme sider"])
    assert any("Høj række første linje" in p for p in problems["skubbede rækker"]), problems["skubbede rækker"]
    assert not any("Række første linje" in p for p in problems["skubbede rækker"])


# -- the form rules, read back from the Word files ----------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from aftaler.cli import main
    out = tmp_path_factory.mktemp("form")
    for aset in SETS:
        assert main(["build", str(aset), "-o", str(out)]) == 0
    return sorted(p for p in out.rglob("*.docx") if "site" not in p.relative_to(out).parts)  # not the site's copies


def _part(docx: Path, name: str):
    import zipfile
    from lxml import etree
    with zipfile.ZipFile(docx) as z:
        return etree.fromstring(z.read(name))


def test_danish_language_and_one_font_family_in_every_style(built):
    for docx in built:
        styles = _part(docx, "word/styles.xml")
        default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
        assert default.get(f"{W}val") == "da-DK", docx.name
        for style in styles.iter(f"{W}style"):
            if style.get(f"{W}type") == "numbering":
                continue
            lang = style.find(f"{W}rPr/{W}lang")
            assert lang is not None and lang.get(f"{W}val") == "da-DK", (docx.name, style.get(f"{W}styleId"))
        fonts = list(styles.iter(f"{W}rFonts"))
        assert fonts and all(f.get(f"{W}asciiTheme") is None and f.get(f"{W}ascii") == "Arial" for f in fonts), docx.name


def test_headings_bold_and_stepping_down(built):
    for docx in built:
        styles = {s.get(f"{W}styleId"): s for s in _part(docx, "word/styles.xml").iter(f"{W}style")}

        def size(style_id):
            return int(styles[style_id].find(f"{W}rPr/{W}sz").get(f"{W}val"))
        sizes = [size(s) for s in ("Title", "Heading1", "Heading2", "Heading3")]
        assert sizes == sorted(sizes, reverse=True) and len(set(sizes)) == 4, (docx.name, sizes)
        assert sizes[-1] >= size("Normal"), docx.name
        for style_id in ("Title", "Heading1", "Heading2", "Heading3"):
            bold = styles[style_id].find(f"{W}rPr/{W}b")
            assert bold is not None and bold.get(f"{W}val") in (None, "1", "true"), (docx.name, style_id)
        for style_id in ("Heading1", "Heading2", "Heading3"):
            assert styles[style_id].find(f"{W}pPr/{W}keepNext") is not None
        body = _part(docx, "word/document.xml")
        for p in body.iter(f"{W}p"):  # no run switches a heading's bold off
            style = p.find(f"{W}pPr/{W}pStyle")
            if style is not None and style.get(f"{W}val") in ("Title", "Heading1", "Heading2", "Heading3"):
                assert not [b for b in p.iter(f"{W}b") if b.get(f"{W}val") in ("0", "false")], docx.name


def test_footer_has_title_and_page_x_of_y(built):
    import re
    for docx in built:
        rels = _part(docx, "word/_rels/document.xml.rels")
        footers = [r.get("Target") for r in rels if r.get("Type", "").endswith("/footer")]
        assert footers, docx.name
        footer = _part(docx, f"word/{footers[0]}")
        instructions = [t.text.strip() for t in footer.iter(f"{W}instrText")]
        assert instructions == ["PAGE", "NUMPAGES"], docx.name
        text = "".join(t.text or "" for t in footer.iter(f"{W}t"))
        assert re.search(r"Side \d+ af \d+$", text), (docx.name, text)
        title = _part(docx, "docProps/core.xml").find("{http://purl.org/dc/elements/1.1/}title").text
        area = _part(docx, "docProps/core.xml").find("{http://purl.org/dc/elements/1.1/}subject").text
        assert title.split()[0] in text or area in text, (docx.name, text)


def test_rows_kept_whole_headers_repeat_lists_are_lists(built):
    for docx in built:
        body = _part(docx, "word/document.xml")
        text = "".join(t.text or "" for t in body.iter(f"{W}t"))
        assert "•" not in text, f"{docx.name}: a bullet typed as text"
        for tbl in body.iter(f"{W}tbl"):
            rows = tbl.findall(f"{W}tr")
            assert rows[0].find(f"{W}trPr/{W}cantSplit") is not None, docx.name
            for row in rows:  # only a row too tall to move whole (a third of a page) may split
                if row.find(f"{W}trPr/{W}cantSplit") is None:
                    size = len("".join(t.text or "" for t in row.iter(f"{W}t")))
                    assert size > 800, f"{docx.name}: a row of {size} characters may split"
        follows = [tbl.getnext() for tbl in body.find(f"{W}body").iterchildren(f"{W}tbl")]
        assert not [n for n in follows if n is not None and n.tag == f"{W}tbl"], f"{docx.name}: tables touch"


def test_delaftale_roles_are_lists_under_bold_party_names(built):
    docx = next(p for p in built if p.name == "delaftale-beskaeftigelse.docx")
    body = _part(docx, "word/document.xml")
    cells = [tc for tc in body.iter(f"{W}tc") if "Helhedsplanen:" in "".join(t.text or "" for t in tc.iter(f"{W}t"))]
    assert cells
    for tc in cells:
        paragraphs = tc.findall(f"{W}p")
        name, tasks = paragraphs[0], paragraphs[1:]
        runs = [r for r in name.iter(f"{W}r") if "".join(t.text or "" for t in r.iter(f"{W}t")).strip()]
        assert runs and all(r.find(f"{W}rPr/{W}b") is not None for r in runs), "the party's name is bold"
        assert tasks and all(p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "ListBullet" for p in tasks)


def test_goal_cells_merged_and_no_doubled_party_names(built):
    import re
    agreement = next(p for p in built if p.name == "samarbejdsaftale.docx")
    merges = [m.get(f"{W}val") for m in _part(agreement, "word/document.xml").iter(f"{W}vMerge")]
    assert merges.count("restart") >= 4 and merges.count("continue") >= 4
    for docx in built:
        text = " ".join(t.text or "" for t in _part(docx, "word/document.xml").iter(f"{W}t"))
        assert not re.search(r"\b(\w+) \(\1\)", text), docx.name


def test_metadata_names_aftaler(built):
    for docx in built:
        app = _part(docx, "docProps/app.xml")
        ns = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
        assert app.find(f"{ns}Application").text == "aftaler"
        assert app.find(f"{ns}AppVersion") is None
        core = _part(docx, "docProps/core.xml")
        creator = core.find("{http://purl.org/dc/elements/1.1/}creator").text
        modified_by = core.find("{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}lastModifiedBy")
        assert creator == modified_by.text == "aftaler"
        description = core.find("{http://purl.org/dc/elements/1.1/}description")
        assert description is None or not description.text


# -- render-time column planning and hyphenation (no LibreOffice needed) -----------------------

def _table(widths_cm: list[float], cells: list[str]):
    doc = Document()
    table = doc.add_table(rows=1, cols=len(cells))
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_cm):
        col.set(qn("w:w"), str(Cm(width).twips))
    for cell, text, width in zip(table.rows[0].cells, cells, widths_cm):
        cell.width = Cm(width)
        cell.text = text
    return doc, table


def _grid(table) -> list[int]:
    return [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]


def test_a_column_gets_the_width_of_its_longest_word_from_a_column_with_room():
    from aftaler.render import word_layout
    doc, table = _table([1.5, 14], ["Kriminalitetsforebyggelse", "kort"])
    word_layout.apply(doc)
    first, second = _grid(table)
    needed = word_layout.text_width("Kriminalitetsforebyggelse", 22, False)
    assert first > needed and first + second == Cm(15.5).twips  # the table keeps its width
    assert table._tbl.find(".//" + qn("w:softHyphen")) is None  # it fits now: no hyphens


def test_a_word_that_cannot_fit_gets_danish_soft_hyphens_and_reads_the_same():
    from aftaler.render import word_layout
    words = ["Kriminalitetsforebyggelse", "Socialforvaltningen", "Integrationsforvaltningen", "Boligorganisationerne"]
    doc, table = _table([1.6] * 4 + [9.6], words + ["ord " * 200])
    word_layout.apply(doc)
    for cell, word in zip(table.rows[0].cells, words):
        pieces = [t.text for t in cell._tc.iter(qn("w:t"))]
        assert "".join(pieces) == word  # every reader of w:t sees the word whole
        assert len(pieces) > 1 and len(cell._tc.findall(".//" + qn("w:softHyphen"))) == len(pieces) - 1
        # the breaks are pyphen's da_DK points, not anywhere
        positions = {sum(map(len, pieces[:i])) for i in range(1, len(pieces))}
        assert positions <= set(word_layout._hyphenator().positions(word))


def test_a_number_is_fitted_before_words():
    from aftaler.render import word_layout
    doc, table = _table([1.2, 3.0, 3.0], ["2019/2017", "Kriminalitetsforebyggelse", "Integrationsforvaltningen"])
    word_layout.apply(doc)
    assert _grid(table)[0] > word_layout.text_width("2019/2017", 22, False)
    assert table.rows[0].cells[0]._tc.find(".//" + qn("w:softHyphen")) is None
