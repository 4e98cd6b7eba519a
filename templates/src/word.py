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
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).resolve().parent.parent  # templates/: where the .docx files go
FONT = "Arial"
LANGUAGE = "da-DK"
GREY = "D9D9D9"
# The heading hierarchy of the forms: one family, bold throughout, sizes stepping down to level 3,
# which is never smaller than the body (10 pt, 9 pt on the landscape budget sheet).
HEADING_SIZES = {"Title": 16, "Heading 1": 13, "Heading 2": 11.5, "Heading 3": 10.5}
FOOTER_SIZE = 8
# A party's signature line; the signer's name when the agreement gives one, else a blank to fill in.
SIGNATURE_LINE = ("Dato: ____________  Navn: {% if p.underskriver %}{{ p.underskriver.navn }}"
                  "{% if p.underskriver.titel %}, {{ p.underskriver.titel }}{% endif %}"
                  "{% else %}______________________{% endif %}")
# A party as the forms name it: the abbreviation only when the name does not already hold it
# ("Boligforeningen 3B", not "Boligforeningen 3B (3B)").
PARTY_NAME = "{{ p.navn }}{% if p.forkortelse and p.forkortelse not in p.navn %} ({{ p.forkortelse }}){% endif %}"


def new_document(footer: str = "", landscape: bool = False) -> Document:
    """A blank form: A4, Arial, Danish, the heading hierarchy, and a footer with `footer` (a docxtpl
    text: the document's title and the area's name) on the left and "Side X af Y" on the right."""
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5 if landscape else 2.2))
    section.footer_distance = Cm(1.0)
    styles = doc.styles
    styles["Normal"].font.size = Pt(9 if landscape else 10)
    styles["Normal"].paragraph_format.space_after = Pt(4)
    styles["Normal"].paragraph_format.widow_control = True
    for name, size in HEADING_SIZES.items():
        style = styles[name]
        style.font.size, style.font.bold, style.font.italic = Pt(size), True, False
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(12 if name != "Title" else 0)
        style.paragraph_format.space_after = Pt(4)
        # A heading is never the last line of a page: it stays with what follows.
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.keep_together = True
    rule = styles["Title"].element.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}")
    if rule is not None:  # the title's rule in the text's black, not the theme's blue
        rule.attrib.pop(qn("w:themeColor"), None)
        rule.set(qn("w:color"), "000000")
    _footnote_styles(doc)
    _one_font_family(doc)
    _danish(doc)
    _footer(doc, section, footer)
    return doc


