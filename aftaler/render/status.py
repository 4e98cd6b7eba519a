"""The status note rendered: a Word file with a chart per indicator, and a page of the site.

The status itself (each indicator against baseline, target and municipality) is computed in
model/status.py; this module only lays it out.
"""
from __future__ import annotations

from ..build.freshness import source_revision, sources_hash
from ..model.documents import complete_set, set_context
from ..model.status import all_rows, status_model


def render_status_docx(aset, project, year: int | None) -> bytes:
    """The status note as finished .docx bytes: templates/status.docx with a chart per indicator."""
    from . import docx_package
    from .figures import charts
    from .word import render_docx

    aset = complete_set(aset, project)
    model = status_model(aset, set_context(aset, project), year)
    colours = charts.palette(all_rows(model))  # a sub-area has one colour in every chart of the note
    for row in all_rows(model):
        row["figur"] = charts.chart_picture(row, colours=colours)
    template = project.template("status")
    revision = source_revision(aset.folder)
    source = aset.one("maalinger")
    return docx_package.finalize(
        render_docx(template, model),
        title=model["titel"], subject=model["navn"], author="aftaler", created=revision["date"],
        custom={
            "aftaler.kilde": f"{aset.name}/{source.path.name if source else ''}",
            "aftaler.kilderevision": revision["commit"],
            "aftaler.kildehash": sources_hash(aset, template),
            "aftaler.skabelon": template.name,
            "aftaler.statusaar": str(model["aar"]),
        },
    )


def status_site_document(aset, project, year: int | None = None):
    """The status note as a page of the site (with its charts as SVG files), or None when the set
    has no strategic agreement or no measurements to report on."""
    from .figures.charts import chart_svg, palette
    from .site import SiteDocument
    if aset.one("samarbejdsaftale") is None or aset.one("maalinger") is None:
        return None
    aset = complete_set(aset, project)
    model = status_model(aset, set_context(aset, project), year)
    files = {}
    colours = palette(all_rows(model))
    for row in all_rows(model):
        svg = chart_svg(row, colours)
        row["graf"] = f"grafer/status-{row['id']}.svg" if svg else None
        if svg:
            files[row["graf"]] = svg.encode("utf-8")
    return SiteDocument(aset.name, "status", "status", model["titel"], model, tuple(sorted(files.items())))
