"""The Delaftale template."""
from __future__ import annotations

from word import (
    Bold,
    Bullet,
    Merged,
    block,
    grid_table,
    guidance,
    label_table,
    loop_rows,
    merged_cell,
    new_document,
    optional_row,
    para,
    save,
)


def build() -> None:
    doc = new_document("{{ titel }} – {{ navn }}")
    para(doc, "{{ titel }}", style="Title")
    guidance(doc, "Bestyrelsen for den boligsociale indsats sikrer, at delaftalen altid understøtter de overordnede mål i "
                  "den strategiske samarbejdsaftale og afspejler de aktiviteter og samarbejder, der gennemføres. "
                  "Delaftalen er bilag til den strategiske aftale; problemkomplekset er beskrevet dér.")
    label_table(doc, [
        ("Navn på den boligsociale indsats, som delaftalen vedrører:", ["{{ navn }}"]),
        ("Delaftalen gælder fra – til:", ["{{ periode_tekst }}"]),
        ("Delaftalens parter:", ["{%p for p in parter %}",
                                 "{{ p.visningsnavn }}{% if p.kontakt_tekst %} v. {{ p.kontakt_tekst }}{% endif %}",
                                 "{%p for e in p.enheder %}",
                                 Bullet("{{ e.navn }}{% for c in e.kontaktpersoner %}{{ ' v. ' if loop.first else '; ' }}"
                                        "{{ c.navn }}{% if c.titel %}, {{ c.titel }}{% endif %}"
                                        "{% if c.email %}, {{ c.email }}{% endif %}"
                                        "{% if c.telefon %}, tlf. {{ c.telefon }}{% endif %}{% endfor %}"),
                                 "{%p if e.tekst %}", "{{ e.tekst|md }}", "{%p endif %}",
                                 "{%p endfor %}",
                                 "{%p if p.beskrivelse %}", "{{ p.beskrivelse|md }}", "{%p endif %}",
                                 "{%p endfor %}"]),
        *optional_row("Formål med delaftalen:", "formaal"),
    ])
    para(doc, "Delmål og indikatorer for indsatsområdet", style="Heading 1")
    guidance(doc, "Delmål er skridt på vejen mod de overordnede mål og beskriver de konkrete succeser, aktiviteterne skal "
                  "skabe. Indikatorerne gør det muligt at følge op årligt; parterne og bestyrelsen følger løbende op.")
    table = grid_table(doc, ["Delmål", "Indikator", "Baseline boligområde/ målgruppe", "Evt. anden baseline",
                             "Baseline år", "Datakilde"], [3.2, 4.2, 2.4, 2.4, 1.8, 2.6])
    row = loop_rows(table, "for r in delmaalsraekker",
              ["{{ r.delmaal }}", "{{ r.indikator|fodnote(r.fodnote) }}", "{{ r.baseline }}", "{{ r.anden_baseline }}",
               "{{ r.baseline_aar }}", "{{ r.datakilde }}"])
    merged_cell(row.cells[0], "r", "delmaal", note="delmaal_fodnote")
    label_table(doc, [
        ("Aktiviteter, som skal bidrage til indfrielsen af delmålene:",
         ["{%p if aktiviteter_indledning %}", "{{ aktiviteter_indledning|md }}", "{%p endif %}",
          "{%p for a in aktiviteter %}", Bullet("{{ a.navn }}"), "{%p endfor %}"]),
        ("Medarbejderressourcer for indsatsområdet:",
         ["{%p if medarbejderressourcer_tekst %}", "{{ medarbejderressourcer_tekst|md }}", "{%p endif %}",
          "{%p for m in medarbejderressourcer %}", "{{ m.titel }}: {{ m.fordeling_tekst }}", "{%p endfor %}"]),
        ("Sammenhæng med den kommunale indsats i boligområdet:", ["{{ sammenhaeng_kommunal|md }}"]),
        ("Revision af delaftalen:", [
            "Reviderede delaftaler sendes ikke til Landsbyggefonden, men fonden kan til enhver tid rekvirere dem.",
            "{{ revision|md }}"]),
    ])
    para(doc, "Aktiviteter (ét skema pr. aktivitet)", style="Heading 1")
    with block(doc, "for a in aktiviteter"):
        label_table(doc, [
            ("Aktivitetsnavn:", ["{{ a.navn }}"]),
            ("Formål:", ["{{ a.formaal|md }}"]),
            ("Målgruppe(r):", ["{{ a.maalgrupper|md }}"]),
            ("Indhold og praksis:", ["{{ a.indhold|md }}"]),
            ("{%tr for r in a.ansvar %}", []),
            (Merged("Ansvars- og rollefordeling:"), [Bold("{{ r.part_navn }}:"), "{%p for o in r.opgaver %}",
                                                     Bullet("{{ o }}"), "{%p endfor %}"]),
            ("{%tr endfor %}", []),
        ])
        para(doc, "")
    save(doc, "delaftale.docx")
