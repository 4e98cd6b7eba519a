"""The Budgetark template."""
from __future__ import annotations

from functools import partial

from word import block, figure_row, grid_table, label_table, new_document, para, save, shade_row

# The financing columns, in the form's order.
SOURCES = ("lbf", "boligorganisation_kontant", "boligorganisation_timer", "kommune_kontant", "kommune_timer", "anden")


def build() -> None:
    doc = new_document("Budgetark – {{ omraadets_navn }}", landscape=True)
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
    widths = [4.6, 3.0, 0, 1.3, 0] + [1.65] * 7
    table = grid_table(doc, header, widths, centered=False)
    row = partial(figure_row, table, widths=widths, right_from=2)
    money = ["{{ l.total|tal }}", *[f"{{{{ l.finansiering.{c}|tal if l.finansiering.{c} else '' }}}}" for c in SOURCES]]

    row(["{%tr for g in grupper %}"])
    group = row(["{{ g.titel }}", "", "{%tc for y in aar %}", "", "{%tc endfor %}"] + [""] * 7, bold=True)
    shade_row(group, "F2F2F2")
    row(["{%tr for l in g.linjer %}"])
    row(["{{ l.udgiftspost }}{% if l.noter %} ({{ l.noter_tekst }}){% endif %}", "{{ l.kolonne_2 }}",
         "{%tc for v in l.udgifter %}", "{{ v|tal if v else '' }}", "{%tc endfor %}", *money])
    row(["{%tr endfor %}"])
    row(["Sum", "", "{%tc for v in g.aar_sum %}", "{{ v|tal }}", "{%tc endfor %}", "{{ g.total|tal }}",
         *[f"{{{{ g.finansiering.{c}|tal }}}}" for c in SOURCES]], bold=True)
    row(["{%tr endfor %}"])
    total = row(["Total", "", "{%tc for v in total.aar_sum %}", "{{ v|tal }}", "{%tc endfor %}", "{{ total.udgifter|tal }}",
                 *[f"{{{{ total.finansiering.{c}|tal }}}}" for c in SOURCES]], bold=True)
    shade_row(total)
    para(doc, "")
    label_table(doc, [
        ("Medfinansiering boligorganisation(er) i alt", ["{{ total.boligorganisation|tal }}"]),
        ("Medfinansiering kommune i alt", ["{{ total.kommune|tal }}"]),
        ("Samlet medfinansiering", ["{{ total.medfinansiering|tal }}"]),
        ("Medfinansiering i procent", ["{{ total.medfinansiering_andel|procent(0) }}"]),
        ("Balance", ["{{ total.balance|tal }}"]),
    ])
    para(doc, "Noter", style="Heading 2")
    with block(doc, "for n in noter"):
        para(doc, "({{ n.nr }}) {{ n.tekst }}")
    save(doc, "budget.docx")
