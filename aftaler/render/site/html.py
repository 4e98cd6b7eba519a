"""Markdown to HTML: markdown-it with our rules, and the page layout around it.

Raw HTML is parsed as text ("js-default"); only http, https, mailto and relative links become
links, and only our own figures become images. Our anchor markers become element ids, headings
get unique ids and permalinks, .md links point to the .html pages, and tables scroll. The layout
(templates/site/page.html.j2) adds navigation and the page's table of contents.
"""
from __future__ import annotations

import functools
import re
import string
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from markdown_it import MarkdownIt, rules_inline
from markdown_it.token import Token
from markupsafe import Markup, escape
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from ...slugs import slug
from ..links import SAFE_SCHEMES, leaves_site
from ..template_cache import bytecode_cache
from .blocks import faster_rules
from .markdown import _OUR_ANCHOR
from .renderer import SiteRenderer
from .pages import DOWNLOADS, SITE_TITLE, TEMPLATES, _Page


class _SiteMarkdown(MarkdownIt):
    def validateLink(self, url: str) -> bool:  # noqa: N802 - markdown-it's name
        return _safe_href(url)


_PATH_START = re.compile(r"[/?#]")


def _safe_href(url: str) -> bool:
    """http, https, mailto, or a link relative to the page; any other scheme is not a link."""
    head = _PATH_START.split(url, maxsplit=1)[0]
    if ":" in head:
        return head.split(":", 1)[0].lower() in SAFE_SCHEMES
    # Browsers read "\" as "/": "/\host" and "//host" leave the site; so does "../../…".
    return not url.startswith("/") and "\\" not in url and "%5c" not in url.lower() and not leaves_site(url)


@functools.cache  # one per process: Jinja keeps compiled templates in its environment
def _markdown() -> MarkdownIt:
    md = _SiteMarkdown("js-default", renderer_cls=SiteRenderer).use(footnote_plugin)  # renderer.py: faster, same HTML
    md.use(anchors_plugin, min_level=1, max_level=6, slug_func=slug)
    faster_rules(md)  # markdown-it's table, normalize and guarded block rules: the same tokens (blocks.py)
    # Images: only our own figures (grafer/*.svg, written with the page); an author's image would be
    # fetched from the network, so it shows as its alt text.
    md.add_render_rule("image", _render_image)
    md.inline.ruler.before("autolink", "site_anchor", _anchor_rule)
    if _shortcut_holds(md):  # else markdown-it's inline pass as it is: the same pages, more slowly
        md.core.ruler.at("inline", _inline)
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
    if _OUR_FIGURE.match(src):  # a link to the figure itself: full size on a phone, zoomable
        return (f'<a class="figur-link" href="{escape(src)}" title="Åbn figuren i fuld størrelse">'
                f'<img class="figur" src="{escape(src)}" alt="{escape(alt)}"></a>')
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


def _shortcut_holds(md: MarkdownIt) -> bool:
    """Whether markdown-it's inline rules are those _plain_children was written from."""
    return (md.inline.ruler.getRules("")[0] is rules_inline.text and not md.options.linkify
            and [r.name for r in md.inline.ruler.__rules__ if r.enabled] == _INLINE_RULES)


def _inline(state) -> None:
    """markdown-it's inline pass, but text without a character any inline rule starts at (half the
    runs of text on a page: names, numbers, dates), alone or after our anchor (a row's first cell,
    a heading), becomes its tokens without the parser (`_plain_children`)."""
    md = state.md
    plain = _active_re(md.inline.terminator_re.pattern)
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            children = _plain_children(token.content, plain)
            if children is None:
                md.inline.parse(token.content, md, state.env, token.children)
            else:
                token.children += children


# The inline rules _plain_children knows (markdown-it's, the footnotes', our anchor), in order.
_INLINE_RULES = ["text", "linkify", "newline", "escape", "backticks", "strikethrough", "emphasis", "link", "image",
                 "footnote_inline", "footnote_ref", "site_anchor", "autolink", "html_inline", "entity"]
# Characters that stop the text rule but that none of those rules starts at (linkify is off):
# the parser adds them to the text it is collecting, as if the text rule had taken them.
_INERT = ":-%+=@${}#>"


