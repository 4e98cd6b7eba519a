"""Builds the default Word templates in this folder: `python templates/make_templates.py`.

The templates reproduce the layout of LBF's official forms (front table, numbered sections,
goal and indicator tables, one activity schema per activity, the landscape budget sheet) with
docxtpl tags. They are generated so that their layout is reviewable as code; a secretariat that
has LBF's own .docx can tag that instead (see README, "Egen officiel skabelon").
Guidance texts are short paraphrases of the form's instructions.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
FONT = "Arial"
GREY = "D9D9D9"


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


def grid_table(doc, header: list[str], widths: list[float]):
    """A bordered table with a grey, repeating header row."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header):
        set_cell(cell, text, bold=True)
        shade(cell)
    repeat_header(table.rows[0])
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Cm(width)
    return table


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


def guidance(doc, text: str):
    return para(doc, text, italic=True)


def save(doc, name: str) -> None:
    """Save with fixed zip timestamps, so regenerating an unchanged template changes no bytes."""
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


def samarbejdsaftale() -> None:
    doc = new_document()
    para(doc, "Strategisk samarbejdsaftale om boligsocial indsats", style="Title")
    label_table(doc, [
        ("Områdets navn:", ["{{ omraadets_navn }}"]),
        ("Aftalens parter:", ["{%p for p in parter %}", "{{ p.navn }}", "{%p endfor %}"]),
        ("Samarbejdsaftalen gælder fra – til:", ["{{ periode_tekst }}"]),
        ("Underskrifter:", ["{%p for p in parter %}", "{{ p.navn }}",
                            "Dato: ____________  Navn: {% if p.underskriver %}{{ p.underskriver.navn }}{% if p.underskriver.titel %}, {{ p.underskriver.titel }}{% endif %}{% else %}______________________{% endif %}",
                            "{%p endfor %}"]),
        ("Aftaledokumenter:", [
            "Samarbejdsaftalen bygger på det gældende regulativ om tilskud til boligsocial indsats og "
            "Landsbyggefondens vejledning. Aftalen forpligter kommune og boligorganisationer til samarbejde og "
            "opfølgning på målene; ændringer skal godkendes af Landsbyggefonden.",
            "Til aftalen hører, og uploades på sagen i driftsstøttesystemet:",
            "{%p for d in delaftaler %}", "– {{ d }}", "{%p endfor %}",
            "– Et budget", "– En beredskabsplan", "– En milepælsplan",
            "Desuden et kommissorium for bestyrelsen og et indberetningsskema."]),
    ])

    para(doc, "1. Kort om boligområdet", style="Heading 1")
    para(doc, "{{ kort_om_boligomraadet.tekst|md }}")
    para(doc, "Boligafdelinger i den boligsociale indsats ({{ kort_om_boligomraadet.antal_afdelinger }} afdelinger, "
              "{{ kort_om_boligomraadet.lejemaal_i_alt|tal }} lejemål og {{ kort_om_boligomraadet.beboere|tal }} beboere):")
    table = grid_table(doc, ["Nr.", "Afdeling", "Boligorganisation", "Lejemål"], [1.6, 7, 5, 2.4])
    loop_rows(table, "for a in kort_om_boligomraadet.afdelinger",
              ["{{ a.nummer or '' }}", "{{ a.navn }}", "{{ a.boligorganisation_navn }}", "{{ a.lejemaal|tal }}"], align_right_from=3)
    total = table.add_row().cells
    set_cell(total[1], "I alt", bold=True)
    set_cell(total[3], "{{ kort_om_boligomraadet.lejemaal_i_alt|tal }}", bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)

    para(doc, "2. Vision for boligområdet", style="Heading 1")
    para(doc, "{{ vision.tekst|md }}")
    para(doc, "Primære målgrupper:", bold=True)
    para(doc, "{%p for m in vision.maalgrupper %}")
    para(doc, "{{ m.navn }}{% if m.antal %} ({{ m.antal|tal }}){% endif %}", bold=True)
    para(doc, "{{ m.beskrivelse|md }}")
    para(doc, "{%p endfor %}")

    para(doc, "3. Organisering", style="Heading 1")
    guidance(doc, "Parterne etablerer en projektorganisation med en ansvarlig bestyrelse, der sikrer koordinering og "
                  "styring på tværs af boligorganisationer, afdelinger og kommune. Beskrivelsen suppleres af et "
                  "organisationsdiagram og et kommissorium for bestyrelsen.")
    para(doc, "{{ organisering.tekst|md }}")
    para(doc, "{%p for o in organisering.organer %}")
    para(doc, "{{ o.navn }}", style="Heading 3")
    para(doc, "{{ o.beskrivelse|md }}")
    para(doc, "{%p for t in o.opgaver %}")
    para(doc, "{{ t }}", style="List Bullet")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endfor %}")
    para(doc, "Zoner", style="Heading 2")
    table = grid_table(doc, ["Zone", "Afdelinger", "Lejemål"], [4, 10, 2.4])
    loop_rows(table, "for z in organisering.zoner",
              ["{{ z.navn }}", "{% for a in z.afdelinger %}{{ a.navn }}{% if not loop.last %}, {% endif %}{% endfor %}",
               "{{ z.lejemaal|tal }}"], align_right_from=2)
    para(doc, "{%p for z in organisering.zoner %}")
    para(doc, "{% if z.beskrivelse %}{{ z.navn }}{% endif %}", bold=True)
    para(doc, "{{ z.beskrivelse|md }}")
    para(doc, "{%p endfor %}")
    para(doc, "Medarbejdere", style="Heading 2")
    table = grid_table(doc, ["Stilling", "Tidsfordeling"], [6, 10.4])
    loop_rows(table, "for m in organisering.medarbejdere", ["{{ m.titel }}", "{{ m.fordeling_tekst }}"])

    para(doc, "4. Samspil med centrale tiltag og indsatser i boligområdet", style="Heading 1")
    para(doc, "{{ samspil.tekst|md }}")
    para(doc, "{%p for t in samspil.tiltag %}")
    para(doc, "{{ t.navn }}", style="Heading 3")
    para(doc, "{{ t.tekst|md }}")
    para(doc, "{%p endfor %}")

    para(doc, "5. Overordnede mål og indikatorer for den boligsociale indsats", style="Heading 1")
    guidance(doc, "Landsbyggefonden har fastsat faste overordnede mål og indikatorer for alle indsatser, der støttes af "
                  "2019-26-midlerne. Udviklingen i boligområdet følges op mod udviklingen i kommunen, og bestyrelsen "
                  "følger løbende op på målene.")
    table = grid_table(doc, ["Mål", "Indikator", "Baseline boligområde", "Baseline kommune (evt. andet)",
                             "Baseline år", "Datakilde"], [3.4, 4.2, 2.4, 2.4, 1.6, 2.6])
    loop_rows(table, "for r in indikatorraekker",
              ["{{ r.maal }}", "{{ r.indikator }}", "{{ r.baseline_boligomraade }}", "{{ r.baseline_kommune }}",
               "{{ r.baseline_aar }}", "{{ r.datakilde }}"])

    para(doc, "6. Indsatsområder", style="Heading 1")
    guidance(doc, "For hvert valgt indsatsområde beskrives problemkomplekset: de centrale udfordringer, indsatsen skal "
                  "adressere, konkret og underbygget af data. Delmål, aktiviteter og rollefordeling fastlægges i en "
                  "delaftale for hvert indsatsområde.")
    para(doc, "{%p for a in indsatsomraader %}")
    para(doc, "{{ a.navn }}", style="Heading 2")
    para(doc, "Problemkompleks for indsatsområdet", bold=True)
    para(doc, "{{ a.problemkompleks|md }}")
    para(doc, "{%p endfor %}")

    para(doc, "7. Lokal evaluering", style="Heading 1")
    para(doc, "{{ lokal_evaluering|md }}")

    para(doc, "8. Revision af samarbejdsaftalen", style="Heading 1")
    para(doc, "Revision af den strategiske samarbejdsaftale kræver godkendelse i Landsbyggefonden.")
    save(doc, "samarbejdsaftale.docx")


