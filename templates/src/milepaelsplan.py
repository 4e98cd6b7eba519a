"""The Milepælsplan template (an attachment; LBF gives a form on the case, we give the same columns)."""
from __future__ import annotations

from word import grid_table, guidance, label_table, loop_rows, new_document, para, save


def build() -> None:
    doc = new_document()
    para(doc, "Milepælsplan", style="Title")
    guidance(doc, "Milepælsplanen er bilag til den strategiske samarbejdsaftale og uploades på sagen i "
                  "driftsstøttesystemet. Den viser, hvad indsatsen skal have nået hvornår, og hvem der har ansvaret; "
                  "bestyrelsen følger løbende op på den.")
    label_table(doc, [
        ("Navn på den boligsociale indsats:", ["{{ navn }}"]),
        ("Samarbejdsaftalen gælder fra – til:", ["{{ periode_tekst }}"]),
    ])
    para(doc, "{{ tekst|md }}")
    table = grid_table(doc, ["Tidspunkt", "Milepæl", "Indsatsområde/aktivitet", "Ansvarlig"], [2.8, 6.4, 4.2, 3.2])
    row = loop_rows(table, "for m in milepaele",
                    ["{{ m.tidspunkt_tekst }}", "{{ m.milepael }}", "{{ m.tilknytning }}", "{{ m.part_navn }}"])
    row.cells[1].add_paragraph("{{ m.beskrivelse|md }}")
    save(doc, "milepaelsplan.docx")
