"""The site's fast paths give what the plain ways gave: same escaping, same fences, a light import."""
from __future__ import annotations

import re
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from aftaler.site import _close_fences, escape_md
from aftaler.site_generic import _ident

# Markdown syntax, every kind of line break, digits that are and are not ASCII, letters that lower() changes.
TEXT = st.text(st.sampled_from(list("\\`*_[]<>|!&~#-+=.)( \t\n\r\x0b\x0c\x1c\u2028\x85aZ09٣²Kİßæøå")) | st.characters())


def _escape_md_plainly(value) -> str:
    """escape_md as it was written first, one regular expression per step."""
    if value is None:
        return ""
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in str(value).splitlines()]
    text = re.sub(r"([\\`*_\[\]<>|!&~#])", r"\\\1", "; ".join(line for line in lines if line))
    text = re.sub(r"^(\d+)([.)])(?=\s|$)", r"\1\\\2", text)
    return "\\" + text if text[:1] in "-+=" and text else text


def _close_fences_always_parsing(text: str) -> str:
    lines = text.split("\n")
    for token in MarkdownIt("js-default").parse(text):
        if token.type == "fence" and token.map and token.map[1] >= len(lines):
            last = lines[-1].strip()
            closed = token.map[1] - token.map[0] > 1 and last and set(last) == {token.markup[0]} \
                and len(last) >= len(token.markup)
            if not closed:
                return text + "\n" + token.markup
    return text


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_escape_md_as_before(text):
    assert escape_md(text) == _escape_md_plainly(text)


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_generic_ids_as_before(text):
    plain = "".join(c if c.isalnum() and c.isascii() else "-" for c in text.lower()).strip("-") or "id"
    assert _ident(text) == plain


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["```", "~~~", "````", "~~~~ python", "- ```", "> ~~~", "tekst", "    ```", ""]),
                max_size=6).map("\n".join))
def test_fences_closed_as_before(text):
    assert _close_fences(text) == _close_fences_always_parsing(text)


def test_import_leaves_word_libraries_out():
    """Assembling the site in the build's main process must not load python-docx or the models."""
    code = "import sys, aftaler.site; print(sorted(m for m in ('docx', 'aftaler.richtext', 'aftaler.model') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