def delaftale() -> None:
    doc = new_document()
    para(doc, "{{ titel }}", style="Title")
    guidance(doc, "Bestyrelsen for den boligsociale indsats sikrer, at delaftalen altid understøtter de overordnede mål i "
                  "den strategiske samarbejdsaftale og afspejler de aktiviteter og samarbejder, der gennemføres. "
                  "Delaftalen er bilag til den strategiske aftale; problemkomplekset er beskrevet dér.")
    label_table(doc, [
        ("Navn på den boligsociale indsats, som delaftalen vedrører:", ["{{ navn }}"]),
        ("Delaftalen gælder fra – til:", ["{{ periode_tekst }}"]),
        ("Delaftalens parter:", ["{%p for p in parter %}",
                                 "{{ p.visningsnavn }}{% if p.kontaktperson %} v. {{ p.kontaktperson.navn }}"
                                 "{% if p.kontaktperson.titel %}, {{ p.kontaktperson.titel }}{% endif %}"
                                 "{% if p.kontaktperson.email %}, {{ p.kontaktperson.email }}{% endif %}"
                                 "{% if p.kontaktperson.telefon %}, tlf. {{ p.kontaktperson.telefon }}{% endif %}{% endif %}",
                                 "{%p endfor %}"]),
    ])
    para(doc, "Delmål og indikatorer for indsatsområdet", style="Heading 1")
    guidance(doc, "Delmål er skridt på vejen mod de overordnede mål og beskriver de konkrete succeser, aktiviteterne skal "
                  "skabe. Indikatorerne gør det muligt at følge op årligt; parterne og bestyrelsen følger løbende op.")
    table = grid_table(doc, ["Delmål", "Indikator", "Baseline boligområde/ målgruppe", "Evt. anden baseline",
                             "Baseline år", "Datakilde"], [3.2, 4.2, 2.4, 2.4, 1.8, 2.6])
    loop_rows(table, "for r in delmaalsraekker",
              ["{{ r.delmaal }}", "{{ r.indikator }}", "{{ r.baseline }}", "{{ r.anden_baseline }}",
               "{{ r.baseline_aar }}", "{{ r.datakilde }}"])
    label_table(doc, [
        ("Aktiviteter, som skal bidrage til indfrielsen af delmålene:",
         ["{%p for a in aktiviteter %}", "{{ a.navn }}", "{%p endfor %}"]),
        ("Medarbejderressourcer for indsatsområdet:",
         ["{%p for m in medarbejderressourcer %}", "{{ m.titel }}: {{ m.fordeling_tekst }}", "{%p endfor %}"]),
        ("Sammenhæng med den kommunale indsats i boligområdet:", ["{{ sammenhaeng_kommunal|md }}"]),
        ("Revision af delaftalen:", [
            "Reviderede delaftaler sendes ikke til Landsbyggefonden, men fonden kan til enhver tid rekvirere dem.",
            "{{ revision|md }}"]),
    ])
    para(doc, "Aktiviteter (ét skema pr. aktivitet)", style="Heading 1")
    para(doc, "{%p for a in aktiviteter %}")
    label_table(doc, [
        ("Aktivitetsnavn:", ["{{ a.navn }}"]),
        ("Formål:", ["{{ a.formaal|md }}"]),
        ("Målgruppe(r):", ["{{ a.maalgrupper|md }}"]),
        ("Indhold og praksis:", ["{{ a.indhold|md }}"]),
        ("Ansvars- og rollefordeling:", ["{%p for r in a.ansvar %}", "{{ r.part_navn }}:",
                                         "{%p for o in r.opgaver %}", "• {{ o }}", "{%p endfor %}", "{%p endfor %}"]),
    ])
    para(doc, "")
    para(doc, "{%p endfor %}")
    save(doc, "delaftale.docx")


