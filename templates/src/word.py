"""Building blocks for the default Word templates (see make_templates.py).

The templates reproduce the layout of LBF's official forms (front table, numbered sections,
goal and indicator tables, one activity schema per activity, the landscape budget sheet) with
docxtpl tags. They are generated so that their layout is reviewable as code; a secretariat that
has LBF's own .docx can tag that instead (see README, "Egen officiel skabelon").
Guidance texts are short paraphrases of the form's instructions.
"""
from __future__ import annotations

import io
import zipfile
from contextlib import contextmanager
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).resolve().parent.parent  # templates/: where the .docx files go
FONT = "Arial"
GREY = "D9D9D9"
# A party's signature line; the signer's name when the agreement gives one, else a blank to fill in.
SIGNATURE_LINE = ("Dato: ____________  Navn: {% if p.underskriver %}{{ p.underskriver.navn }}"
                  "{% if p.underskriver.titel %}, {{ p.underskriver.titel }}{% endif %}"
                  "{% else %}______________________{% endif %}")


def new_document(landscape: bool = False) -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5 if landscape else 2.2))
    styles = doc.styles
    styles["Normal"].font.name = FONT
    styles["Normal"].font.size = Pt(9 if landscape else 10)
    styles["Normal"].element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    styles["Normal"].paragraph_format.space_after = Pt(4)
    for name, size in (("Title", 16), ("Heading 1", 13), ("Heading 2", 11), ("Heading 3", 10)):
        style = styles[name]
        style.font.name, style.font.size, style.font.bold = FONT, Pt(size), True
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(10)
        style.paragraph_format.space_after = Pt(4)
    _footnote_styles(doc)
    return doc


def _footnote_styles(doc) -> None:
    """Word's own names, so richtext.py gives footnotes the look Word users expect."""
    from docx.enum.style import WD_STYLE_TYPE
    text = doc.styles.add_style("footnote text", WD_STYLE_TYPE.PARAGRAPH)
    text.base_style = doc.styles["Normal"]
    text.font.size = Pt(8)
    text.paragraph_format.space_after = Pt(0)
    ref = doc.styles.add_style("footnote reference", WD_STYLE_TYPE.CHARACTER)
    ref.font.superscript = True
    link = doc.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
    link.font.underline = True


def para(container, text: str = "", style: str | None = None, bold: bool = False, italic: bool = False):
    p = container.add_paragraph(style=style)
    if text:
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
    return p


@contextmanager
def block(doc, tag: str):
    """Paragraphs between `{%p if … %}` or `{%p for … %}` and its end tag; docxtpl drops the tag paragraphs."""
    para(doc, f"{{%p {tag} %}}")
    yield
    para(doc, f"{{%p end{tag.split()[0]} %}}")


def bullets(doc, loop: str, item: str) -> None:
    """One bullet per item: `bullets(doc, "for b in bilag", "{{ b.tekst }}")`."""
    with block(doc, loop):
        para(doc, item, style="List Bullet")


def optional_section(doc, condition: str, heading: str, body: str | None = None, level: int = 1) -> None:
    """A heading and its text, left out when `condition` is empty; the text defaults to `{{ condition|md }}`."""
    with block(doc, f"if {condition}"):
        para(doc, heading, style=f"Heading {level}")
        para(doc, body or f"{{{{ {condition}|md }}}}")


def shade(cell, fill: str = GREY) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def set_cell(cell, text: str, bold: bool = False, style: str | None = None, align=None):
    cell.text = ""
    p = cell.paragraphs[0]
    if style:
        p.style = style
    run = p.add_run(text)
    run.bold = bold
    if align:
        p.alignment = align
    return p


def repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    tr_pr.append(header)


def shade_row(row, fill: str = GREY) -> None:
    for cell in row.cells:
        shade(cell, fill)


def set_widths(row, widths: list[float]) -> None:
    """Widths in cm; 0 leaves a cell as it is (the tag cells of a `{%tc for %}` column loop)."""
    for cell, width in zip(row.cells, widths):
        if width:
            cell.width = Cm(width)


