"""The Puljeudmøntning template: the recommendation, the pools (amounts, target group, expected
volume, computed unit price), the economy table per year, and the decisions taken."""
from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from word import label_table, new_document, para, repeat_header, save, set_cell, shade

RIGHT = WD_ALIGN_PARAGRAPH.RIGHT


def _economy_table(doc) -> None:
    """Post | one column per year ({%tc %}) | I alt, with the pools, the common costs and the totals."""
    widths = [8.6, 0, 2.2, 0, 2.6]
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"

    def row(cells, bold=False, header=False):
        r = table.rows[0] if header else table.add_row()
        for i, (cell, text) in enumerate(zip(r.cells, cells)):
            set_cell(cell, text, bold=bold or header, align=RIGHT if i >= 1 and text and not header else None)
            if header:
                shade(cell)
        for cell, width in zip(r.cells, widths):
            if width:
                cell.width = Cm(width)
        return r

    repeat_header(row(["1.000 kr.{% if prisniveau %} ({{ prisniveau }}){% endif %}", "{%tc for y in aar %}", "{{ y }}",
                       "{%tc endfor %}", "I alt"], header=True))
    for loop in ("puljer", "faelles_udgifter"):
        row([f"{{%tr for p in {loop} %}}"])
        row(["{{ p.navn }}", "{%tc for v in p.beloeb_liste %}", "{{ v|tal }}",
             "{%tc endfor %}", "{{ p.i_alt|tal }}"])
        row(["{%tr endfor %}"])
    total = row(["I alt", "{%tc for v in aar_sum %}", "{{ v|tal }}", "{%tc endfor %}", "{{ i_alt|tal }}"], bold=True)
    for cell in total.cells:
        shade(cell)


def build() -> None:
    doc = new_document()
    para(doc, "{{ navn }}", style="Title")
    label_table(doc, [
        ("Sagsnr.:", ["{{ sagsnr or '' }}"]),
        ("Dato:", ["{{ dato|dato if dato else '' }}"]),
        ("Puljerne gælder:", ["{{ periode_tekst }}"]),
    ])

    para(doc, "Indstilling", style="Heading 1")
    para(doc, "{{ indstillende_tekst }} indstiller over for {{ behandling_tekst }}:")
    para(doc, "{%p for p in indstilling %}")
    para(doc, "{{ p.nr }}. {{ p.tekst }}")
    para(doc, "{%p endfor %}")

    para(doc, "{%p if problemstilling %}")
    para(doc, "Problemstilling", style="Heading 1")
    para(doc, "{{ problemstilling|md }}")
    para(doc, "{%p endif %}")

    para(doc, "{%p if ansoegere %}")
    para(doc, "Hvem kan søge puljerne?", style="Heading 1")
    para(doc, "{{ ansoegere.beskrivelse|md }}")
    para(doc, "{%p if ansoegere.krav %}")
    para(doc, "Krav til ansøgerne:", bold=True)
    para(doc, "{%p for k in ansoegere.krav %}")
    para(doc, "{{ k.tekst }}", style="List Bullet")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")
    para(doc, "{%p endif %}")

    para(doc, "Puljerne", style="Heading 1")
    para(doc, "{%p for p in puljer %}")
    para(doc, "{{ p.navn }}", style="Heading 2")
    label_table(doc, [
        ("Beløb (1.000 kr.):", ["{% for y in aar %}{{ y }}: {{ p.beloeb_liste[loop.index0]|tal }}"
                                "{% if not loop.last %}, {% endif %}{% endfor %} ({{ p.pr_aar_tekst }})"]),
        ("Målgruppe:", ["{% if p.alder_tekst %}Alder: {{ p.alder_tekst }}{% endif %}", "{{ p.maalgruppe.beskrivelse|md }}"]),
        ("Visitation:", ["{{ p.visitation or '' }}"]),
        ("Forventet omfang:", ["{{ p.forventet_tekst }}"]),
        ("Enhedspris:", ["{{ p.enhedspris_tekst }}"]),
        ("Kriterier for de frivillige:", ["{%p for k in p.frivillige_kriterier %}", "• {{ k.tekst }}", "{%p endfor %}"]),
    ])
    para(doc, "")
    para(doc, "{%p endfor %}")
    para(doc, "{%p if krav_til_frivillige %}")
    para(doc, "Krav til alle frivillige", style="Heading 2")
    para(doc, "{{ krav_til_frivillige|md }}")
    para(doc, "{%p endif %}")

    para(doc, "{%p if effekter %}")
    para(doc, "Ønsket effekt", style="Heading 1")
    para(doc, "Indsatsen skal skabe varige forbedringer for børnene og de unge på disse områder:")
    para(doc, "{%p for e in effekter %}")
    para(doc, "{{ e.tekst }}", style="List Bullet")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")

    para(doc, "Økonomi", style="Heading 1")
    para(doc, "Der udmøntes {{ pr_aar_tekst }}, i alt {{ i_alt_mio_tekst }} i perioden."
              "{% if bevilling_pr_aar is not none %} Den afsatte bevilling er {{ bevilling_pr_aar|tal }} (1.000 kr.) "
              "om året.{% endif %}")
    _economy_table(doc)
    para(doc, "")
    para(doc, "Forventet omfang i alt: {{ forventet_i_alt_tekst }}, svarende til en enhedspris på {{ enhedspris_tekst }} "
              "(udmøntningen pr. år delt med det forventede antal).")

    para(doc, "{%p if videre_proces %}")
    para(doc, "Videre proces", style="Heading 1")
    para(doc, "{{ videre_proces|md }}")
    para(doc, "{%p endif %}")

    para(doc, "{%p if beslutninger %}")
    para(doc, "Politisk behandling", style="Heading 1")
    para(doc, "{%p for d in beslutninger %}")
    para(doc, "{{ d.organ_navn }}, møde den {{ d.dato_tekst }}", style="Heading 3")
    para(doc, "{{ d.beslutning_tekst }}")
    para(doc, "{%p for b in d.protokolbemaerkninger %}")
    para(doc, "{{ b.afgivet_af }} afgav denne protokolbemærkning: »{{ b.tekst }}«")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")

    para(doc, "{%p if bilag %}")
    para(doc, "Bilag", style="Heading 1")
    para(doc, "{%p for b in bilag %}")
    para(doc, "{{ b.tekst }}", style="List Bullet")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")
    save(doc, "puljeudmoentning.docx")
