"""Writing the Markdown pages: the Jinja environment for templates/site/*.md.j2 and its helpers.

Every plain value is escaped on its way into the Markdown (`escape_md`, the environment's
finalize); author Markdown goes in through `md` (`_rich`), with its own footnote labels, closed
code fences and no forged anchors; `anchor` and `link` write our anchors and links.
"""
from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path
from urllib.parse import quote

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from markdown_it import MarkdownIt

from ... import danish, markdown_limits
from ...slugs import slug
from ..template_cache import bytecode_cache
from .generic import generic_markdown
from .pages import SITE_TITLE, TEMPLATES, _Page


class MarkdownText(str):
    """Markdown we made or prepared ourselves; the Markdown templates print it as it is."""


_BLANKS = re.compile(r"[ \t]+")
# Every character Markdown could read as syntax, with a backslash before it; "^" too: a value
# ending in it before a footnote mark ("…^[^1]") would open an inline footnote and lose the note.
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|!&~#^"})
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
    if markdown_limits.problem(text) is not None:  # validate refuses it; never hand it to the parser
        return MarkdownText("\n\n".join(escape_md(part) for part in text.split("\n\n") if part.strip()))
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


@functools.cache  # one per process and folders: Jinja keeps compiled templates in its environment
def _markdown_env(templates: tuple[Path, ...] = (TEMPLATES,)) -> SandboxedEnvironment:
    env = SandboxedEnvironment(loader=FileSystemLoader(list(templates)), autoescape=False, undefined=StrictUndefined,
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
