"""The static site: every agreement as Markdown and as HTML, searchable, readable offline.

`render_site` writes each document's model (the same data the Word templates get) as a Markdown
page through the templates in `templates/site/`, renders that Markdown to HTML with markdown-it-py
into our Jinja layout, and ships a search index as a script file, so that everything works from
`file://`. Pure: it returns bytes by relative path and writes nothing.

Author text is Markdown and never trusted as HTML: raw HTML is parsed as text ("js-default"),
plain values are escaped before they enter the Markdown, and only http, https, mailto and
relative links become links.
"""
from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass
from urllib.parse import quote

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from . import danish
from .project import ROOT
from .site_generic import generic_markdown
from .slugs import set_slugs, slug, unique_slugs
from .template_cache import bytecode_cache

TEMPLATES = ROOT / "templates" / "site"
ASSETS = ("site.css", "search.js")
KIND_ORDER = ("samarbejdsaftale", "delaftale", "budget")
SITE_TITLE = "Boligsociale aftaler"
REDACTED_EMAIL = "e-mail udeladt"


@dataclass(frozen=True)
class SiteDocument:
    """One document of a set, as the site shows it."""

    set_name: str  # the set's folder name ("amager")
    kind: str  # "samarbejdsaftale", "delaftale", "budget", …
    stem: str  # source file stem ("delaftale-beskaeftigelse"): the page's file name
    title: str  # shown in navigation and as the page heading
    model: dict  # the kind module's model()
    files: tuple = ()  # (name, bytes) the page shows, relative to the set's folder: charts, diagrams


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


# ------------------------------------------------------------------ public API


@dataclass(frozen=True)
class SetSite:
    """One set's part of the site: its pages, its line on the index page, its search entries.

    Everything but the files is plain JSON-able data, so a build can keep it for sets that did
    not change and only redraw the index and the search index.
    """

    files: dict[str, bytes]
    summary: dict
    search: list[dict]


def render_site(documents: list[SiteDocument], *, public: bool = False) -> dict[str, bytes]:
    """Every file of the site by relative posix path; `public` leaves out personal contact details."""
    by_set: dict[str, list[SiteDocument]] = {}
    for doc in documents:
        by_set.setdefault(doc.set_name, []).append(doc)
    slugs = set_slugs(list(by_set))
    return assemble_site([render_set_site(docs, slugs[name], public=public) for name, docs in by_set.items()],
                         public=public)


def render_set_site(documents: list[SiteDocument], slug: str, *, public: bool = False) -> SetSite:
    """The pages of one set (its landing page and one page per document)."""
    site_set = _group_set(documents, slug, public)
    md_env, html_env, md = _markdown_env(), _html_env(), _markdown()
    files: dict[str, bytes] = {}
    search: list[dict] = []
    for page in _set_pages(site_set, public):
        tokens = _render_page(page, md_env, html_env, md, files)
        if page.doc is not None:
            search += _search_entries(tokens, page)
    for doc in documents:
        files.update({f"{slug}/{name}": data for name, data in doc.files})
    return SetSite(files, _set_summary(site_set), search)


def assemble_site(parts: list[SetSite], *, public: bool = False) -> dict[str, bytes]:
    """The whole site from its sets' parts: their pages, the index page, search and assets."""
    parts = sorted(parts, key=lambda p: (p.summary["title"].casefold(), p.summary["id"]))
    files: dict[str, bytes] = {}
    for part in parts:
        files.update(part.files)
    index = _Page("index", SITE_TITLE, "index.md.j2", {"sets": [p.summary for p in parts], "public": public})
    _render_page(index, _markdown_env(), _html_env(), _markdown(), files)
    files["assets/search-index.js"] = _search_script([entry for p in parts for entry in p.search])
    for name in ASSETS:
        files[f"assets/{name}"] = (TEMPLATES / name).read_bytes()
    return dict(sorted(files.items()))