@functools.cache  # one per process and pattern
def _active_re(terminators: str) -> re.Pattern:
    """A character that stops the text rule and that a rule could start at.

    markdown-it's `terminators` is a class of escaped characters (no ranges): each character it
    matches stands in it, so the class of those not inert is found from its own characters — a
    class searches several times faster than a lookahead before each character. Any other
    pattern is taken as it is, with the lookahead."""
    if _CHARACTER_CLASS.fullmatch(terminators):
        matches = re.compile(terminators).fullmatch
        active = sorted(c for c in set(terminators) if matches(c) and c not in _INERT)
        return re.compile("[" + re.escape("".join(active)) + "]")
    return re.compile(f"(?![{re.escape(_INERT)}])(?:{terminators})")


# A class of single characters, each escaped or not special in a class ("-" only escaped).
_CHARACTER_CLASS = re.compile(r"\[(?:\\.|[^\\\]\-\[^])(?:\\.|[^\\\]\-\[])*\]", re.DOTALL)


def _plain_children(content: str, plain: re.Pattern) -> list[Token] | None:
    """The tokens the parser makes of plain text with backslash escapes (what escape_md writes),
    after our anchor or not, perhaps starting with a bold label ("**Pulje:** 2019-26", what our
    templates write); None for anything else, which the parser then reads.
    `plain` finds the characters a rule could start at (_active_re).

    The parser makes the same: no rule before _anchor_rule starts at its "<"; the text rule and
    the characters no rule starts at (_INERT) make one run of text, as the parser's pending text;
    at a backslash before ASCII punctuation the first rule that starts is `escape` (a
    text_special token; text_join later makes it text, as it does with the parser's)."""
    if plain.search(content) is None and content[:1] != "<" and content[:2] != "**":
        return [Token("text", "", 0, content=content)] if content else []  # what _runs makes of it
    children = []
    pos = 0
    if content[:1] == "<":
        anchor = _OUR_ANCHOR.match(content)
        if anchor is not None:
            children.append(Token("site_anchor", "span", 0, attrs={"id": anchor.group(1)}))
            pos = anchor.end()
    rest = _strong(content, pos, plain, children) if content.startswith("**", pos) else pos
    if rest is None or _runs(content, rest, plain, 0, children) is None:
        return None
    return _join_texts(children)


def _join_texts(tokens: list[Token]) -> list[Token]:
    """Adjacent text tokens as one, as markdown-it's fragments_join leaves them."""
    joined: list[Token] = []
    for token in tokens:
        if token.type == "text" and joined and joined[-1].type == "text":
            token.content = joined.pop().content + token.content
        joined.append(token)
    return joined


def _strong(content: str, pos: int, plain: re.Pattern, children: list[Token]) -> int | None:
    """`**label**` at pos, followed by a space or the end: where the text after it starts.

    Its opening run can open and not close (after the start or our anchor, before a letter or
    digit), its closing run can close and not open (after no space, before a space or the end):
    the emphasis rule makes them strong, leaving an empty text token (the runs' second "*") before
    the opening and after the closing (the latter joined to the following text, if any)."""
    close = content.find("**", pos + 2)
    label = content[pos + 2:close]
    after = content[close + 2:close + 3]
    if close < 0 or not label[:1].isalnum() or label[-1].isspace() or after not in ("", " "):
        return None
    inner = [Token("strong_open", "strong", 1, markup="**")]
    if _runs(label, 0, plain, 1, inner) is None:
        return None
    inner.append(Token("strong_close", "strong", -1, markup="**"))
    children += [Token("text", "", 0)] + inner + [Token("text", "", 0)]
    return close + 2


def _runs(content: str, pos: int, plain: re.Pattern, level: int, children: list[Token]) -> list[Token] | None:
    """content[pos:] as text, escapes and line breaks at `level`, added to `children`; None if
    it holds more. A line break is the newline rule's: a soft one, or a hard one after two spaces,
    taking the spaces before it from the parser's pending text (the text token just made) and
    skipping those after it."""
    end = len(content)
    while pos < end:
        stop = plain.search(content, pos)
        at = end if stop is None else stop.start()
        pending = None
        if at > pos:
            pending = Token("text", "", 0, content=content[pos:at], level=level)
            children.append(pending)
        if at == end:
            break
        if content[at] == "\n":
            children.append(Token(_line_break(pending, children), "br", 0, level=level))
            pos = at + 1
            while pos < end and content[pos] in " \t":
                pos += 1
            continue
        escaped = content[at + 1:at + 2]
        if content[at] != "\\" or not escaped or escaped not in _ASCII_PUNCTUATION:
            return None
        children.append(Token("text_special", "", 0, content=escaped, markup="\\" + escaped, info="escape",
                              level=level))
        pos = at + 2
    return children


