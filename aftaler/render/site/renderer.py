"""markdown-it's HTML renderer, the same HTML for less work: a page has tens of thousands of tokens.

`SiteRenderer` is markdown-it-py's RendererHTML (renderer.py, 4.3.0) with its generic tag
(`renderToken`) written with fewer calls, and text in an inline token escaped in the loop while
the `text` rule is markdown-it's own; a text without a character to escape is left as it is. Every rule (ours, the footnotes', markdown-it's) is still
called as markdown-it calls it. The tests hold it to RendererHTML, byte for byte.
"""
from __future__ import annotations

import re

from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML

# What escapeHtml replaces: a text without any of these is its own escape (most names and numbers).
_ESCAPED = re.compile('[&<>"]')


class SiteRenderer(RendererHTML):
    def renderInline(self, tokens, options, env) -> str:  # noqa: N802 - markdown-it's names
        rules = self.rules
        own_text = rules.get("text") == self.text  # markdown-it's rule, bound to this renderer
        out: list[str] = []
        for i, token in enumerate(tokens):
            kind = token.type
            if kind == "text" and own_text:
                out.append(_escape(token.content))
            elif kind in rules:
                out.append(rules[kind](tokens, i, options, env))
            else:
                out.append(self.renderToken(tokens, i, options, env))
        return "".join(out)

    def renderToken(self, tokens, idx: int, options, env) -> str:  # noqa: N802
        """RendererHTML.renderToken, step for step: the tag, its attributes escaped, " /" for
        XHTML, and a newline after a block tag unless an inline token, a hidden token or its own
        closing tag follows; a newline before a block tag after a hidden one (a tight list)."""
        token = tokens[idx]
        if token.hidden:
            return ""
        nesting = token.nesting
        if nesting == -1:
            result = "</" + token.tag
        elif token.block and idx and tokens[idx - 1].hidden:
            result = "\n<" + token.tag
        else:
            result = "<" + token.tag
        if token.attrs:
            result += "".join([f' {_escape(key)}="{_escape(str(value))}"' for key, value in token.attrs.items()])
        if nesting == 0 and options["xhtmlOut"]:
            result += " /"
        if not token.block:
            return result + ">"
        if nesting == 1 and idx + 1 < len(tokens):
            following = tokens[idx + 1]
            if following.type == "inline" or following.hidden or (following.nesting == -1 and following.tag == token.tag):
                return result + ">"
        return result + ">\n"


def _escape(text: str) -> str:
    return escapeHtml(text) if _ESCAPED.search(text) else text
