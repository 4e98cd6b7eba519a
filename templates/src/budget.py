"""The Budgetark template."""
from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from word import label_table, new_document, para, repeat_header, save, set_cell, shade


def build() -> None:
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
    row(["{{ l.udgiftspost }}{% if l.noter %} ({{ l.noter_tekst }}){% endif %}", "{{ l.kolonne_2 }}",
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
