"""The Strategisk samarbejdsaftale in the layout of the 2015-18 funds' form.

It differs from the 2019-26 form (samarbejdsaftale.py) in its order and sections: it opens with
the purpose (1. Formål), organisation comes second, the chosen areas are section 5, and there is
no vision and no table of fixed goals and indicators. Section titles, the fixed guidance and the
list of agreement documents are not written here: they come from the round's catalogue
(`formular.samarbejdsaftale` and `aftaledokumenter` in catalogue/lbf-2015-18.yaml), so a
corrected title is a data change. A catalogue names this template with
`formular.samarbejdsaftale.skabelon: samarbejdsaftale_2015_18`.
"""
from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH

from samarbejdsaftale import PARTY_DETAILS, organ_block, organisation_order
from word import (SIGNATURE_LINE, block, bullets, grid_table, guidance, label_table, loop_rows, new_document, para, save,
                  set_cell)

TITLE = "formular.afsnit.{}"
HELP = "{{% if formular.vejledning.{0} %}}{{{{ formular.vejledning.{0} }}}}{{% endif %}}"


def heading(doc, section: str) -> None:
    para(doc, "{{ " + TITLE.format(section) + " }}", style="Heading 1")


def build() -> None:
    doc = new_document("Strategisk samarbejdsaftale – {{ omraadets_navn }}")
    para(doc, "Strategisk samarbejdsaftale om boligsocial indsats", style="Title")
    label_table(doc, [
        ("Områdets navn:", ["{{ omraadets_navn }}"]),
        ("Aftalens parter:", ["{%p for p in parter %}",
                              "{{ p.navn }}{% if p.forkortelse %} ({{ p.forkortelse }}){% endif %}", *PARTY_DETAILS,
                              "{%p endfor %}"]),
        ("Samarbejdsaftalen gælder fra – til:", ["{{ periode_tekst }}"]),
        ("Støttes af:", ["{{ pulje_navn }}"]),
        ("Underskrifter:", ["{%p for p in parter %}", "{{ p.navn }}", SIGNATURE_LINE, "{%p endfor %}"]),
    ])

    para(doc, "Aftaledokumenter", style="Heading 1")
    guidance(doc, HELP.format("aftaledokumenter"))
    para(doc, "Følgende dokumenter skal vedlægges denne strategiske samarbejdsaftale:")
    bullets(doc, "for d in aftaledokumenter", "{{ d }}")

    heading(doc, "formaal")
    guidance(doc, HELP.format("formaal"))
    para(doc, "{{ formaal|md }}")

    heading(doc, "organisering")
    guidance(doc, HELP.format("organisering"))
    para(doc, "{{ organisering.tekst|md }}")
    with block(doc, "if organisationsdiagram"):  # on a page of its own: the diagram fills one
        para(doc, "Organisationsdiagram", style="Heading 2").paragraph_format.page_break_before = True
        para(doc, "{{ organisationsdiagram|billede }}")
    # With organisering.afsnit the author decides the order of texts, organs and zones (the only
    # way zones reach this form's Word file: its own layout has no place for them).
    para(doc, "{%p if organisering.afsnit %}")
    organisation_order(doc)
    para(doc, "{%p else %}")
    with block(doc, "for o in organisering.organer"):
        para(doc, "{{ o.navn }}", style="Heading 3")
        para(doc, "{{ o.beskrivelse|md }}")
        bullets(doc, "for t in o.opgaver", "{{ t }}")
    para(doc, "{%p endif %}")
    with block(doc, "if organisering.medarbejdere"):
        para(doc, "Medarbejdere", style="Heading 2")
    table = grid_table(doc, ["Stilling", "Tidsfordeling"], [6, 10.4])
    loop_rows(table, "for m in organisering.medarbejdere", ["{{ m.titel }}", "{{ m.fordeling_tekst }}"])

    heading(doc, "kort_om_boligomraadet")
    para(doc, "{{ kort_om_boligomraadet.tekst|md }}")
    para(doc, "Boligafdelinger i den boligsociale indsats ({{ kort_om_boligomraadet.omfang_tekst }}):")
    table = grid_table(doc, ["Nr.", "Afdeling", "Boligorganisation", "Lejemål"], [1.6, 7, 5, 2.4])
    loop_rows(table, "for a in kort_om_boligomraadet.afdelinger",
              ["{{ a.nummer or '' }}", "{{ a.navn }}", "{{ a.boligorganisation_navn }}", "{{ a.lejemaal_tekst }}"], align_right_from=3)
    total = table.add_row().cells
    set_cell(total[1], "I alt", bold=True)
    set_cell(total[3], "{{ kort_om_boligomraadet.lejemaal_i_alt_tekst }}", bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)

    heading(doc, "samspil")
    para(doc, "{{ samspil.tekst|md }}")
    with block(doc, "for t in samspil.tiltag"):
        para(doc, "{{ t.navn }}", style="Heading 3")
        para(doc, "{{ t.tekst|md }}")

    heading(doc, "indsatsomraader")
    guidance(doc, HELP.format("indsatsomraader"))
    with block(doc, "for a in indsatsomraader"):
        para(doc, "{{ a.navn }}", style="Heading 2")
        para(doc, "Problemkompleks for indsatsområdet", bold=True)
        para(doc, "{{ a.problemkompleks|md }}")

    heading(doc, "lokal_evaluering")
    para(doc, "{{ lokal_evaluering|md }}")

    heading(doc, "revision")
    para(doc, HELP.format("revision"))
    save(doc, "samarbejdsaftale_2015_18.docx")
