"""The Budgetark template: LBF's budget sheet, landscape.

The form's grouped header (three rows): *Projektperiode – udgifter* over the years,
*Finansiering* over LBF and the co-financing, each co-financier split into *Kontant* and
*Timer, lokaler*. A group's text rows (an explanation, a heading) span the whole table. Under the groups, *Fordeling af medfinansiering i alt* gives the split and the
Total row each co-financier's sum; the sheet ends with the notes and the expense types 0–9.
"""
from __future__ import annotations

from functools import partial

from docx.enum.text import WD_ALIGN_PARAGRAPH

from word import (add_row, block, figure_row, grid_table, guidance, keep_table_together, keep_with_next_row,
                  label_table, new_document, para,
                  repeat_header, save, set_cell, set_widths, shade_row)

# The financing columns, in the form's order.
SOURCES = ("lbf", "boligorganisation_kontant", "boligorganisation_timer", "kommune_kontant", "kommune_timer", "anden")
# Udgiftspost, Udgiftstype, the year loop ({%tc for %}, a year, {%tc endfor %}), Samlede udgifter, the six sources.
WIDTHS = [4.9, 3.4, 0, 1.25, 0, 1.75] + [1.75] * 6
N = len(WIDTHS)


def _header(doc):
    """Three header rows, repeated on every page; cells merged as on the form."""
    table = grid_table(doc, [""] * N, WIDTHS, centered=False)
    r1 = table.rows[0]
    r2, r3 = add_row(table), add_row(table)
    for row in (r2, r3):
        repeat_header(row)
        shade_row(row)
        set_widths(row, WIDTHS)
    texts = {
        (0, 0): "Udgiftspost", (0, 1): "Udgiftstype", (0, 3): "{% hm %}Projektperiode – udgifter",
        (0, 5): "Samlede udgifter", (0, 6): "Finansiering",
        (1, 3): "{{ y }}", (1, 6): "LBF", (1, 7): "Medfinansiering boligorganisation(er)",
        (1, 9): "Medfinansiering kommune", (1, 11): "Evt. anden lokal medfinans.",
        (2, 7): "Kontant", (2, 8): "Timer, lokaler", (2, 9): "Kontant", (2, 10): "Timer, lokaler",
    }
    rows = (r1, r2, r3)
    for row in rows:  # the year loop's tag cells, in every row
        set_cell(row.cells[2], "{%tc for y in aar %}")
        set_cell(row.cells[4], "{%tc endfor %}")
    for (r, c), text in texts.items():
        set_cell(rows[r].cells[c], text, bold=True)
    for r in (1, 2):  # clear the text python-docx's grid_table put in rows it did not head
        for c in range(N):
            if (r, c) not in texts and c not in (2, 4):
                set_cell(rows[r].cells[c], "")
    merges = [((0, 0), (2, 0)), ((0, 1), (2, 1)), ((0, 5), (2, 5)), ((0, 6), (0, 11)),
              ((1, 3), (2, 3)), ((1, 6), (2, 6)), ((1, 7), (1, 8)), ((1, 9), (1, 10)), ((1, 11), (2, 11))]
    for (r_a, c_a), (r_b, c_b) in merges:
        keep = rows[r_a].cells[c_a].text
        merged = table.cell(r_a, c_a).merge(table.cell(r_b, c_b))
        set_cell(merged, keep, bold=True)
    return table


def _text_row(table) -> None:
    """A text row: one cell over every column, however many years the loop lays out (docxtpl's
    colspan, from the model), with the line's Markdown."""
    row = add_row(table)
    merged = row.cells[0].merge(row.cells[N - 1])
    set_cell(merged, "{{ l.tekst|md }}{% colspan antal_kolonner %}")


