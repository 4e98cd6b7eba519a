"""The Milepælsplan template (an attachment; LBF gives a form on the case, we give the same columns)."""
from __future__ import annotations

from word import attachment_front, grid_table, loop_rows, new_document, para, save


def build() -> None:
    doc = new_document("Milepælsplan – {{ navn }}")
    attachment_front(doc, "Milepælsplan",
                     "Milepælsplanen er bilag til den strategiske samarbejdsaftale og uploades på sagen i "
                     "driftsstøttesystemet. Den viser, hvad indsatsen skal have nået hvornår, og hvem der har "
                     "ansvaret; bestyrelsen følger løbende op på den.")
    para(doc, "{{ tekst|md }}")
    table = grid_table(doc, ["Tidspunkt", "Milepæl", "Indsatsområde/aktivitet", "Ansvarlig"], [2.8, 6.4, 4.2, 3.2])
    row = loop_rows(table, "for m in milepaele",
                    ["{{ m.tidspunkt_tekst }}", "{{ m.milepael }}", "{{ m.tilknytning }}", "{{ m.part_navn }}"])
    row.cells[1].add_paragraph("{{ m.beskrivelse|md }}")
    save(doc, "milepaelsplan.docx")
