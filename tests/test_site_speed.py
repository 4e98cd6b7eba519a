"""The site's fast paths keep their promises: the same escaping, fields that never swallow the page, a light import."""
from __future__ import annotations

import re
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from aftaler.render.site import _close_fences, escape_md
from aftaler.render.site.generic import _ident

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
def test_a_field_never_swallows_what_follows_it(text):
    """Whatever fences a field opens, the page's next paragraph is still a paragraph."""
    tokens = MarkdownIt("js-default").parse(_close_fences(text) + "\n\nEfter feltet.\n")
    assert any(t.type == "inline" and t.content == "Efter feltet." for t in tokens)
    if "```" not in text and "~~~" not in text:
        assert _close_fences(text) == text  # the fast path: nothing to close


def test_import_leaves_word_libraries_out():
    """Assembling the site in the build's main process must not load python-docx or the models."""
    code = "import sys, aftaler.render.site; print(sorted(m for m in ('docx', 'aftaler.render.richtext', 'aftaler.model.documents') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@settings(max_examples=500, deadline=None)
@given(st.lists(TEXT | st.sampled_from(["| a | b |\n| --- | --- |\n| 1 | 2 |", "# Overskrift", "- punkt", "[x](y.md)",
                                        '<a id="r1"></a>', "Aktivitet 2025", "**fed** tekst", "[^1]\n\n[^1]: note"]),
                max_size=6).map("\n".join))
def test_plain_text_shortcut_renders_as_the_parser(text):
    """Text without inline syntax skips the inline parser: the page is the same as with it."""
    from markdown_it import rules_core

    from aftaler.render.site.html import _markdown
    ours, plain = _markdown(), _markdown.__wrapped__()
    plain.core.ruler.at("inline", rules_core.inline)
    assert ours.render(text, {}) == plain.render(text, {})


ANCHORED = st.tuples(st.sampled_from(["", '<a id="r1"></a>', '<a id="bs-jki"></a>', '<a id="x"></a><a id="y"></a>',
                                      '<a id="Bad"></a>', '<a id="r1"> </a>', "<a", "<"]),
                     TEXT | TEXT.map(escape_md) | st.sampled_from(
                         ["Aktivitet 2025", " tekst", "**fed**", "[x](y.md)", "a\nb", "a  \nb", "", "II \\& III", "a\\",
                          "\\a", "\\\\", "\\\n", "\\[^1\\]", "\\*ikke fed\\*", "\\😀", "1\\. januar",
                          "Til aftalen hører:", "15-29-årige", "72 % (UP)", "a@b.dk", "x ${y} = 3 + 4", "#1 > 0",
                          "https://x.dk", "a:b", "&amp;", "&", "!", "^", "]",
                          "og\nuddannelse", "a \n  b", "a  \nb", "a   \n\tb", "  \n", " \n", "\n", "\\.  \nb", "a\n\n"]))
LABEL = st.tuples(st.sampled_from(["a", "Pulje", "3", "æ", "_", "\\:", " ", "*", "<", ""]),
                  TEXT | TEXT.map(escape_md) | st.sampled_from(["", " og ", ":", "a**b"]),
                  st.sampled_from(["", ":", " ", "\\:", "\\*", "\xa0", "\\\\", "*", "_", "."])).map("".join)
BOLD = st.tuples(st.sampled_from(["**", "**", "*", "***", "__", ""]), LABEL, st.sampled_from(["**", "**", "*", "***", ""]),
                 st.sampled_from(["", " ", "x", ":", "\xa0", "\u2028", "\\:"]),
                 TEXT | TEXT.map(escape_md) | st.sampled_from(["", " 2019-26", "**b**", " **b**", " \\.", "  \nb", " \n", "\n b"]))


def _shortcut_as_parser(content: str):
    """The shortcut's tokens for `content` (None where it does not answer), asserted equal to the
    inline parser's wherever it answers."""
    from aftaler.render.site.html import _active_re, _markdown, _plain_children
    md = _markdown()
    children = _plain_children(content, _active_re(md.inline.terminator_re.pattern))
    if children is not None:
        assert children == md.inline.parse(content, md, {}, [])
    return children


@settings(max_examples=1000, deadline=None)
@given(ANCHORED)
def test_plain_children_are_the_parsers_tokens(parts):
    """Where the shortcut answers, its tokens equal the inline parser's, field for field."""
    children = _shortcut_as_parser("".join(parts))
    if parts[0] in ("", '<a id="r1"></a>', '<a id="bs-jki"></a>') and parts[1] in (
            "Aktivitet 2025", "II \\& III", "Til aftalen hører:", "15-29-årige", "x ${y} = 3 + 4", "og\nuddannelse"):
        assert children is not None  # a row's first cell and a plain cell take the shortcut


@settings(max_examples=2000, deadline=None)
@given(st.tuples(st.sampled_from(["", '<a id="r1"></a>']), BOLD.map("".join)))
def test_plain_children_of_bold_labels_are_the_parsers_tokens(parts):
    """`**Label:** value` as our templates write it, and its near misses."""
    _shortcut_as_parser("".join(parts))
    for label in ("**Pulje:** 2019-26", "**31.169**", "**Periode:** 1\\. januar", '<a id="i-alt"></a>**I alt**',
                  "**A\\:**", "**A\\:** b", "**A:**"):
        assert _shortcut_as_parser(label) is not None  # answered, and equal to the parser's


def test_the_shortcut_escapes_what_markdown_it_escapes():
    from markdown_it.rules_inline.escape import _ESCAPED

    from aftaler.render.site.html import _ASCII_PUNCTUATION
    assert _ASCII_PUNCTUATION == _ESCAPED