def build() -> None:
    doc = new_document("Budgetark – {{ omraadets_navn }}", landscape=True)
    para(doc, "Budgetark for boligsocial indsats inden for {{ pulje_navn }} (hele 1.000 kr.)", style="Heading 1")
    label_table(doc, [
        ("Start boligsocial indsats", ["{{ start_tekst }}"]),
        ("Slut boligsocial indsats", ["{{ slut_tekst }}"]),
        ("Boligområde/områdenavn", ["{{ omraadets_navn }}"]),
        ("Jnr.", ["{{ jnr }}"]),
    ], widths=(5.5, 9))
    para(doc, "")
    table = _header(doc)
    row = partial(figure_row, table, widths=WIDTHS, right_from=2)
    money = ["{{ l.total|tal }}", *[f"{{{{ l.finansiering.{c}|tal if l.finansiering.{c} else '' }}}}" for c in SOURCES]]

    row(["{%tr for g in grupper %}"])
    group = row(["{{ g.titel }}", "", "{%tc for y in aar %}", "", "{%tc endfor %}"] + [""] * 7, bold=True)
    shade_row(group, "F2F2F2")
    keep_with_next_row(group)  # an area's heading row stays with its first line
    row(["{%tr for l in g.linjer %}"])
    row(["{%tr if l.tekstlinje %}"])
    _text_row(table)
    row(["{%tr else %}"])
    row(["{{ l.udgiftspost }}{% if l.noter %} ({{ l.noter_tekst }}){% endif %}", "{{ l.kolonne_2 }}",
         "{%tc for v in l.udgifter %}", "{{ v|tal if v else '' }}", "{%tc endfor %}", *money])
    row(["{%tr endif %}"])
    row(["{%tr endfor %}"])
    row(["Sum", "", "{%tc for v in g.aar_sum %}", "{{ v|tal }}", "{%tc endfor %}", "{{ g.total|tal }}",
         *[f"{{{{ g.finansiering.{c}|tal }}}}" for c in SOURCES]], bold=True)
    row(["{%tr endfor %}"])
    split = row(["Fordeling af medfinansiering i alt", "", "{%tc for y in aar %}", "", "{%tc endfor %}", "", "",
                 *[f"{{{{ total.finansiering.{c}|tal }}}}" for c in SOURCES[1:5]], ""], bold=True)
    keep_with_next_row(split)
    total = row(["Total", "", "{%tc for v in total.aar_sum %}", "{{ v|tal }}", "{%tc endfor %}",
                 "{{ total.udgifter|tal }}", "{{ total.finansiering.lbf|tal }}", "{{ total.boligorganisation|tal }}", "",
                 "{{ total.kommune|tal }}", "", "{{ total.finansiering.anden|tal }}"], bold=True)
    for first, second in ((7, 8), (9, 10)):  # each co-financier's sum across its two columns, as on the form
        keep = total.cells[first].text
        merged = total.cells[first].merge(total.cells[second])
        set_cell(merged, keep, bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    shade_row(total)
    para(doc, "")
    summary = label_table(doc, [
        ("Medfinansiering boligorganisation(er) i alt", ["{{ total.boligorganisation|tal }}"]),
        ("Medfinansiering kommune i alt", ["{{ total.kommune|tal }}"]),
        ("Samlet medfinansiering", ["{{ total.medfinansiering|tal }}"]),
        ("Medfinansiering i procent", ["{{ total.medfinansiering_andel|procent(0) }}"]),
        ("Balance", ["{{ total.balance|tal }}"]),
    ], widths=(7, 3))
    keep_table_together(summary)
    para(doc, "Noter", style="Heading 2")
    with block(doc, "for n in noter"):
        # A note with paragraphs, a list or formatting is Markdown, its mark first; one typed as plain
        # text is printed as it is.
        para(doc, "{%p if n.markdown %}")
        para(doc, "{{ n.tekst_md|md }}")
        para(doc, "{%p else %}")
        para(doc, "({{ n.nr }}) {{ n.tekst_enkel }}")
        para(doc, "{%p endif %}")
    para(doc, "Udgiftstyper", style="Heading 2")
    guidance(doc, "Udgiftstypen angives for hver udgiftspost under Tværgående administrationsudgifter.")
    legend = grid_table(doc, ["Udgiftstype", "Beskrivelse"], [6.5, 17])
    cells = add_row(legend).cells
    set_cell(cells[0], "{%tr for t in udgiftstyper %}")
    cells = add_row(legend).cells
    set_cell(cells[0], "{{ t.tekst }}")
    set_cell(cells[1], "{{ t.beskrivelse }}")
    set_cell(add_row(legend).cells[0], "{%tr endfor %}")
    save(doc, "budget.docx")