def grid_table(doc, header: list[str], widths: list[float], centered: bool = True):
    """A bordered table with a grey, repeating header row."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    if centered:
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header):
        set_cell(cell, text, bold=True)
        shade(cell)
    repeat_header(table.rows[0])
    set_widths(table.rows[0], widths)
    return table


def figure_row(table, cells: list[str], widths: list[float], right_from: int, bold: bool = False):
    """A row of a table of figures: non-empty cells from column `right_from` on are right-aligned."""
    row = table.add_row()
    for i, (cell, text) in enumerate(zip(row.cells, cells)):
        set_cell(cell, text, bold=bold, align=WD_ALIGN_PARAGRAPH.RIGHT if i >= right_from and text else None)
    set_widths(row, widths)
    return row


def loop_rows(table, loop: str, cells: list[str], bold: bool = False, align_right_from: int | None = None):
    """Three rows: `{%tr for … %}`, the repeated row, `{%tr endfor %}`."""
    set_cell(table.add_row().cells[0], f"{{%tr {loop} %}}")
    row = table.add_row()
    for i, (cell, text) in enumerate(zip(row.cells, cells)):
        align = WD_ALIGN_PARAGRAPH.RIGHT if align_right_from is not None and i >= align_right_from else None
        set_cell(cell, text, bold=bold, align=align)
    set_cell(table.add_row().cells[0], "{%tr endfor %}")
    return row


def label_table(doc, rows: list[tuple[str, list[str]]]):
    """The form's two-column tables: a grey label cell and the content cell."""
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, lines in rows:
        row = table.add_row()
        row.cells[0].width, row.cells[1].width = Cm(5), Cm(11.6)
        set_cell(row.cells[0], label, bold=True)
        shade(row.cells[0])
        cell = row.cells[1]
        cell.text = ""
        first = True
        for line in lines:
            p = cell.paragraphs[0] if first else cell.add_paragraph()
            p.add_run(line)
            first = False
    return table


def optional_row(label: str, field: str, md: bool = True) -> list[tuple[str, list[str]]]:
    """A label_table row that docxtpl leaves out when `field` is empty (splat it into the rows)."""
    value = f"{{{{ {field}|md }}}}" if md else f"{{{{ {field} }}}}"
    return [(f"{{%tr if {field} %}}", []), (label, [value]), ("{%tr endif %}", [])]


def attachment_front(doc, title: str, about: str) -> None:
    """The front of an attachment to the samarbejdsaftale: title, what it is, the effort's name and period."""
    para(doc, title, style="Title")
    guidance(doc, about)
    label_table(doc, [
        ("Navn på den boligsociale indsats:", ["{{ navn }}"]),
        ("Samarbejdsaftalen gælder fra – til:", ["{{ periode_tekst }}"]),
    ])


def guidance(doc, text: str):
    return para(doc, text, italic=True)


# python-docx's blank document carries parts and styles no template of ours uses: Word 2010's copy
# of the styles (stylesWithEffects, 430 kB), a thumbnail of an empty page, and about a hundred
# table styles (most of styles.xml's 350 kB). Every document built from the template would be
# read, written and compressed with them, and carry them to the reader.
_UNUSED_PARTS = {
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail",
}


def _prune(doc) -> None:
    """Leave out what python-docx's blank document brings and no template uses (see above)."""
    for rels in (doc.part.package.rels, doc.part.rels):
        for r_id, rel in list(rels.items()):
            if rel.reltype in _UNUSED_PARTS:
                del rels[r_id]
    used = {el.get(qn("w:val")) for el in doc.element.body.iter(qn("w:tblStyle"))}
    styles = doc.styles.element
    for style in list(styles.iterchildren(qn("w:style"))):
        is_default = style.get(qn("w:default")) in ("1", "true")
        if style.get(qn("w:type")) == "table" and not is_default and style.get(qn("w:styleId")) not in used:
            styles.remove(style)


def save(doc, name: str) -> None:
    """Save with fixed zip timestamps, so regenerating an unchanged template changes no bytes."""
    _prune(doc)
    buffer = io.BytesIO()
    doc.core_properties.author = "aftaler"
    doc.core_properties.title = name
    from datetime import datetime
    doc.core_properties.created = doc.core_properties.modified = datetime(2000, 1, 1)
    doc.core_properties.revision = 1
    doc.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, zipfile.ZipFile(HERE / name, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), src.read(info.filename),
                         compress_type=zipfile.ZIP_DEFLATED)
