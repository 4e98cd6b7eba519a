"""The static site: every agreement as Markdown and as HTML, searchable, readable offline.

`render_site` writes each document's model (the same data the Word templates get) as a Markdown
page through the templates in `templates/site/`, renders that Markdown to HTML with markdown-it-py
into our Jinja layout, and ships a search index as a script file, so that everything works from
`file://`. Pure: it returns bytes by relative path and writes nothing.

Author text is Markdown and never trusted as HTML: raw HTML is parsed as text ("js-default"),
plain values are escaped before they enter the Markdown, and only http, https, mailto and
relative links become links.

The modules, each with one job:

- __init__.py  the entry points (render_site, render_set_site, assemble_site, site_documents)
               and the documents they take
- pages.py     a set's documents in reading order, its pages and their templates, its summary
- public.py    the public site's models: people's names, e-mails and phones left out
- markdown.py  the Jinja environment for the Markdown pages: escaping, author Markdown, anchors, links
- generic.py   the Markdown of a kind without its own page template: everything in its model
- html.py      markdown-it with our rules (anchors, footnotes, safe links, images, tables),
               the page layout and its table of contents
- blocks.py    markdown-it's table, normalize and block rules' first checks: the same tokens for less work
- renderer.py  markdown-it's HTML renderer, the same HTML for less work
- search.py    the offline search index: entries from the pages' tokens, shipped as a script
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markdown_it.token import Token
from markupsafe import Markup

from ...slugs import set_slugs
from .html import _html_env, _layout, _markdown, _toc
from .markdown import _breadcrumb_md, _close_fences, _markdown_env, escape_md
from .pages import DOWNLOADS, SITE_TITLE, TEMPLATES, _group_set, _Page, _set_pages, _set_summary
from .search import _search_entries, search_json, search_piece, search_script, search_spans

ASSETS = ("site.css", "search.js")
SEARCH_INDEX = "assets/search-index.js"


@dataclass(frozen=True)
class SiteDocument:
    """One document of a set, as the site shows it."""

    set_name: str  # the set's folder name ("amager")
    kind: str  # "samarbejdsaftale", "delaftale", "budget", …
    stem: str  # source file stem ("delaftale-beskaeftigelse"): the page's file name
    title: str  # shown in navigation and as the page heading
    model: dict  # the kind module's model()
    files: tuple = ()  # (name, bytes) the page shows, relative to the set's folder: charts, diagrams
    kind_title: str = ""  # the kind's own name ("Budgetark"), for the index's list of documents
    downloads: tuple = ()  # (label, file name) of the document's own files (Word, workbook, PDF)


@dataclass(frozen=True)
class SetSite:
    """One set's part of the site: its pages, its line on the index page, its search entries.

    Everything but the files is plain JSON-able data, so a build can keep it for sets that did
    not change and only redraw the index and the search index. The entries are kept as their
    piece of the index script (search.search_piece): a hundred sets' entries are megabytes, which
    a build should not parse, escape and encode again for every set it did not touch.
    """

    files: dict[str, bytes]
    summary: dict
    search: bytes  # the set's search entries as they stand in the index script (any bytes-like, or
    # what bytes() reads from where it is kept, with its length: a build keeps them on disk)


def render_site(documents: list[SiteDocument], *, public: bool = False,
                templates: tuple[Path, ...] = (TEMPLATES,)) -> dict[str, bytes]:
    """Every file of the site by relative posix path; `public` leaves out personal contact details.
    `templates`: the folders of page templates (Project.site_templates), the first that has one wins."""
    by_set: dict[str, list[SiteDocument]] = {}
    for doc in documents:
        by_set.setdefault(doc.set_name, []).append(doc)
    slugs = set_slugs(list(by_set))
    return assemble_site([render_set_site(docs, slugs[name], public=public, templates=templates)
                          for name, docs in by_set.items()], public=public, templates=templates)


def render_set_site(documents: list[SiteDocument], slug: str, *, public: bool = False,
                    templates: tuple[Path, ...] = (TEMPLATES,)) -> SetSite:
    """The pages of one set (its landing page and one page per document)."""
    site_set = _group_set(documents, slug, public)
    md_env, html_env, md = _markdown_env(templates), _html_env(templates), _markdown()
    files: dict[str, bytes] = {}
    search: list[dict] = []
    for page in _set_pages(site_set, public, templates):
        tokens = _render_page(page, md_env, html_env, md, files)
        if page.doc is not None:
            search += _search_entries(tokens, page)
    for doc in documents:
        files.update({f"{slug}/{name}": data for name, data in doc.files})
    return SetSite(files, _set_summary(site_set), search_piece(search_json(search)))


def assemble_site(parts: list[SetSite], *, public: bool = False, templates: tuple[Path, ...] = (TEMPLATES,),
                  streamed: bool = False) -> dict[str, bytes]:
    """The whole site from its sets' parts: their pages, the index page, search and assets.
    `streamed`: the search index as atomic.Chunks, its sets' pieces read as it is written (a
    build: hundreds of sets' entries are never all in memory); otherwise bytes, as every file."""
    parts = _in_site_order(parts)
    files: dict[str, bytes] = {}
    for part in parts:
        files.update(part.files)
    index = _Page("index", SITE_TITLE, "index.md.j2", {"sets": [p.summary for p in parts], "public": public})
    _render_page(index, _markdown_env(templates), _html_env(templates), _markdown(), files)
    index = search_script([p.search for p in parts])
    files[SEARCH_INDEX] = index if streamed else b"".join(index)
    for name in ASSETS:
        files[f"assets/{name}"] = next(f / name for f in templates if (f / name).is_file()).read_bytes()
    return dict(sorted(files.items()))


