"""The status note template: the year's follow-up on every indicator, with a chart each."""
from __future__ import annotations

from word import block, bullets, grid_table, guidance, loop_rows, new_document, para, save

COLUMNS = ["Indikator", "Baseline", "Seneste", "Kommunen", "Mål", "Ændring", "Status"]
WIDTHS = [3.4, 2.2, 2.2, 2.5, 2.1, 2.1, 1.9]
CELLS = ["{{ r.indikator }}", "{{ r.baseline_tekst }}", "{{ r.seneste_tekst }}", "{{ r.kommune_tekst }}",
         "{{ r.maal_tekst }}", "{{ r.aendring_tekst }}", "{{ r.status }}"]


def indicator_group(doc, heading_style: str) -> None:
    """One goal or delmål (`g`): its table, then each indicator's status, reason and chart."""
    para(doc, "{{ g.overskrift }}", style=heading_style)
    table = grid_table(doc, COLUMNS, WIDTHS)
    loop_rows(table, "for r in g.indikatorer", CELLS)  # an indicator's row stays on one page
    with block(doc, "for r in g.indikatorer"):
        # The name and the reason stay with the chart below them.
        para(doc, "{{ r.indikator }}", bold=True).paragraph_format.keep_with_next = True
        para(doc, "Status: {{ r.status }}. {{ r.begrundelse }} Datakilde: {{ r.datakilde or 'ikke angivet' }}."
             ).paragraph_format.keep_with_next = True
        with block(doc, "if r.figur"):
            para(doc, "{{ r.figur|billede }}")


def build() -> None:
    doc = new_document("{{ titel }} – {{ navn }}")
    para(doc, "{{ titel }}", style="Title")
    para(doc, "{{ navn }}", bold=True)
    para(doc, "Aftaleperiode: {{ periode_tekst }}. Målinger til og med {{ aar }}.")
    with block(doc, "if eksempeldata"):
        para(doc, "Tallene i dette notat er eksempeldata, ikke faktiske målinger.", bold=True)

    para(doc, "Sammenfatning", style="Heading 1")
    para(doc, "{{ opsummering }}")
    bullets(doc, "for t in opsummering_dele", "{{ t }}")
    with block(doc, "if ikke_paa_sporet"):
        para(doc, "Ikke på sporet:", bold=True)
        bullets(doc, "for t in ikke_paa_sporet", "{{ t }}")
    guidance(doc, "Status beregnes ud fra tallene, den skrives ikke. En indikator er på sporet, når målet er nået, "
                  "eller når den seneste måling er mindst så god som en jævn udvikling fra baseline til målet ved "
                  "fristen. Uden målværdi tæller kun retningen: bedre end baseline er på sporet. Måles indikatoren "
                  "for flere delområder, skal de alle være på sporet. Uden målinger er status 'ingen data', uden "
                  "mål og retning 'ingen mål'. Ændring er den seneste måling minus baseline.")

    para(doc, "Overordnede mål og indikatorer", style="Heading 1")
    with block(doc, "for g in overordnede"):
        indicator_group(doc, "Heading 2")

    with block(doc, "if delaftaler"):
        para(doc, "Delmål og indikatorer", style="Heading 1")
    with block(doc, "for d in delaftaler"):
        para(doc, "{{ d.navn }}", style="Heading 2")
        with block(doc, "for g in d.delmaal"):
            indicator_group(doc, "Heading 3")
    save(doc, "status.docx")
