"""Which pages the site has: a set's documents in reading order, its landing page, one page per
document (each from its kind's template or the generic one), and the set's line on the index page.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ...resources import packaged
from ...slugs import unique_slugs
from .public import _public_model

if TYPE_CHECKING:  # only for annotations: the package imports this module
    from . import SiteDocument

TEMPLATES = packaged("templates") / "site"
KIND_ORDER = ("samarbejdsaftale", "delaftale", "budget")
SITE_TITLE = "Boligsociale aftaler"
DOWNLOADS = "filer"  # the set's folder on the site holding its documents' Word, workbook and PDF files


@dataclass(frozen=True)
class _Doc:
    source: SiteDocument
    slug: str
    model: dict


@dataclass(frozen=True)
class _Set:
    slug: str
    title: str
    docs: tuple[_Doc, ...]

    def one(self, kind: str) -> _Doc | None:
        return next((d for d in self.docs if d.source.kind == kind), None)

    def of_kind(self, kind: str) -> list[_Doc]:
        return [d for d in self.docs if d.source.kind == kind]


@dataclass(frozen=True)
class _Page:
    path: str  # without extension: "amager/budget"
    title: str
    template: str
    context: dict
    site_set: _Set | None = None
    doc: _Doc | None = None


def _group_set(documents: list[SiteDocument], slug: str, public: bool) -> _Set:
    """One set's documents in reading order; page slugs unique so every page has its own file."""
    ordered = sorted(documents, key=_reading_order(documents))
    slugs = unique_slugs([d.stem for d in ordered], reserved={"index"})
    docs = tuple(_Doc(d, slugs[d.stem], _public_model(d.kind, d.model) if public else d.model) for d in ordered)
    agreement = next((d.model for d in ordered if d.kind == "samarbejdsaftale"), {})
    # A municipal set has no strategic agreement: its first document names it, not its folder.
    first = ordered[0].model if ordered else {}
    title = agreement.get("omraadets_navn") or first.get("navn") or first.get("titel")
    return _Set(slug, title or (documents[0].set_name if documents else slug), docs)


def _reading_order(docs: list[SiteDocument]):
    """Strategic agreement, delaftaler in the agreement's area order, budget, then the rest."""
    agreement = next((d.model for d in docs if d.kind == "samarbejdsaftale"), {})
    areas = [a.get("omraade") for a in agreement.get("indsatsomraader") or []]

    def key(doc: SiteDocument):
        rank = KIND_ORDER.index(doc.kind) if doc.kind in KIND_ORDER else len(KIND_ORDER)
        area = doc.model.get("indsatsomraade")
        return rank, areas.index(area) if area in areas else len(areas), doc.stem

    return key


def _set_pages(site_set: _Set, public: bool, templates: tuple[Path, ...] = (TEMPLATES,)) -> list[_Page]:
    links = _links(site_set)
    pages = [_Page(f"{site_set.slug}/index", site_set.title, "saet.md.j2",
                   _landing_context(site_set, links, public), site_set)]
    for doc in site_set.docs:
        # A kind's page template is found by convention, like its Word template.
        # A funding round with a form of its own names its page too (the model's `skabelon`).
        candidates = [f"{name}.md.j2" for name in (doc.model.get("skabelon"), doc.source.kind) if name]
        template = next((own for own in candidates if any((folder / own).is_file() for folder in templates)),
                        "dokument.md.j2")
        context = {"m": doc.model, "title": doc.source.title, "links": links, "public": public}
        pages.append(_Page(f"{site_set.slug}/{doc.slug}", doc.source.title, template, context, site_set, doc))
    return pages


def _links(site_set: _Set) -> dict:
    """Relative Markdown links between a set's pages (rewritten to .html for the HTML pages)."""
    def href(kind):
        doc = site_set.one(kind)
        return f"{doc.slug}.md" if doc else None

    return {
        "up": "../index.md", "index": "index.md",
        "samarbejdsaftale": href("samarbejdsaftale"), "budget": href("budget"),
        "delaftaler": {d.model.get("indsatsomraade"): f"{d.slug}.md" for d in site_set.of_kind("delaftale")},
        "docs": [{"title": d.source.title, "href": f"{d.slug}.md", "kind": d.source.kind} for d in site_set.docs],
    }


def _landing_context(site_set: _Set, links: dict, public: bool) -> dict:
    agreement, budget = site_set.one("samarbejdsaftale"), site_set.one("budget")
    return {
        "title": site_set.title, "links": links, "public": public,
        "sa": agreement.model if agreement else None,
        "budget": budget.model if budget else None,
        "delaftaler": [{"title": d.source.title, "href": f"{d.slug}.md", "m": d.model}
                       for d in site_set.of_kind("delaftale")],
    }


def _set_summary(site_set: _Set) -> dict:
    agreement, budget = site_set.one("samarbejdsaftale"), site_set.one("budget")
    periods = [d.model.get("periode_tekst") for d in ([agreement] if agreement else []) + list(site_set.docs)]
    return {
        "id": site_set.slug, "title": site_set.title, "href": f"{site_set.slug}/index.md",
        "periode": next((p for p in periods if p), None),
        "omraader": [a.get("navn") for a in agreement.model.get("indsatsomraader") or []] if agreement else [],
        "udgifter": budget.model["total"]["udgifter"] if budget else None,
        "dokumenter": _kinds_text(site_set),
    }


def _kinds_text(site_set: _Set) -> str:
    """'Strategisk samarbejdsaftale, 4 delaftaler, budget …': what the set holds, in reading order."""
    counts: dict[str, int] = {}
    for doc in site_set.docs:
        title = doc.source.kind_title or doc.source.title
        counts[title] = counts.get(title, 0) + 1
    return ", ".join(f"{title} ({n})" if n > 1 else title for title, n in counts.items())