def search_index_spans(parts: list[SetSite]) -> dict[str, tuple[int, int]]:
    """Where each set's entries stand in the search index assemble_site writes, by the set's id
    (its slug); (0, 0) for a set without entries. A build keeps them, to take an unchanged set's
    entries from that file next time."""
    parts = _in_site_order(parts)
    return {p.summary["id"]: span for p, span in zip(parts, search_spans([p.search for p in parts]))}


def _in_site_order(parts: list[SetSite]) -> list[SetSite]:
    return sorted(parts, key=lambda p: (p.summary["title"].casefold(), p.summary["id"]))


def _render_page(page, md_env, html_env, md, files: dict) -> list[Token]:
    body = md_env.get_template(page.template).render(page.context)
    files[page.path + ".md"] = (_breadcrumb_md(page) + body).encode("utf-8")
    tokens = md.parse(body, {})
    html = md.renderer.render(tokens, md.options, {})
    files[page.path + ".html"] = _layout(html_env, page, Markup(html), _toc(tokens)).encode("utf-8")
    return tokens


def site_documents(aset, project) -> list[SiteDocument]:
    """A validated set's documents with their models, as `render_site` takes them."""
    from ...model.documents import (
        document_models,  # only this path needs the models; keeps `import` light
    )
    return [site_document(aset.name, doc) for doc in document_models(aset, project)]


def site_document(set_name: str, doc, with_files: bool = False, pdf: bool = False) -> SiteDocument:
    """A model.DocumentModel as the site shows it; a kind's `site_files(model)` adds its figures.
    `with_files`: the site will carry the document's own files (the build puts them in the set's
    `filer/` folder), so the page links to them; `pdf`: a PDF of the Word file is among them."""
    extra = getattr(doc.kind.module, "site_files", None)
    files = tuple(sorted(extra(doc.model).items())) if extra else ()
    stem = doc.source.path.stem
    return SiteDocument(set_name, doc.kind.name, stem, doc.model.get("titel") or doc.kind.title,
                        doc.model, files, doc.kind.title, downloads(doc.kind, stem, pdf) if with_files else ())


# What a download is called on the page, by the file's suffix.
DOWNLOAD_LABELS = {".docx": "Word", ".xlsx": "Regneark (Excel)", ".pdf": "PDF"}


def downloads(kind, stem: str, pdf: bool = False) -> tuple:
    """(label, file name) of every file the build writes for the document: its Word file (when
    the kind has a template), its extra outputs (the budget's workbook), and its PDF if made."""
    suffixes = ([".docx"] if getattr(kind, "template_path", True) else []) \
        + list(getattr(kind.module, "EXTRA_OUTPUTS", {}) or {}) + ([".pdf"] if pdf else [])
    return tuple((DOWNLOAD_LABELS.get(s, s.lstrip(".")), f"{stem}{s}") for s in dict.fromkeys(suffixes))


__all__ = ["DOWNLOADS", "SiteDocument", "SetSite", "render_site", "render_set_site", "assemble_site", "set_slugs",
           "site_documents", "escape_md", "search_index_spans", "SEARCH_INDEX",
           "_close_fences"]  # private, but the tests hold the fence closing to its promise through this name
