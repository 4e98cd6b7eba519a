"""The Finansieringsmodel (indstilling) template: the committee paper's sections and its one-year
budget with computed sums, the rounded total and the financing (the rest computed)."""
from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH

from word import (add_row, block, bullets, grid_table, keep_with_next_row, label_table, loop_rows, new_document,
                  optional_section, para, save, set_cell, shade_row)

RIGHT = WD_ALIGN_PARAGRAPH.RIGHT


def build() -> None:
    doc = new_document("{{ navn }}")
    label_table(doc, [
        ("Til:", ["{{ til }}"]),
        ("Dato:", ["{{ dato|dato }}"]),
        ("Sagsnr.:", ["{{ sagsnr or '' }}"]),
        ("Dokumentnr.:", ["{{ dokumentnr or '' }}"]),
        ("Forvaltning:", ["{{ forvaltning }}"]),
    ])
    para(doc, "{{ betegnelse or '' }}", bold=True)
    para(doc, "{{ navn }}", style="Title")

    for title, field in (("Indstilling", "indstilling"), ("Formål", "formaal"), ("Baggrund", "baggrund"),
                         ("Målgruppe", "maalgruppe")):
        para(doc, title, style="Heading 1")
        para(doc, f"{{{{ {field}|md }}}}")
    optional_section(doc, "udfordringer", "Udfordringer")
    optional_section(doc, "organisering", "Organisering")

    para(doc, "{{ koordinator.titel }}", style="Heading 1")
    para(doc, "Koordinatoren ansættes i en {{ koordinator.stilling_tekst }} hos {{ koordinator.ansat_hos }}"
              "{% if koordinator.placering %} og placeres i {{ koordinator.placering }}{% endif %}.")
    para(doc, "{{ koordinator.tekst|md }}")
    para(doc, "Koordinatoren varetager:", bold=True)
    bullets(doc, "for a in koordinator.aktiviteter", "{{ a.tekst }}")

    para(doc, "Succeskriterier", style="Heading 1")
    para(doc, "Senest {{ succeskriterier.frist|dato }} skal følgende være opfyldt:")
    bullets(doc, "for k in succeskriterier.kriterier", "{{ k.kriterie_tekst }}")

    para(doc, "Økonomi", style="Heading 1")
    para(doc, "{{ oekonomi|md }}")
    para(doc, "Budget for {{ budget.aar }}", style="Heading 2")
    table = grid_table(doc, ["1.000 kr.{% if budget.prisniveau %} – {{ budget.prisniveau }}{% endif %}",
                             "{{ budget.aar }}"], [13.1, 3.5])
    table.rows[0].cells[1].paragraphs[0].alignment = RIGHT
    set_cell(add_row(table).cells[0], "{%tr for g in budget.grupper %}")
    group = add_row(table)
    set_cell(group.cells[0], "{{ g.navn }}:", bold=True)
    keep_with_next_row(group)  # a group's heading row stays with its first line
    set_cell(add_row(table).cells[0], "{%tr for l in g.linjer %}")
    line = add_row(table)
    set_cell(line.cells[0], "{{ l.tekst }}")
    set_cell(line.cells[1], "{{ l.beloeb|tal }}", align=RIGHT)
    set_cell(add_row(table).cells[0], "{%tr endfor %}")
    sums = add_row(table)
    set_cell(sums.cells[0], "{{ g.navn }} i alt", bold=True)
    set_cell(sums.cells[1], "{{ g.i_alt|tal }}", bold=True, align=RIGHT)
    set_cell(add_row(table).cells[0], "{%tr endfor %}")
    total = add_row(table)
    set_cell(total.cells[0], "Budget i alt", bold=True)
    set_cell(total.cells[1], "{{ budget.i_alt|tal }}", bold=True, align=RIGHT)
    shade_row(total)
    para(doc, "")
    para(doc, "Budgettet er på i alt {{ budget.i_alt_kr|tal }} kr., afrundet {{ budget.i_alt_mio_tekst }}")

    para(doc, "Finansiering", style="Heading 2")
    table = grid_table(doc, ["Kilde", "1.000 kr.", "Mio. kr.", "Note"], [6.6, 2.2, 2.4, 5.4])
    row = loop_rows(table, "for f in budget.finansiering",
                    ["{{ f.kilde }}{% if f.resten %} (dækker resten){% endif %}", "{{ f.beloeb|tal }}",
                     "{{ f.mio_tekst }}", "{{ f.note or '' }}"], align_right_from=1)
    row.cells[3].paragraphs[0].alignment = None  # the note is text, not a figure
    total = add_row(table)
    set_cell(total.cells[0], "I alt", bold=True)
    set_cell(total.cells[1], "{{ budget.finansiering_i_alt|tal }}", bold=True, align=RIGHT)
    set_cell(total.cells[2], "{{ budget.i_alt_mio_tekst }}", bold=True, align=RIGHT)

    optional_section(doc, "oekonomi_efter", "Økonomi efter {{ budget.aar }}", level=2)
    with block(doc, "if bilag"):
        para(doc, "Bilag", style="Heading 1")
        bullets(doc, "for b in bilag", "{{ b.tekst }}")
    save(doc, "finansieringsmodel.docx")
