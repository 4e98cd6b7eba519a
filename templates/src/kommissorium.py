"""The Kommissorium for bestyrelsen template (LBF gives no form: the sections a reader expects)."""
from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH

from word import attachment_front, bullets, grid_table, label_table, loop_rows, new_document, optional_row, para, save


def build() -> None:
    doc = new_document("{{ titel }} – {{ navn }}")
    attachment_front(doc, "{{ titel }}",
                     "Kommissoriet er bilag til den strategiske samarbejdsaftale og uploades på sagen i "
                     "driftsstøttesystemet. Det beskriver bestyrelsens formål, sammensætning, opgaver og "
                     "arbejdsform, herunder hvordan bestyrelsen sekretariatsbetjenes.")

    para(doc, "1. Formål", style="Heading 1")
    para(doc, "{{ formaal|md }}")

    para(doc, "2. Sammensætning", style="Heading 1")
    para(doc, "Bestyrelsen har {{ antal_pladser }} {{ 'plads' if antal_pladser == 1 else 'pladser' }}:")
    table = grid_table(doc, ["Part/organisation", "Funktion", "Rolle", "Antal", "Navn"], [4.4, 4.6, 2.6, 1.4, 3.6])
    loop_rows(table, "for m in medlemmer",
              ["{{ m.part_navn }}", "{{ m.titel }}", "{{ m.rolle or '' }}", "{{ m.antal|tal }}", "{{ m.navn or '' }}"])
    table.rows[2].cells[3].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT

    para(doc, "3. Opgaver", style="Heading 1")
    bullets(doc, "for o in opgaver", "{{ o }}")

    para(doc, "4. Møder", style="Heading 1")
    label_table(doc, [
        ("Mødehyppighed:", ["{{ moeder.hyppighed }}"]),
        *optional_row("Indkaldelse og dagsorden:", "moeder.indkaldelse"),
        *optional_row("Referat:", "moeder.referat"),
    ])

    para(doc, "5. Sekretariatsbetjening", style="Heading 1")
    para(doc, "Bestyrelsen sekretariatsbetjenes af {{ sekretariat.part_navn }}.")
    para(doc, "{{ sekretariat.beskrivelse|md }}")
    para(doc, "Sekretariatets opgaver:", bold=True)
    bullets(doc, "for o in sekretariat.opgaver", "{{ o }}")

    para(doc, "6. Beslutninger", style="Heading 1")
    para(doc, "{{ beslutninger|md }}")
    save(doc, "kommissorium.docx")
