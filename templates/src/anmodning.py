"""The Anmodning om godkendelse af ændringer template: the letter to LBF that `build.py diff -o` writes.

Filled from diff_report.approval_request_model(): the changes that need LBF's approval, each
with the rule that requires it and every value before and after, then the budget's effect.
"""
from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH

from word import block, grid_table, guidance, label_table, loop_rows, new_document, para, save


def build() -> None:
    doc = new_document("Anmodning om godkendelse af ændringer – {{ omraadets_navn }}")
    para(doc, "Anmodning om godkendelse af ændringer", style="Title")
    label_table(doc, [
        ("Til:", ["Landsbyggefonden"]),
        ("Områdets navn:", ["{{ omraadets_navn }}"]),
        ("Bevilling:", ["{{ pulje_navn }}{% if jnr %}, jnr. {{ jnr }}{% endif %}"]),
        ("Samarbejdsaftalen gælder fra – til:", ["{{ periode_tekst }}"]),
        ("Gældende version:", ["{{ foer }}"]),
        ("Ændret version:", ["{{ efter }}{% if dato %}, {{ dato }}{% endif %}"]),
    ])
    para(doc, "")
    para(doc, "Parterne bag den strategiske samarbejdsaftale anmoder hermed Landsbyggefonden om at godkende de "
              "ændringer, der er listet nedenfor. For hver ændring vises det hidtidige og det nye indhold.")

    with block(doc, "for p in punkter"):
        para(doc, "{{ loop.index }}. {{ p.emne }}", style="Heading 1")
        guidance(doc, "{{ p.regel }} ({{ p.kilde }})")
        with block(doc, "if p.aendringer"):
            guidance(doc, "Kun de sætninger, en ændring rører, vises; de ændrede ord står med fed.")
            table = grid_table(doc, ["Ændring", "Før", "Efter", "Forskel"], [4.6, 5.0, 5.0, 2.0])
            loop_rows(table, "for c in p.aendringer", ["{{ c.hvad }}", "{{ c.foer|md }}", "{{ c.efter|md }}",
                                                       "{{ c.forskel }}"])
        with block(doc, "if p.medarbejdere"):
            para(doc, "Medarbejderressourcer flyttet mellem indsatsområder (hele 1.000 kr.)", bold=True)
            table = grid_table(doc, ["Medarbejder", "Indsatsområde", "Andel før", "Andel efter", "Løn før", "Løn efter",
                                     "Forskel"], [3.4, 3.6, 1.8, 1.8, 2.0, 2.0, 2.0])
            loop_rows(table, "for m in p.medarbejdere", ["{{ m.titel }}", "{{ m.omraade }}", "{{ m.foer }}",
                                                         "{{ m.efter }}", "{{ m.loen_foer }}", "{{ m.loen_efter }}",
                                                         "{{ m.forskel }}"], align_right_from=2)
        with block(doc, "if p.aktiviteter"):
            para(doc, "Aktiviteter fjernet eller tilføjet og pengene bundet til dem (hele 1.000 kr.)", bold=True)
            guidance(doc, "Budgetlinjerne, der nævner aktiviteten, og medarbejdernes løn gange den andel, de har i "
                          "aktiviteten.")
            table = grid_table(doc, ["Aktivitet", "Fjernet/tilføjet", "Budgetlinjer", "Medarbejdertid", "I alt"],
                               [3.6, 2.4, 4.4, 4.4, 1.8])
            loop_rows(table, "for a in p.aktiviteter", ["{{ a.navn }}", "{{ a.status }}", "{{ a.linjer }}",
                                                        "{{ a.medarbejdere }}", "{{ a.i_alt }}"], align_right_from=4)

    with block(doc, "if budget.linjer"):
        para(doc, "Budgettets virkning (hele 1.000 kr.)", style="Heading 1")
        table = grid_table(doc, ["Udgiftspost", "Gruppe", "Før", "Efter", "Forskel", "Pr. år og finansiering"],
                           [3.6, 3.0, 1.6, 1.6, 1.6, 5.2])
        loop_rows(table, "for l in budget.linjer", ["{{ l.post }}", "{{ l.gruppe }}", "{{ l.foer }}", "{{ l.efter }}",
                                                    "{{ l.forskel }}", "{{ l.detaljer }}"], align_right_from=2)
        para(doc, "")
        table = grid_table(doc, ["I alt", "Før", "Efter", "Forskel"], [9.6, 2.3, 2.3, 2.4])
        loop_rows(table, "for s in budget.summer", ["{{ s.hvad }}", "{{ s.foer }}", "{{ s.efter }}", "{{ s.forskel }}"],
                  align_right_from=1)

    para(doc, "Underskrifter", style="Heading 1")
    with block(doc, "for p in parter"):
        para(doc, "{{ p.navn }}", bold=True)
        para(doc, "Dato: ____________  Underskrift: ______________________________").alignment = WD_ALIGN_PARAGRAPH.LEFT
    save(doc, "anmodning.docx")
