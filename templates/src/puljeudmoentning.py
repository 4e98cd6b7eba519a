"""The Puljeudmøntning template: the recommendation, the pools (amounts, target group, expected
volume, computed unit price), the economy table per year, and the decisions taken."""
from __future__ import annotations

from functools import partial

from word import (Bullet, block, bullets, figure_row, grid_table, label_table, new_document, optional_section, para, save,
                  shade_row)


def _economy_table(doc) -> None:
    """Post | one column per year ({%tc %}) | I alt, with the pools, the common costs and the totals."""
    widths = [8.6, 0, 2.2, 0, 2.6]
    table = grid_table(doc, ["1.000 kr.{% if prisniveau %} ({{ prisniveau }}){% endif %}", "{%tc for y in aar %}",
                             "{{ y }}", "{%tc endfor %}", "I alt"], widths, centered=False)
    row = partial(figure_row, table, widths=widths, right_from=1)
    for loop in ("puljer", "faelles_udgifter"):
        row([f"{{%tr for p in {loop} %}}"])
        row(["{{ p.navn }}", "{%tc for v in p.beloeb_liste %}", "{{ v|tal }}",
             "{%tc endfor %}", "{{ p.i_alt|tal }}"])
        row(["{%tr endfor %}"])
    shade_row(row(["I alt", "{%tc for v in aar_sum %}", "{{ v|tal }}", "{%tc endfor %}", "{{ i_alt|tal }}"], bold=True))


def build() -> None:
    doc = new_document("{{ navn }}")
    para(doc, "{{ navn }}", style="Title")
    label_table(doc, [
        ("Sagsnr.:", ["{{ sagsnr or '' }}"]),
        ("Dato:", ["{{ dato|dato if dato else '' }}"]),
        ("Puljerne gælder:", ["{{ periode_tekst }}"]),
    ])

    para(doc, "Indstilling", style="Heading 1")
    para(doc, "{{ indstillende_tekst }} indstiller over for {{ behandling_tekst }}:")
    with block(doc, "for p in indstilling"):
        para(doc, "{{ p.nr }}. {{ p.tekst }}")

    optional_section(doc, "problemstilling", "Problemstilling")

    with block(doc, "if ansoegere"):
        para(doc, "Hvem kan søge puljerne?", style="Heading 1")
        para(doc, "{{ ansoegere.beskrivelse|md }}")
        with block(doc, "if ansoegere.krav"):
            para(doc, "Krav til ansøgerne:", bold=True)
            bullets(doc, "for k in ansoegere.krav", "{{ k.tekst }}")

    para(doc, "Puljerne", style="Heading 1")
    with block(doc, "for p in puljer"):
        para(doc, "{{ p.navn }}", style="Heading 2")
        label_table(doc, [
            ("Beløb (1.000 kr.):", ["{% for y in aar %}{{ y }}: {{ p.beloeb_liste[loop.index0]|tal }}"
                                    "{% if not loop.last %}, {% endif %}{% endfor %} ({{ p.pr_aar_tekst }})"]),
            ("Målgruppe:", ["{% if p.alder_tekst %}Alder: {{ p.alder_tekst }}{% endif %}",
                            "{{ p.maalgruppe.beskrivelse|md }}"]),
            ("Visitation:", ["{{ p.visitation or '' }}"]),
            ("Forventet omfang:", ["{{ p.forventet_tekst }}"]),
            ("Enhedspris:", ["{{ p.enhedspris_tekst }}"]),
            ("Kriterier for de frivillige:", ["{%p for k in p.frivillige_kriterier %}", Bullet("{{ k.tekst }}"),
                                              "{%p endfor %}"]),
        ])
        para(doc, "")
    optional_section(doc, "krav_til_frivillige", "Krav til alle frivillige", level=2)

    with block(doc, "if effekter"):
        para(doc, "Ønsket effekt", style="Heading 1")
        para(doc, "Indsatsen skal skabe varige forbedringer for børnene og de unge på disse områder:")
        bullets(doc, "for e in effekter", "{{ e.tekst }}")

    para(doc, "Økonomi", style="Heading 1")
    para(doc, "Der udmøntes {{ pr_aar_tekst }}, i alt {{ i_alt_mio_tekst }} i perioden."
              "{% if bevilling_pr_aar is not none %} Den afsatte bevilling er {{ bevilling_pr_aar|tal }} (1.000 kr.) "
              "om året.{% endif %}")
    _economy_table(doc)
    para(doc, "")
    para(doc, "Forventet omfang i alt: {{ forventet_i_alt_tekst }}, svarende til en enhedspris på {{ enhedspris_tekst }} "
              "(udmøntningen pr. år delt med det forventede antal).")

    optional_section(doc, "videre_proces", "Videre proces")

    with block(doc, "if beslutninger"):
        para(doc, "Politisk behandling", style="Heading 1")
        with block(doc, "for d in beslutninger"):
            para(doc, "{{ d.organ_navn }}, møde den {{ d.dato_tekst }}", style="Heading 3")
            para(doc, "{{ d.beslutning_tekst }}")
            with block(doc, "for b in d.protokolbemaerkninger"):
                para(doc, "{{ b.afgivet_af }} afgav denne protokolbemærkning: »{{ b.tekst }}«")

    with block(doc, "if bilag"):
        para(doc, "Bilag", style="Heading 1")
        bullets(doc, "for b in bilag", "{{ b.tekst }}")
    save(doc, "puljeudmoentning.docx")
