"""The Beredskabsplan template: an overview table, then one schema per situation."""
from __future__ import annotations

from word import grid_table, guidance, label_table, loop_rows, new_document, para, save


def build() -> None:
    doc = new_document()
    para(doc, "Beredskabsplan", style="Title")
    guidance(doc, "Beredskabsplanen er bilag til den strategiske samarbejdsaftale og uploades på sagen i "
                  "driftsstøttesystemet. Den beskriver, hvad parterne gør i akutte eller svære situationer, hvem der "
                  "har ansvaret, og hvem der orienteres og kontaktes.")
    label_table(doc, [
        ("Navn på den boligsociale indsats:", ["{{ navn }}"]),
        ("Samarbejdsaftalen gælder fra – til:", ["{{ periode_tekst }}"]),
    ])
    para(doc, "{%p if tekst %}")
    para(doc, "Formål og principper", style="Heading 1")
    para(doc, "{{ tekst|md }}")
    para(doc, "{%p endif %}")

    para(doc, "Oversigt", style="Heading 1")
    table = grid_table(doc, ["Situation eller risiko", "Ansvarlig"], [11.4, 5.2])
    loop_rows(table, "for s in situationer", ["{{ s.situation }}", "{{ s.part_navn }}"])

    para(doc, "Situationer", style="Heading 1")
    para(doc, "{%p for s in situationer %}")
    para(doc, "{{ s.situation }}", style="Heading 2")
    label_table(doc, [
        ("{%tr if s.beskrivelse %}", []),
        ("Kendetegn:", ["{{ s.beskrivelse|md }}"]),
        ("{%tr endif %}", []),
        ("Handling:", ["{{ s.handling|md }}"]),
        ("Ansvarlig:", ["{{ s.part_navn }}"]),
        ("{%tr if s.eskalering %}", []),
        ("Eskalering:", ["{{ s.eskalering|md }}"]),
        ("{%tr endif %}", []),
        ("{%tr if s.kontakt %}", []),
        ("Kontakt:", ["{{ s.kontakt }}"]),
        ("{%tr endif %}", []),
    ])
    para(doc, "")
    para(doc, "{%p endfor %}")

    para(doc, "{%p if opfoelgning %}")
    para(doc, "Opfølgning på planen", style="Heading 1")
    para(doc, "{{ opfoelgning|md }}")
    para(doc, "{%p endif %}")
    save(doc, "beredskabsplan.docx")
