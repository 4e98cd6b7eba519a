"""The Beredskabsplan template: an overview table, then one schema per situation."""
from __future__ import annotations

from word import (attachment_front, block, grid_table, label_table, loop_rows, new_document, optional_row,
                  optional_section, para, save)


def build() -> None:
    doc = new_document("Beredskabsplan – {{ navn }}")
    attachment_front(doc, "Beredskabsplan",
                     "Beredskabsplanen er bilag til den strategiske samarbejdsaftale og uploades på sagen i "
                     "driftsstøttesystemet. Den beskriver, hvad parterne gør i akutte eller svære situationer, hvem "
                     "der har ansvaret, og hvem der orienteres og kontaktes.")
    optional_section(doc, "tekst", "Formål og principper")

    para(doc, "Oversigt", style="Heading 1")
    table = grid_table(doc, ["Situation eller risiko", "Ansvarlig"], [11.4, 5.2])
    loop_rows(table, "for s in situationer", ["{{ s.situation }}", "{{ s.part_navn }}"])

    para(doc, "Situationer", style="Heading 1")
    with block(doc, "for s in situationer"):
        para(doc, "{{ s.situation }}", style="Heading 2")
        label_table(doc, [
            *optional_row("Kendetegn:", "s.beskrivelse"),
            ("Handling:", ["{{ s.handling|md }}"]),
            ("Ansvarlig:", ["{{ s.part_navn }}"]),
            *optional_row("Eskalering:", "s.eskalering"),
            *optional_row("Kontakt:", "s.kontakt", md=False),
        ])
        para(doc, "")

    optional_section(doc, "opfoelgning", "Opfølgning på planen")
    save(doc, "beredskabsplan.docx")