def _render_page(page, md_env, html_env, md, files: dict) -> list[Token]:
    body = md_env.get_template(page.template).render(page.context)
    files[page.path + ".md"] = (_breadcrumb_md(page) + body).encode("utf-8")
    tokens = md.parse(body, {})
    html = md.renderer.render(tokens, md.options, {})
    files[page.path + ".html"] = _layout(html_env, page, Markup(html), _toc(tokens)).encode("utf-8")
    return tokens


def site_documents(aset, project) -> list[SiteDocument]:
    """A validated set's documents with their models, as `render_site` takes them."""
    from .model import document_models  # only this path needs the models; keeps `import` light
    return [site_document(aset.name, doc) for doc in document_models(aset, project)]


def site_document(set_name: str, doc) -> SiteDocument:
    """A model.DocumentModel as the site shows it; a kind's `site_files(model)` adds its figures."""
    extra = getattr(doc.kind.module, "site_files", None)
    files = tuple(sorted(extra(doc.model).items())) if extra else ()
    return SiteDocument(set_name, doc.kind.name, doc.source.path.stem, doc.model.get("titel") or doc.kind.title,
                        doc.model, files)


# ------------------------------------------------------------------ sets and pages


def _group_set(documents: list[SiteDocument], slug: str, public: bool) -> _Set:
    """One set's documents in reading order; page slugs unique so every page has its own file."""
    ordered = sorted(documents, key=_reading_order(documents))
    slugs = unique_slugs([d.stem for d in ordered], reserved={"index"})
    docs = tuple(_Doc(d, slugs[d.stem], _public_model(d.kind, d.model) if public else d.model) for d in ordered)
    agreement = next((d.model for d in ordered if d.kind == "samarbejdsaftale"), {})
    return _Set(slug, agreement.get("omraadets_navn") or (documents[0].set_name if documents else slug), docs)


def _reading_order(docs: list[SiteDocument]):
    """Strategic agreement, delaftaler in the agreement's area order, budget, then the rest."""
    agreement = next((d.model for d in docs if d.kind == "samarbejdsaftale"), {})
    areas = [a.get("omraade") for a in agreement.get("indsatsomraader") or []]

    def key(doc: SiteDocument):
        rank = KIND_ORDER.index(doc.kind) if doc.kind in KIND_ORDER else len(KIND_ORDER)
        area = doc.model.get("indsatsomraade")
        return rank, areas.index(area) if area in areas else len(areas), doc.stem

    return key


def _set_pages(site_set: _Set, public: bool) -> list[_Page]:
    links = _links(site_set)
    pages = [_Page(f"{site_set.slug}/index", site_set.title, "saet.md.j2",
                   _landing_context(site_set, links, public), site_set)]
    for doc in site_set.docs:
        # A kind's page template is found by convention, like its Word template.
        own = f"{doc.source.kind}.md.j2"
        template = own if (TEMPLATES / own).is_file() else "dokument.md.j2"
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
    return {
        "id": site_set.slug, "title": site_set.title, "href": f"{site_set.slug}/index.md",
        "periode": agreement.model.get("periode_tekst") if agreement else None,
        "omraader": [a.get("navn") for a in agreement.model.get("indsatsomraader") or []] if agreement else [],
        "udgifter": budget.model["total"]["udgifter"] if budget else None,
    }


PERSONAL = {"kontaktperson": ("navn", "email", "telefon"), "underskriver": ("navn",)}


def _public_model(kind: str, model: dict) -> dict:
    """The model without personal contact details: names, e-mails and phones of people, wherever a
    kind keeps a `kontaktperson` or an `underskriver` (any kind, so a new one is covered too)."""
    model = _without_people(_redact_emails(model))
    if kind == "samarbejdsaftale":
        model["boligorganisationer"] = [p for p in model.get("parter") or [] if p.get("type") == "boligorganisation"]
    return model


