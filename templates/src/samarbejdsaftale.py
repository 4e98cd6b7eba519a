"""The Strategisk samarbejdsaftale template."""
from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH

from word import (PARTY_NAME, SIGNATURE_LINE, Bold, Bullet, add_row, block, bullets, grid_table, guidance, label_table,
                  lead, loop_rows, merged_cell, new_document, optional_section, para, save, set_cell)

# What the form's "Aftalens parter" may say of a party besides its name, each line left out when
# empty; shared with the 2015-18 form's template.
CONTACT = ("Kontaktperson: {{ k.navn }}{% if k.titel %}, {{ k.titel }}{% endif %}{% if k.email %}, {{ k.email }}{% endif %}"
           "{% if k.telefon %}, tlf. {{ k.telefon }}{% endif %}")
PARTY_DETAILS = ["{%p if p.att %}", "Att.: {{ p.att }}", "{%p endif %}",
                 "{%p if p.adresse_tekst %}", "{{ p.adresse_tekst }}", "{%p endif %}",  # a line break per line
                 "{%p for k in p.kontaktpersoner %}", CONTACT, "{%p endfor %}",
                 "{%p if p.beskrivelse %}", "{{ p.beskrivelse|md }}", "{%p endif %}"]


def organ_block(doc, organ: str) -> None:
    """An organ of section 3: its name, description and tasks."""
    para(doc, f"{{{{ {organ}.navn }}}}", style="Heading 3")
    para(doc, f"{{{{ {organ}.beskrivelse|md }}}}")
    # Its own lead, so the tasks are a list of their own, not a continuation of the
    # description's list of participants.
    with block(doc, f"if {organ}.opgaver"):
        lead(doc, "Opgaver:")
        bullets(doc, f"for t in {organ}.opgaver", "{{ t }}")


def organisation_order(doc) -> None:
    """Section 3 in the order of `organisering.afsnit`: texts (with a heading), organs and zones."""
    with block(doc, "for s in organisering.afsnit"):
        with block(doc, "if s.art == 'tekst'"):
            with block(doc, "if s.overskrift"):
                para(doc, "{{ s.overskrift }}", style="Heading 2")
            para(doc, "{{ s.tekst|md }}")
        with block(doc, "if s.organet"):
            organ_block(doc, "s.organet")
        with block(doc, "if s.zonen"):
            para(doc, "{{ s.zonen.navn }}", style="Heading 3")
            para(doc, "{{ s.zonen.omfang_tekst }}: {{ s.zonen.afdelinger_tekst }}.")
            para(doc, "{{ s.zonen.beskrivelse|md }}")


