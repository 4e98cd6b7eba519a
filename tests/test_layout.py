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
    docx_files = sorted((out / "docx").rglob("*.docx"))
    pdfs = pdf_layout.convert_all(docx_files, out / "pdf", soffice())
    return {docx.relative_to(out / "docx"): pdf_layout.problems(docx, pdfs[docx]) for docx in docx_files}


def test_every_word_file_of_every_example_is_checked(layouts):
    sets = {path.parts[0] for path in layouts}
    assert sets == {aset.name for aset in SETS}
    kinds = {path.stem.split("-")[0] for path in layouts}
    assert {"samarbejdsaftale", "delaftale", "budget", "beredskabsplan", "milepaelsplan", "kommissorium",
            "status", "partnerskabsaftale", "puljeudmoentning", "finansieringsmodel"} <= kinds


@pytest.mark.parametrize("check", ["brudte ord", "sider uden sidetal", "overskrifter sidst på siden",
                                   "delte rækker", "næsten tomme sider"])
def test_layout(layouts, check):
    found = [f"{path}: {problem}" for path, problems in layouts.items() for problem in problems[check]]
    assert not found, f"{check}:\n" + "\n".join(found)


def _exact(paragraph):
    paragraph.paragraph_format.line_spacing = Pt(12)
    paragraph.paragraph_format.space_after = Pt(0)
    return paragraph


def _bad_document(path: Path) -> None:
    """Each fault once: a long word in a narrow column, a heading last on page 1 (a page break
    after it), a short row split across pages 2 and 3 (54 lines of 12 pt fit a Letter page:
    the row starts at line 51), no page numbers, a last page of one line."""
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
    rows = doc.add_table(rows=1, cols=1)
    rows.style = "Table Grid"
    cell = rows.rows[0].cells[0]
    _exact(cell.paragraphs[0]).add_run("Række første linje")
    for n in range(7):
        _exact(cell.add_paragraph(f"rækkens linje {n}"))
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