def _without_people(value):
    if isinstance(value, dict):
        return {k: _strip(v, *PERSONAL[k]) if k in PERSONAL and isinstance(v, dict) else _without_people(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_without_people(v) for v in value]
    return value


def _strip(person: dict | None, *keys: str) -> dict | None:
    return dict(person, **{k: None for k in keys}) if person else person


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _redact_emails(value):
    """A copy with every e-mail address replaced, also inside free text."""
    if isinstance(value, dict):
        return {k: _redact_emails(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_emails(v) for v in value]
    if isinstance(value, str):
        return _EMAIL.sub(REDACTED_EMAIL, value) if "@" in value else value
    return value


# ------------------------------------------------------------------ Markdown writing


class MarkdownText(str):
    """Markdown we made or prepared ourselves; the Markdown templates print it as it is."""


_BLANKS = re.compile(r"[ \t]+")
# Every character Markdown could read as syntax, with a backslash before it.
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|!&~#"})
_LIST_START = re.compile(r"^(\d+)([.)])(?=\s|$)")
_FOOTNOTE_LABEL = re.compile(r"\[\^([^\]\s]+)\]")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_HREF_SAFE = "/:#@.-_~!$&*+,;=?%"
_OUR_ANCHOR = re.compile(r'<a id="([a-z0-9][a-z0-9-]*)"></a>')
# The same marker in author text, not already escaped (an even number of backslashes before it).
_AUTHOR_ANCHOR = re.compile(r'(?<!\\)((?:\\\\)*)(<a id="[a-z0-9][a-z0-9-]*"></a>)')


def escape_md(value) -> str:
    """Plain text as inline Markdown that reads as the same text (one line; '; ' between lines)."""
    if value is None:
        return ""
    lines = [_BLANKS.sub(" ", line).strip() for line in str(value).splitlines()]
    text = "; ".join(line for line in lines if line).translate(_MD_SPECIAL)
    if text[:1].isdigit():  # only then can it read as an ordered list ("1. …")
        text = _LIST_START.sub(r"\1\\\2", text)
    return "\\" + text if text[:1] in "-+=" and text else text


def _finalize_md(value):
    return value if isinstance(value, MarkdownText) else escape_md(value)


def _rich(text) -> MarkdownText:
    """Author Markdown made safe to embed in a page: own footnote labels, closed code fences."""
    if not text:
        return MarkdownText("")
    text = str(text).replace("\r\n", "\n").strip("\n")
    text = _AUTHOR_ANCHOR.sub(r"\1\\\2", text)  # authors cannot forge our anchors
    # Footnote labels are per field; two fields on one page may both use [^kilde].
    prefix = hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]
    text = _FOOTNOTE_LABEL.sub(lambda m: f"[^{prefix}-{m.group(1)}]", text)
    return MarkdownText(_close_fences(text))


def _close_fences(text: str) -> str:
    """An unclosed ``` would swallow the rest of the page: close it at the end of the field.

    Asked of the parser itself: a marker put after the field must not end up inside a code block.
    (A fence in a list item or quote ends with its container; only a top-level one runs on.)"""
    if "```" not in text and "~~~" not in text:  # no fence can open: most fields, no parse needed
        return text
    probe = _fence_parser().parse(f"{text}\n\n{_AFTER_FIELD}\n")
    runaway = next((t for t in reversed(probe) if t.type == "fence" and _AFTER_FIELD in t.content), None)
    return f"{text}\n{runaway.markup}" if runaway is not None and runaway.level == 0 else text


_AFTER_FIELD = "\ue000"  # private use: the loader refuses it in author text


@functools.cache  # one per process
def _fence_parser() -> MarkdownIt:
    # Fences are blocks: the inline pass would only cost time.
    return MarkdownIt("js-default").disable("inline")


def _anchor(ident) -> MarkdownText:
    """An anchor for a heading or table row; the id becomes the element's id in the HTML."""
    ident = str(ident)
    return MarkdownText(f'<a id="{ident if _ID.match(ident) else slug(ident) or "id"}"></a>')


def _link(text, href: str | None) -> MarkdownText:
    """A link to one of our pages or anchors (or a mailto:), or the text alone without a target."""
    if not href:
        return MarkdownText(escape_md(text))
    # Percent-encoded, so a value with spaces, brackets or quotes cannot end the destination early.
    return MarkdownText(f"[{escape_md(text)}]({quote(str(href), safe=_HREF_SAFE)})")


@functools.cache  # one per process: Jinja keeps compiled templates in its environment
def _markdown_env() -> SandboxedEnvironment:
    env = SandboxedEnvironment(loader=FileSystemLoader(TEMPLATES), autoescape=False, undefined=StrictUndefined,
                               trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                               finalize=_finalize_md, bytecode_cache=bytecode_cache())
    # verbatim: for the output of our own macros only, never for a value from the model.
    env.filters.update(md=_rich, verbatim=MarkdownText, tal=danish.number, procent=danish.percent,
                       dato=danish.date_text, periode=danish.period)
    env.globals.update(anchor=_anchor, link=_link, generic=lambda model: MarkdownText(
        generic_markdown(model, escape=escape_md, rich=_rich, anchor=_anchor)))
    return env


def _breadcrumb_md(page: _Page) -> str:
    """Navigation for readers of the Markdown files on a git host (the HTML has its own)."""
    if page.site_set is None:
        return ""
    parts = [f"[{escape_md(SITE_TITLE)}](../index.md)"]
    if page.doc is not None:
        parts.append(f"[{escape_md(page.site_set.title)}](index.md)")
    return " › ".join(parts) + "\n\n"


# ------------------------------------------------------------------ Markdown to HTML


class _SiteMarkdown(MarkdownIt):
    def validateLink(self, url: str) -> bool:  # noqa: N802 - markdown-it's name
        return _safe_href(url)


def _safe_href(url: str) -> bool:
    """http, https, mailto, or a link relative to the page; any other scheme is not a link."""
    head = re.split(r"[/?#]", url, maxsplit=1)[0]
    if ":" in head:
        # Imported here: richtext loads python-docx, which a build's site assembly never needs.
        from .richtext import SAFE_SCHEMES
        return head.split(":", 1)[0].lower() in SAFE_SCHEMES
    # Browsers read "\" as "/": "/\host" and "//host" leave the site.
    return not url.startswith("/") and "\\" not in url and "%5c" not in url.lower()


@functools.cache  # one per process: Jinja keeps compiled templates in its environment
def _markdown() -> MarkdownIt:
    md = _SiteMarkdown("js-default").use(footnote_plugin)
    md.use(anchors_plugin, min_level=1, max_level=6, slug_func=slug)
    # Images: only our own figures (grafer/*.svg, written with the page); an author's image would be
    # fetched from the network, so it shows as its alt text.
    md.add_render_rule("image", _render_image)
    md.inline.ruler.before("autolink", "site_anchor", _anchor_rule)
    md.core.ruler.before("anchor", "lift_anchors", _lift_anchors)
    md.core.ruler.push("site_finish", _finish)
    md.add_render_rule("site_anchor", lambda self, tokens, idx, options, env:
                       f'<span class="anchor" id="{escape(tokens[idx].attrGet("id"))}"></span>')
    md.add_render_rule("table_open", _render_table_open)
    md.add_render_rule("table_close", lambda self, tokens, idx, options, env: "</table>\n</div>\n")
    md.add_render_rule("footnote_block_open", lambda self, tokens, idx, options, env:
                       '<section class="footnotes" aria-labelledby="fodnoter">\n'
                       '<h2 id="fodnoter">Fodnoter</h2>\n<ol class="footnotes-list">\n')
    md.add_render_rule("footnote_anchor", _render_backref)
    return md


_OUR_FIGURE = re.compile(r"^grafer/[a-z0-9][a-z0-9-]*\.svg$")


def _render_image(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    src = str(token.attrGet("src") or "")
    if _OUR_FIGURE.match(src):
        return f'<img class="figur" src="{escape(src)}" alt="{escape(alt)}">'
    return str(escape(alt))


def _anchor_rule(state, silent: bool) -> bool:
    """Our `<a id="…"></a>` marker (authors' is escaped): a row or heading id, not raw HTML."""
    match = _OUR_ANCHOR.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        state.push("site_anchor", "span", 0).attrSet("id", match.group(1))
    state.pos = match.end()
    return True


def _lift_anchors(state) -> None:
    """A marker at the start of a heading or a row's first cell becomes that element's id."""
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "inline" or not token.children or token.children[0].type != "site_anchor":
            continue
        target = tokens[i - 1] if tokens[i - 1].type == "heading_open" else None
        if tokens[i - 1].type in ("td_open", "th_open") and tokens[i - 2].type == "tr_open":
            target = tokens[i - 2]
        if target is not None and not target.attrGet("id"):
            target.attrSet("id", token.children.pop(0).attrGet("id"))
            target.meta["ours"] = True


def _finish(state) -> None:
    """Unique ids, permalinks, .md links to .html, alignment as classes, table labels."""
    seen: set[str] = set()
    heading, level = None, 1
    for i, token in enumerate(state.tokens):
        if token.type in ("heading_open", "tr_open") and token.attrGet("id"):
            token.attrSet("id", _unique(str(token.attrGet("id")), seen))
        if token.type == "heading_open":
            heading = token
            level = _outline_level(state.tokens, i, level)
            token.meta["title"] = _inline_text(state.tokens[i + 1])
            if token.tag != "h1" and token.attrGet("id"):
                state.tokens[i + 1].children += _permalink(str(token.attrGet("id")))
        elif token.type == "table_open" and heading is not None:
            token.meta["label"] = heading.attrGet("id")
        elif token.type in ("th_open", "td_open") and token.attrGet("style"):
            align = str(token.attrGet("style")).split(":")[-1]
            token.attrs.pop("style")
            token.attrSet("class", "num" if align == "right" else f"align-{align}")
        for child in token.children or []:
            if child.type == "site_anchor":
                child.attrSet("id", _unique(str(child.attrGet("id")), seen))
            elif child.type == "link_open":
                child.attrSet("href", _html_href(str(child.attrGet("href"))))


def _outline_level(tokens: list[Token], i: int, level: int) -> int:
    """Our headings set the outline; an author's heading inside a field goes below them."""
    token = tokens[i]
    if token.meta.get("ours") or i == 0:
        return int(token.tag[1])
    tag = f"h{min(6, max(int(token.tag[1]), level + 1))}"
    token.tag = tokens[i + 2].tag = tag
    return level


def _unique(ident: str, seen: set[str]) -> str:
    candidate, n = ident, 1
    while candidate in seen:
        n += 1
        candidate = f"{ident}-{n}"
    seen.add(candidate)
    return candidate


def _permalink(ident: str) -> list[Token]:
    # Hidden from assistive technology: the heading's name stays its text.
    link = Token("link_open", "a", 1, attrs={"class": "permalink", "href": f"#{ident}",
                                               "aria-hidden": "true", "tabindex": "-1"})
    return [Token("text", "", 0, content=" "), link, Token("text", "", 0, content="#"), Token("link_close", "a", -1)]


_MD_HREF = re.compile(r"^((?:\.\./|[\w-]+/)*[\w-]+)\.md(#.*)?$")


def _html_href(href: str) -> str:
    match = _MD_HREF.match(href)
    return f"{match.group(1)}.html{match.group(2) or ''}" if match else href


def _render_table_open(self, tokens, idx, options, env) -> str:
    label = tokens[idx].meta.get("label")
    name = f'aria-labelledby="{escape(label)}"' if label else 'aria-label="Tabel"'
    return f'<div class="table-scroll" role="region" tabindex="0" {name}>\n<table>\n'


def _render_backref(self, tokens, idx, options, env) -> str:
    ident = self.rules["footnote_anchor_name"](tokens, idx, options, env)
    if tokens[idx].meta["subId"] > 0:
        ident += ":" + str(tokens[idx].meta["subId"])
    return f' <a href="#fnref{ident}" class="footnote-backref" aria-label="Tilbage til teksten">↩\ufe0e</a>'


def _inline_text(token: Token) -> str:
    """The readable text of an inline token (without permalinks and footnote marks)."""
    parts, skip = [], 0
    for child in token.children or []:
        if child.type == "link_open" and child.attrGet("class") == "permalink":
            skip = 1
        elif child.type == "link_close" and skip:
            skip = 0
        elif not skip and child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif not skip and child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()


# ------------------------------------------------------------------ HTML pages


@functools.cache  # one per process: Jinja keeps compiled templates in its environment
def _html_env() -> SandboxedEnvironment:
    return SandboxedEnvironment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                                trim_blocks=True, lstrip_blocks=True, bytecode_cache=bytecode_cache())


def _toc(tokens: list[Token]) -> list[dict]:
    toc = [{"id": t.attrGet("id"), "title": t.meta.get("title", "")} for t in tokens
           if t.type == "heading_open" and t.tag == "h2" and t.attrGet("id")]
    if any(t.type == "footnote_block_open" for t in tokens):
        toc.append({"id": "fodnoter", "title": "Fodnoter"})  # the heading our footnote renderer writes
    return toc


def _layout(env: SandboxedEnvironment, page: _Page, body: Markup, toc: list[dict]) -> str:
    depth = page.path.count("/")
    root = "../" * depth
    context = {
        "root": root, "title": page.title, "body": body, "toc": toc if page.doc else [],
        "site_title": SITE_TITLE, "md_href": page.path.rsplit("/", 1)[-1] + ".md",
        "kind": page.doc.source.kind if page.doc else ("saet" if page.site_set else "forside"),
        "public": page.context.get("public", False), "crumbs": [], "nav": [], "set_title": None, "source": None,
    }
    if page.site_set is not None:
        site_set = page.site_set
        context["set_title"] = site_set.title
        context["crumbs"] = [{"title": SITE_TITLE, "href": f"{root}index.html"}]
        if page.doc is not None:
            context["crumbs"].append({"title": site_set.title, "href": "index.html"})
            context["source"] = f"{page.doc.source.set_name}/{page.doc.source.stem}.yaml"
        context["nav"] = [{"title": "Oversigt", "href": "index.html", "current": page.doc is None}] + [
            {"title": d.source.title, "href": f"{d.slug}.html", "current": d is page.doc} for d in site_set.docs]
    return env.get_template("page.html.j2").render(context)


# ------------------------------------------------------------------ search


_LETTER = re.compile(r"[^\W\d_]")


def _search_entries(tokens: list[Token], page: _Page) -> list[dict]:
    """One entry per section and per table row with an id: where search can take the reader."""
    base = {"d": page.title, "s": page.site_set.title}
    url = page.path + ".html"
    entries: list[dict] = []
    path: list[tuple[int, str]] = []
    section = row = None
    in_head = False
    for i, token in enumerate(tokens):
        if token.type == "footnote_block_open":
            break
        if token.type in ("thead_open", "thead_close"):
            in_head = token.type == "thead_open"  # column names are not content
        if token.type == "heading_open":
            level = int(token.tag[1])
            path = [p for p in path if p[0] < level] + [(level, token.meta.get("title", ""))]
            title = " › ".join(t for lvl, t in path if lvl > 1) or path[-1][1]
            section = dict(base, u=f"{url}#{token.attrGet('id')}", t=title, x=[])
            entries.append(section)
        elif token.type == "tr_open" and token.attrGet("id") and section is not None:
            row = dict(base, u=f"{url}#{token.attrGet('id')}", t=section["t"], x=[])
        elif token.type == "tr_close" and row is not None:
            label = next((c for c in row["x"] if _LETTER.search(c)), "")
            label = label if len(label) <= 80 else label[:79].rstrip() + "…"
            row["t"] = f"{section['t']} › {label}" if label else section["t"]
            entries.append(row)
            row = None
        elif token.type == "inline" and tokens[i - 1].type != "heading_open" and not in_head:
            text = _inline_text(token)
            target = row if row is not None else section
            if text and target is not None:
                target["x"].append(text)
    return [dict(e, x=" · ".join(e["x"])) for e in entries]


def _search_script(entries: list[dict]) -> bytes:
    """The index as a script: a page opened from file:// cannot fetch() a JSON file."""
    data = json.dumps(entries, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    data = data.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.AFTALER_INDEX = {data};\n".encode("utf-8")


__all__ = ["SiteDocument", "SetSite", "render_site", "render_set_site", "assemble_site", "set_slugs",
           "site_documents", "escape_md"]