def build() -> None:
    doc = new_document("Strategisk samarbejdsaftale – {{ omraadets_navn }}")
    para(doc, "Strategisk samarbejdsaftale om boligsocial indsats", style="Title")
    label_table(doc, [
        ("Områdets navn:", ["{{ omraadets_navn }}"]),
        ("Aftalens parter:", ["{%p for p in parter %}",
                              PARTY_NAME, *PARTY_DETAILS, "{%p endfor %}"]),
        ("Samarbejdsaftalen gælder fra – til:", ["{{ periode_tekst }}"]),
        ("Underskrifter:", ["{%p for p in parter %}", Bold("{{ p.navn }}"), SIGNATURE_LINE, "{%p endfor %}"]),
        ("Aftaledokumenter:", [
            "Samarbejdsaftalen bygger på det gældende regulativ om tilskud til boligsocial indsats og "
            "Landsbyggefondens vejledning. Aftalen forpligter kommune og boligorganisationer til samarbejde og "
            "opfølgning på målene; ændringer skal godkendes af Landsbyggefonden.",
            "Til aftalen hører, og uploades på sagen i driftsstøttesystemet:",
            "{%p for d in delaftaler %}", Bullet("{{ d }}"), "{%p endfor %}",
            Bullet("Et budget"), Bullet("En beredskabsplan"), Bullet("En milepælsplan"),
            "Desuden et kommissorium for bestyrelsen og et indberetningsskema."]),
    ])

    para(doc, "1. Kort om boligområdet", style="Heading 1")
    para(doc, "{{ kort_om_boligomraadet.tekst|md }}")
    # Counts as the author wrote them ("ca. 2.300", "ikke oplyst"), totals that say what they lack.
    para(doc, "Boligafdelinger i den boligsociale indsats ({{ kort_om_boligomraadet.omfang_tekst }}):")
    table = grid_table(doc, ["Nr.", "Afdeling", "Boligorganisation", "Lejemål"], [1.6, 7, 5, 2.4])
    loop_rows(table, "for a in kort_om_boligomraadet.afdelinger",
              ["{{ a.nummer or '' }}", "{{ a.navn }}", "{{ a.boligorganisation_navn }}", "{{ a.lejemaal_tekst }}"],
              align_right_from=3)
    total = add_row(table).cells
    set_cell(total[1], "I alt", bold=True)
    set_cell(total[3], "{{ kort_om_boligomraadet.lejemaal_i_alt_tekst }}", bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)

    para(doc, "2. Vision for boligområdet", style="Heading 1")
    para(doc, "{{ vision.tekst|md }}")
    para(doc, "Primære målgrupper:", bold=True)
    with block(doc, "for m in vision.maalgrupper"):
        with block(doc, "if m.overskrift"):  # a group may have only its description
            para(doc, "{{ m.overskrift }}", bold=True)
        para(doc, "{{ m.beskrivelse|md }}")

    para(doc, "3. Organisering", style="Heading 1")
    guidance(doc, "Parterne etablerer en projektorganisation med en ansvarlig bestyrelse, der sikrer koordinering og "
                  "styring på tværs af boligorganisationer, afdelinger og kommune. Beskrivelsen suppleres af et "
                  "organisationsdiagram og et kommissorium for bestyrelsen.")
    para(doc, "{{ organisering.tekst|md }}")
    optional_section(doc, "organisationsdiagram", "Organisationsdiagram", "{{ organisationsdiagram|billede }}", level=2)
    # With organisering.afsnit the author decides the order of texts, organs and zones; without
    # it, organs and then zones, as the form has them.
    para(doc, "{%p if organisering.afsnit %}")
    organisation_order(doc)
    para(doc, "{%p else %}")
    with block(doc, "for o in organisering.organer"):
        organ_block(doc, "o")
    para(doc, "Zoner", style="Heading 2")
    table = grid_table(doc, ["Zone", "Afdelinger", "Lejemål"], [4, 10, 2.4])
    loop_rows(table, "for z in organisering.zoner", ["{{ z.navn }}", "{{ z.afdelinger_tekst }}", "{{ z.lejemaal_tekst }}"],
              align_right_from=2)
    with block(doc, "for z in organisering.zoner"):
        para(doc, "{% if z.beskrivelse %}{{ z.navn }}{% endif %}", bold=True)
        para(doc, "{{ z.beskrivelse|md }}")
    para(doc, "{%p endif %}")
    para(doc, "Medarbejdere", style="Heading 2")
    table = grid_table(doc, ["Stilling", "Tidsfordeling"], [6, 10.4])
    loop_rows(table, "for m in organisering.medarbejdere", ["{{ m.titel }}", "{{ m.fordeling_tekst }}"])

    para(doc, "4. Samspil med centrale tiltag og indsatser i boligområdet", style="Heading 1")
    para(doc, "{{ samspil.tekst|md }}")
    with block(doc, "for t in samspil.tiltag"):
        para(doc, "{{ t.navn }}", style="Heading 3")
        para(doc, "{{ t.tekst|md }}")

    para(doc, "5. Overordnede mål og indikatorer for den boligsociale indsats", style="Heading 1")
    guidance(doc, "Landsbyggefonden har fastsat faste overordnede mål og indikatorer for alle indsatser, der støttes af "
                  "2019-26-midlerne. Udviklingen i boligområdet følges op mod udviklingen i kommunen, og bestyrelsen "
                  "følger løbende op på målene.")
    para(doc, "{%p if maal_og_indikatorer_note %}")
    para(doc, "{{ maal_og_indikatorer_note|md }}")
    para(doc, "{%p endif %}")
    table = grid_table(doc, ["Mål", "Indikator", "Baseline boligområde", "Baseline kommune (evt. andet)",
                             "Baseline år", "Datakilde"], [3.4, 4.2, 2.4, 2.4, 1.6, 2.6])
    row = loop_rows(table, "for r in indikatorraekker",
              ["{{ r.maal }}", "{{ r.indikator }}", "{{ r.baseline_boligomraade }}", "{{ r.baseline_kommune }}",
               "{{ r.baseline_aar }}", "{{ r.datakilde }}"])
    merged_cell(row.cells[0], "r", "maal")

    para(doc, "6. Indsatsområder", style="Heading 1")
    guidance(doc, "For hvert valgt indsatsområde beskrives problemkomplekset: de centrale udfordringer, indsatsen skal "
                  "adressere, konkret og underbygget af data. Delmål, aktiviteter og rollefordeling fastlægges i en "
                  "delaftale for hvert indsatsområde.")
    with block(doc, "for a in indsatsomraader"):
        para(doc, "{{ a.navn }}", style="Heading 2")
        lead(doc, "Problemkompleks for indsatsområdet")
        para(doc, "{{ a.problemkompleks|md }}")

    para(doc, "7. Lokal evaluering", style="Heading 1")
    para(doc, "{{ lokal_evaluering|md }}")

    para(doc, "8. Revision af samarbejdsaftalen", style="Heading 1")
    para(doc, "Revision af den strategiske samarbejdsaftale kræver godkendelse i Landsbyggefonden.")
    save(doc, "samarbejdsaftale.docx")
