"""The Partnerskabsaftale template: front table, purpose, areas, result targets, activities,
volunteer groups, the optional status table (computed status per target) and signatures."""
from __future__ import annotations

from word import grid_table, guidance, label_table, loop_rows, new_document, para, save


def build() -> None:
    doc = new_document()
    para(doc, "Partnerskabsaftale", style="Title")
    label_table(doc, [
        ("Aftalens navn:", ["{{ navn }}"]),
        ("Sagsnr.:", ["{{ sagsnr or '' }}"]),
        ("Aftalens parter:", ["{%p for p in parter %}",
                              "{{ p.navn }}{% if p.forkortelse %} ({{ p.forkortelse }}){% endif %} – {{ p.type_tekst }}",
                              "{%p endfor %}"]),
        ("Aftalen gælder fra – til:", ["{{ periode_tekst }}"]),
        ("Bevilling:", ["{{ bevilling.beloeb_tekst }} for hele perioden, bevilget af {{ bevilling.fra_navn }} "
                        "til {{ bevilling.til_navn }}{% if bevilling.anvendelse %}: {{ bevilling.anvendelse }}{% endif %}"]),
    ])

    para(doc, "Formål", style="Heading 1")
    para(doc, "{{ formaal|md }}")
    para(doc, "{%p if forventede_virkninger %}")
    para(doc, "Forventede virkninger", style="Heading 2")
    para(doc, "{{ forventede_virkninger|md }}")
    para(doc, "{%p endif %}")

    para(doc, "Målområder", style="Heading 1")
    para(doc, "Aftalen dækker {{ boligomraader.antal }} boligområder{% if boligomraader.omraader %}, først og "
              "fremmest:{% else %}.{% endif %}")
    para(doc, "{%p for o in boligomraader.omraader %}")
    para(doc, "{{ o.navn }}{% if o.beskrivelse %} ({{ o.beskrivelse }}){% endif %}", style="List Bullet")
    para(doc, "{%p endfor %}")
    para(doc, "{{ boligomraader.tekst|md }}")

    para(doc, "Resultatmål", style="Heading 1")
    guidance(doc, "Resultatmålene angiver, hvilket antal der skal være nået senest hvornår. Parterne gør årligt "
                  "status over, hvor langt de er nået.")
    table = grid_table(doc, ["Resultatmål", "Målsætning", "Frist"], [8.6, 4.0, 4.0])
    loop_rows(table, "for r in maalraekker", ["{{ r.maal }}", "{{ r.maalsaetning_tekst }}", "{{ r.frist_tekst }}"])

    para(doc, "Aktiviteter", style="Heading 1")
    para(doc, "{%p for a in aktiviteter %}")
    para(doc, "{{ a.navn }}", style="Heading 2")
    para(doc, "{{ a.beskrivelse|md }}")
    para(doc, "{%p if a.samarbejdspartnere %}")
    para(doc, "Samarbejdspartnere:", bold=True)
    para(doc, "{%p for s in a.samarbejdspartnere %}")
    para(doc, "{{ s.navn }}", style="List Bullet")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")
    para(doc, "{%p endfor %}")

    para(doc, "{%p if grupper %}")
    para(doc, "Frivilliggrupper", style="Heading 1")
    table = grid_table(doc, ["Gruppe", "Sted", "Samarbejdspartner", "Åbent", "Status"], [3.6, 3.4, 3.8, 3.2, 2.6])
    loop_rows(table, "for g in grupper",
              ["{{ g.navn }}", "{{ g.sted }}{% if g.boligomraade_navn %} ({{ g.boligomraade_navn }}){% endif %}",
               "{{ g.samarbejdspartner or '' }}", "{{ g.aabent_tekst }}",
               "{{ g.status_tekst }}{% if g.fra_tekst %}, fra {{ g.fra_tekst }}{% endif %}"])
    para(doc, "{%p endif %}")

    para(doc, "{%p if status %}")
    para(doc, "Status pr. {{ status.dato_tekst }}", style="Heading 1")
    guidance(doc, "Status beregnes for hver målsætning: nået, når det opnåede tal er mindst målsætningen; ikke nået, "
                  "når det er mindre; ingen data, når der ikke er opgjort et tal.")
    para(doc, "{{ status.vurdering|md }}")
    para(doc, "Målsætninger: {{ status.opsummering }}.", bold=True)
    table = grid_table(doc, ["Resultatmål", "Målsætning", "Opnået", "Kilde og note", "Status"],
                       [3.6, 3.2, 3.2, 4.4, 2.2])
    row = loop_rows(table, "for r in status.raekker",
                    ["{{ r.maal }}", "{{ r.maalsaetning_tekst }}",
                     "{{ r.opnaaet_tekst }}{% if r.andel_tekst %} ({{ r.andel_tekst }}){% endif %}"
                     "{% if r.opgjort_tekst %}, {{ r.opgjort_tekst }}{% endif %}",
                     "{{ r.kilde }}", "{{ r.status }}"])
    row.cells[3].add_paragraph("{{ r.note }}")
    para(doc, "{%p endif %}")

    para(doc, "Underskrifter", style="Heading 1")
    para(doc, "{%p for p in parter %}")
    para(doc, "{{ p.navn }}", bold=True)
    para(doc, "Dato: ____________  Navn: {% if p.underskriver %}{{ p.underskriver.navn }}{% if p.underskriver.titel %}, "
              "{{ p.underskriver.titel }}{% endif %}{% else %}______________________{% endif %}")
    para(doc, "{%p endfor %}")
    save(doc, "partnerskabsaftale.docx")