def budget() -> None:
    doc = new_document(landscape=True)
    para(doc, "Budgetark for boligsocial indsats inden for {{ pulje_navn }} (hele 1.000 kr.)", style="Heading 1")
    label_table(doc, [
        ("Start boligsocial indsats", ["{{ start }}"]),
        ("Slut boligsocial indsats", ["{{ slut }}"]),
        ("Boligområde/områdenavn", ["{{ omraadets_navn }}"]),
        ("Jnr.", ["{{ jnr }}"]),
    ])
    para(doc, "")
    header = ["Udgiftspost", "Udgiftstype", "{%tc for y in aar %}", "{{ y }}", "{%tc endfor %}", "Samlede udgifter", "LBF",
              "Boligorg. kontant", "Boligorg. timer, lokaler", "Kommune kontant", "Kommune timer, lokaler",
              "Anden lokal medfinans."]
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        set_cell(cell, text, bold=True)
        shade(cell)
    repeat_header(table.rows[0])
    money = ["{{ l.total|tal }}", "{{ l.finansiering.lbf|tal if l.finansiering.lbf else '' }}",
             "{{ l.finansiering.boligorganisation_kontant|tal if l.finansiering.boligorganisation_kontant else '' }}",
             "{{ l.finansiering.boligorganisation_timer|tal if l.finansiering.boligorganisation_timer else '' }}",
             "{{ l.finansiering.kommune_kontant|tal if l.finansiering.kommune_kontant else '' }}",
             "{{ l.finansiering.kommune_timer|tal if l.finansiering.kommune_timer else '' }}",
             "{{ l.finansiering.anden|tal if l.finansiering.anden else '' }}"]

    widths = [4.6, 3.0, 0, 1.3, 0] + [1.65] * 7

    def row(cells, bold=False):
        r = table.add_row()
        for i, (cell, text) in enumerate(zip(r.cells, cells)):
            set_cell(cell, text, bold=bold, align=WD_ALIGN_PARAGRAPH.RIGHT if i >= 2 and text else None)
        for cell, width in zip(r.cells, widths):
            if width:
                cell.width = Cm(width)
        return r

    for cell, width in zip(table.rows[0].cells, widths):
        if width:
            cell.width = Cm(width)

    row(["{%tr for g in grupper %}"])
    group_row = row(["{{ g.titel }}", "", "{%tc for y in aar %}", "", "{%tc endfor %}"] + [""] * 7, bold=True)
    for cell in group_row.cells:
        shade(cell, "F2F2F2")
    row(["{%tr for l in g.linjer %}"])
    row(["{{ l.udgiftspost }}{% if l.noter %} ({{ l.noter_tekst }}){% endif %}", "{{ l.udgiftstype_tekst }}",
         "{%tc for v in l.udgifter %}", "{{ v|tal if v else '' }}", "{%tc endfor %}", *money])
    row(["{%tr endfor %}"])
    row(["Sum", "", "{%tc for v in g.aar_sum %}", "{{ v|tal }}", "{%tc endfor %}", "{{ g.total|tal }}",
         *[f"{{{{ g.finansiering.{c}|tal }}}}" for c in ("lbf", "boligorganisation_kontant", "boligorganisation_timer",
                                                       "kommune_kontant", "kommune_timer", "anden")]], bold=True)
    row(["{%tr endfor %}"])
    total = row(["Total", "", "{%tc for v in total.aar_sum %}", "{{ v|tal }}", "{%tc endfor %}", "{{ total.udgifter|tal }}",
                 *[f"{{{{ total.finansiering.{c}|tal }}}}" for c in ("lbf", "boligorganisation_kontant",
                                                                   "boligorganisation_timer", "kommune_kontant",
                                                                   "kommune_timer", "anden")]], bold=True)
    for cell in total.cells:
        shade(cell)
    para(doc, "")
    label_table(doc, [
        ("Medfinansiering boligorganisation(er) i alt", ["{{ total.boligorganisation|tal }}"]),
        ("Medfinansiering kommune i alt", ["{{ total.kommune|tal }}"]),
        ("Samlet medfinansiering", ["{{ total.medfinansiering|tal }}"]),
        ("Medfinansiering i procent", ["{{ total.medfinansiering_andel|procent(0) }}"]),
        ("Balance", ["{{ total.balance|tal }}"]),
    ])
    para(doc, "Noter", style="Heading 2")
    para(doc, "{%p for n in noter %}")
    para(doc, "({{ n.nr }}) {{ n.tekst }}")
    para(doc, "{%p endfor %}")
    save(doc, "budget.docx")


if __name__ == "__main__":
    samarbejdsaftale()
    delaftale()
    budget()
    print("skabeloner skrevet i", HERE)