def _line_break(pending: Token | None, children: list[Token]) -> str:
    """The newline rule's break after `pending` (the last of `children`, or None), which loses its
    trailing spaces as the rule takes them from its pending text (dropped if none is left)."""
    text = pending.content if pending is not None else ""
    kind = "softbreak"
    if text.endswith("  "):
        ws = len(text) - 2
        while ws >= 1 and text[ws - 1] == " ":
            ws -= 1
        text, kind = text[:ws], "hardbreak"
    elif text.endswith(" "):
        text = text[:-1]
    if pending is not None:
        pending.content = text
        if not text:
            children.pop()
    return kind


# What a backslash escapes in CommonMark (markdown-it's rules_inline.escape).
_ASCII_PUNCTUATION = frozenset(string.punctuation)


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
    tokens = state.tokens
    for i, token in enumerate(tokens):
        kind, attrs, children = token.type, token.attrs, token.children
        if attrs and kind in ("heading_open", "tr_open") and attrs.get("id"):
            attrs["id"] = _unique(str(attrs["id"]), seen)
        if kind == "heading_open":
            heading = token
            level = _outline_level(tokens, i, level)
            token.meta["title"] = _inline_text(tokens[i + 1])
            if token.tag != "h1" and token.attrGet("id"):
                tokens[i + 1].children += _permalink(str(token.attrGet("id")))
        elif kind == "table_open":
            if heading is not None:
                token.meta["label"] = heading.attrGet("id")
            _label_cells(tokens, i)
        elif attrs and kind in ("th_open", "td_open") and attrs.get("style"):
            align = str(attrs.pop("style")).split(":")[-1]
            attrs["class"] = "num" if align == "right" else f"align-{align}"
        if children:
            for child in children:
                if child.type == "site_anchor":
                    child.attrs["id"] = _unique(str(child.attrs.get("id")), seen)
                elif child.type == "link_open":
                    child.attrs["href"] = _html_href(str(child.attrs.get("href")))


# A table this wide becomes a card per row on a phone (site.css): each cell says its column.
WIDE_TABLE = 5


def _label_cells(tokens: list[Token], start: int) -> None:
    """Each body cell gets its column's heading as `data-label`, for the phone's card layout."""
    labels, column = [], 0
    for end in range(start, len(tokens)):
        token = tokens[end]
        kind = token.type
        if kind == "td_open":
            if column < len(labels) and labels[column]:
                token.attrs["data-label"] = labels[column]
            column += 1
        elif kind == "tr_open":
            column = 0
        elif kind == "th_open":
            labels.append(_inline_text(tokens[end + 1]))
        elif kind == "table_close":
            break
    tokens[start].meta["wide"] = len(labels) >= WIDE_TABLE


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
    wide = " wide" if tokens[idx].meta.get("wide") else ""
    return f'<div class="table-scroll{wide}" role="region" tabindex="0" {name}>\n<table>\n'


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


@functools.cache  # one per process and folders: Jinja keeps compiled templates in its environment
def _html_env(templates: tuple[Path, ...] = (TEMPLATES,)) -> SandboxedEnvironment:
    return SandboxedEnvironment(loader=FileSystemLoader(list(templates)), autoescape=True, undefined=StrictUndefined,
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
        "public": page.context.get("public", False), "crumbs": [], "nav": [], "set_title": None, "source": None, "downloads": [],
    }
    if page.site_set is not None:
        site_set = page.site_set
        context["set_title"] = site_set.title
        context["crumbs"] = [{"title": SITE_TITLE, "href": f"{root}index.html"}]
        if page.doc is not None:
            context["crumbs"].append({"title": site_set.title, "href": "index.html"})
            context["source"] = f"{page.doc.source.set_name}/{page.doc.source.stem}.yaml"
            context["downloads"] = [{"label": label, "href": f"{DOWNLOADS}/{name}", "name": name}
                                    for label, name in page.doc.source.downloads]
        context["nav"] = [{"title": "Oversigt", "href": "index.html", "current": page.doc is None}] + [
            {"title": d.source.title, "href": f"{d.slug}.html", "current": d is page.doc} for d in site_set.docs]
    return env.get_template("page.html.j2").render(context)
