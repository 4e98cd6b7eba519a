"""The Partnerskabsaftale template: front table, purpose, areas, result targets, activities,
volunteer groups, the optional status table (computed status per target) and signatures."""
from __future__ import annotations

from word import (PARTY_NAME, SIGNATURE_LINE, block, bullets, grid_table, guidance, label_table, loop_rows, new_document,
                  optional_section, para, save)


def _status(doc) -> None:
    """The status table: each target's computed status, with the reasoning and the figures behind it."""
    para(doc, "Status pr. {{ status.dato_tekst }}", style="Heading 1")
    guidance(doc, "Status beregnes for hver målsætning: nået, når det opnåede tal er mindst målsætningen; i gang, "
                  "når det er mindre, og fristen ikke er nået på statusdatoen; ikke nået, når fristen er overskredet; "
                  "ingen data, når der ikke er opgjort et tal.")
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


def build() -> None:
    doc = new_document("Partnerskabsaftale – {{ navn }}")
    para(doc, "Partnerskabsaftale", style="Title")
    label_table(doc, [
        ("Aftalens navn:", ["{{ navn }}"]),
        ("Sagsnr.:", ["{{ sagsnr or '' }}"]),
        ("Aftalens parter:", ["{%p for p in parter %}",
                              PARTY_NAME + " – {{ p.type_tekst }}",
                              "{%p endfor %}"]),
        ("Aftalen gælder fra – til:", ["{{ periode_tekst }}"]),
        ("Bevilling:", ["{{ bevilling.beloeb_tekst }} for hele perioden, bevilget af {{ bevilling.fra_navn }} "
                        "til {{ bevilling.til_navn }}{% if bevilling.anvendelse %}: {{ bevilling.anvendelse }}{% endif %}"]),
    ])

    para(doc, "Formål", style="Heading 1")
    para(doc, "{{ formaal|md }}")
    optional_section(doc, "forventede_virkninger", "Forventede virkninger", level=2)

    para(doc, "Målområder", style="Heading 1")
    para(doc, "Aftalen dækker {{ boligomraader.antal }} boligområder{% if boligomraader.omraader %}, først og "
              "fremmest:{% else %}.{% endif %}")
    bullets(doc, "for o in boligomraader.omraader", "{{ o.navn }}{% if o.beskrivelse %} ({{ o.beskrivelse }}){% endif %}")
    para(doc, "{{ boligomraader.tekst|md }}")

    para(doc, "Resultatmål", style="Heading 1")
    guidance(doc, "Resultatmålene angiver, hvilket antal der skal være nået senest hvornår. Parterne gør årligt "
                  "status over, hvor langt de er nået.")
    table = grid_table(doc, ["Resultatmål", "Målsætning", "Frist"], [8.6, 4.0, 4.0])
    loop_rows(table, "for r in maalraekker", ["{{ r.maal }}", "{{ r.maalsaetning_tekst }}", "{{ r.frist_tekst }}"])

    para(doc, "Aktiviteter", style="Heading 1")
    with block(doc, "for a in aktiviteter"):
        para(doc, "{{ a.navn }}", style="Heading 2")
        para(doc, "{{ a.beskrivelse|md }}")
        with block(doc, "if a.samarbejdspartnere"):
            para(doc, "Samarbejdspartnere:", bold=True)
            bullets(doc, "for s in a.samarbejdspartnere", "{{ s.navn }}")

    with block(doc, "if grupper"):
        para(doc, "Frivilliggrupper", style="Heading 1")
        table = grid_table(doc, ["Gruppe", "Sted", "Samarbejdspartner", "Åbent", "Status"], [3.6, 3.4, 3.8, 3.2, 2.6])
        loop_rows(table, "for g in grupper",
                  ["{{ g.navn }}", "{{ g.sted }}{% if g.boligomraade_navn %} ({{ g.boligomraade_navn }}){% endif %}",
                   "{{ g.samarbejdspartner or '' }}", "{{ g.aabent_tekst }}",
                   "{{ g.status_tekst }}{% if g.fra_tekst %}, fra {{ g.fra_tekst }}{% endif %}"])

    with block(doc, "if status"):
        _status(doc)

    para(doc, "Underskrifter", style="Heading 1")
    with block(doc, "for p in parter"):
        para(doc, "{{ p.navn }}", bold=True)
        para(doc, SIGNATURE_LINE)
    save(doc, "partnerskabsaftale.docx")