def _one_font_family(doc) -> None:
    """Arial in every style and the defaults. python-docx's styles name theme fonts (Calibri,
    Cambria), and a theme font wins over a named one, so the headings came out in Calibri."""
    roots = [doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")]
    roots += [s.find(qn("w:rPr")) for s in doc.styles.element.iterchildren(qn("w:style"))]
    for rpr in roots:
        if rpr is None:
            continue
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            fonts.attrib.pop(qn(f"w:{attr}"), None)
        for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
            fonts.set(qn(f"w:{attr}"), FONT)


# Where w:lang goes among a w:rPr's children (the schema's order, CT_RPr): before these.
_AFTER_LANG = ("eastAsianLayout", "specVanish", "oMath")


def _set_lang(rpr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        later = [c for c in rpr if c.tag in {qn(f"w:{n}") for n in _AFTER_LANG}]
        if later:
            later[0].addprevious(lang)
        else:
            rpr.append(lang)
    for attr in ("val", "eastAsia", "bidi"):
        lang.attrib.pop(qn(f"w:{attr}"), None)
    lang.set(qn("w:val"), LANGUAGE)


def _danish(doc) -> None:
    """da-DK as the language of the defaults and of every style, so Word spell-checks in Danish
    and hyphenates with Danish rules; Danish decimal and list separators in the settings."""
    styles = doc.styles.element
    _set_lang(styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}"))
    for style in styles.iterchildren(qn("w:style")):
        if style.get(qn("w:type")) == "numbering":
            continue  # a numbering style carries no run properties
        rpr = style.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            tbl_pr = style.find(qn("w:tblPr"))  # w:rPr comes before the table properties
            if tbl_pr is not None:
                tbl_pr.addprevious(rpr)
            else:
                style.append(rpr)
        _set_lang(rpr)
    settings = doc.settings.element
    for name, value in (("themeFontLang", LANGUAGE), ("decimalSymbol", ","), ("listSeparator", ";")):
        el = settings.find(qn(f"w:{name}"))
        if el is not None:
            el.attrib.clear()
            el.set(qn("w:val"), value)


def _field(paragraph, instruction: str, shown: str) -> None:
    """A Word field (PAGE, NUMPAGES) with `shown` as its last computed value."""
    def run_with(child):
        run = paragraph.add_run()
        run._r.append(child)
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    paragraph.add_run(shown)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _footer(doc, section, text: str) -> None:
    """`text` on the left, "Side X af Y" (fields Word and LibreOffice update) at the right margin."""
    p = section.footer.paragraphs[0]
    p.style = doc.styles["Footer"]
    style_tabs = doc.styles["Footer"].element.find(f"{qn('w:pPr')}/{qn('w:tabs')}")
    if style_tabs is not None:  # python-docx's are for US Letter; ours is the one below
        style_tabs.getparent().remove(style_tabs)
    width = section.page_width - section.left_margin - section.right_margin
    tabs = p.paragraph_format.tab_stops
    tabs.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    if text:
        p.add_run(text)
    p.add_run("\tSide ")
    _field(p, "PAGE", "1")
    p.add_run(" af ")
    _field(p, "NUMPAGES", "1")
    for run in p.runs:
        run.font.size = Pt(FOOTER_SIZE)


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
    """A paragraph. Bold or italic only when asked: an explicit "not bold" on the run would switch
    off a heading style's bold. A bold paragraph is a sub-heading and stays with what follows."""
    p = container.add_paragraph(style=style)
    if text:
        run = p.add_run(text)
        run.bold, run.italic = bold or None, italic or None
    if bold:
        p.paragraph_format.keep_with_next = True
    return p


def lead(container, text: str):
    """A sub-heading inside a section ("Opgaver:", "Problemkompleks for indsatsområdet"): bold,
    kept with what follows."""
    return para(container, text, bold=True)


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
    run.bold = bold or None
    if align:
        p.alignment = align
    return p


def keep_row_together(row) -> None:
    """The row is not split across pages (w:cantSplit)."""
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:cantSplit")) is None:
        tr_pr.insert(0, OxmlElement("w:cantSplit"))


def keep_with_next_row(row) -> None:
    """The row stays on the page of the row after it (keepNext on its paragraphs, which Word and
    LibreOffice both honour in tables): a header row or an area's heading row is never alone at
    a page foot."""
    for cell in row.cells:
        for p in cell.paragraphs:
            p.paragraph_format.keep_with_next = True


def keep_table_together(table) -> None:
    """A short table (a summary, a front table) on one page: every row keeps with the next."""
    for row in table.rows[:-1]:
        keep_with_next_row(row)


def repeat_header(row) -> None:
    keep_with_next_row(row)
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
    keep_row_together(table.rows[0])
    set_widths(table.rows[0], widths)
    return table


def add_row(table):
    """A new row that is not split across pages: every table row of the forms is short enough
    to move whole to the next page (a row taller than a page is still split, by Word too)."""
    row = table.add_row()
    keep_row_together(row)
    return row


def figure_row(table, cells: list[str], widths: list[float], right_from: int, bold: bool = False):
    """A row of a table of figures: non-empty cells from column `right_from` on are right-aligned."""
    row = add_row(table)
    for i, (cell, text) in enumerate(zip(row.cells, cells)):
        set_cell(cell, text, bold=bold, align=WD_ALIGN_PARAGRAPH.RIGHT if i >= right_from and text else None)
    set_widths(row, widths)
    return row


def loop_rows(table, loop: str, cells: list[str], bold: bool = False, align_right_from: int | None = None):
    """Three rows: `{%tr for … %}`, the repeated row, `{%tr endfor %}`."""
    set_cell(table.add_row().cells[0], f"{{%tr {loop} %}}")
    row = add_row(table)
    for i, (cell, text) in enumerate(zip(row.cells, cells)):
        align = WD_ALIGN_PARAGRAPH.RIGHT if align_right_from is not None and i >= align_right_from else None
        set_cell(cell, text, bold=bold, align=align)
    set_cell(table.add_row().cells[0], "{%tr endfor %}")
    return row


class Bullet(str):
    """A line of a label_table cell that is an item of a real Word bullet list (List Bullet)."""


class Bold(str):
    """A line of a label_table cell set in bold (a party's name over its tasks)."""


class Merged(str):
    """A label_table label over all the rows of the `{%tr for %}` loop it is in: given on the
    first row, its cell merged down over the others (one row per party, not one row that is
    longer than a page)."""


def label_table(doc, rows: list[tuple[str, list[str]]], widths: tuple[float, float] = (5, 11.6)):
    """The form's two-column tables: a grey label cell and the content cell. A content line is
    text, a Bullet (a list item) or Bold; a label may be Merged."""
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    kept = False
    for label, lines in rows:
        row = add_row(table)
        row.cells[0].width, row.cells[1].width = Cm(widths[0]), Cm(widths[1])
        if isinstance(label, Merged):
            set_cell(row.cells[0], f"{{% if loop.first %}}{label}{{% endif %}}", bold=True)
            merge = OxmlElement("w:vMerge")
            merge.set(qn("w:val"), "{% if loop.first %}restart{% else %}continue{% endif %}")
            row.cells[0]._tc.get_or_add_tcPr().append(merge)
        else:
            set_cell(row.cells[0], label, bold=True)
        shade(row.cells[0])
        cell = row.cells[1]
        cell.text = ""
        first = True
        for line in lines:
            p = cell.paragraphs[0] if first else cell.add_paragraph()
            if isinstance(line, Bullet):
                p.style = doc.styles["List Bullet"]
            run = p.add_run(str(line))
            if isinstance(line, Bold):
                run.bold = True
            first = False
        if not kept and not label.startswith("{%"):
            keep_with_next_row(row)  # the first row does not stay behind alone at a page foot
            kept = True
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


# What the package says made it: aftaler, not the Word version python-docx's blank document names.
APP_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
           'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
           '<Application>aftaler</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>'
           '<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>'
           '<HyperlinksChanged>false</HyperlinksChanged></Properties>').encode()


def _separate_tables(doc) -> None:
    """An empty paragraph between two tables that follow each other: Word and LibreOffice join
    touching tables into one, and the first one's header row then repeats over the second."""
    for tbl in list(doc.element.body.iterchildren(qn("w:tbl"))):
        following = tbl.getnext()
        if following is not None and following.tag == qn("w:tbl"):
            spacer = OxmlElement("w:p")
            tbl.addnext(spacer)


def save(doc, name: str) -> None:
    """Save with fixed zip timestamps, so regenerating an unchanged template changes no bytes."""
    _prune(doc)
    _separate_tables(doc)
    for tr in doc.element.body.iter(qn("w:tr")):  # every row whole; the render lets a very tall one split
        tr_pr = tr.get_or_add_trPr()
        if tr_pr.find(qn("w:cantSplit")) is None:
            tr_pr.insert(0, OxmlElement("w:cantSplit"))
    buffer = io.BytesIO()
    doc.core_properties.author = doc.core_properties.last_modified_by = "aftaler"
    doc.core_properties.title = name
    doc.core_properties.comments = ""  # python-docx's "generated by python-docx"
    doc.core_properties.language = LANGUAGE
    from datetime import datetime
    doc.core_properties.created = doc.core_properties.modified = datetime(2000, 1, 1)
    doc.core_properties.revision = 1
    doc.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, zipfile.ZipFile(HERE / name, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = APP_XML if info.filename == "docProps/app.xml" else src.read(info.filename)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), data,
                         compress_type=zipfile.ZIP_DEFLATED)


def merged_cell(cell, loop_var: str, field: str, note: str | None = None) -> None:
    """A cell of a `{%tr for %}` row merged with the one above where `field` is empty: the
    models give a goal on its first row only, and the indicator tables show it once beside all
    its indicators, as the form does. (Two goals of the same text stay two cells.) `note`: the
    row's field with the cell's footnote (see the `fodnote` filter)."""
    value = f"{loop_var}.{field}"
    set_cell(cell, f"{{{{ {value}|fodnote({loop_var}.{note}) }}}}" if note else f"{{{{ {value} }}}}")
    merge = OxmlElement("w:vMerge")
    merge.set(qn("w:val"), f"{{% if loop.first or {value} %}}restart{{% else %}}continue{{% endif %}}")
    cell._tc.get_or_add_tcPr().append(merge)
