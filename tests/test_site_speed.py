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
TEXT = st.text(st.sampled_from(list("\\`*_[]<>|!&~#^-+=.)( \t\n\r\x0b\x0c\x1c\u2028\x85aZ09٣²Kİßæøå")) | st.characters())


def _escape_md_plainly(value) -> str:
    """escape_md as it was written first, one regular expression per step."""
    if value is None:
        return ""
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in str(value).splitlines()]
    text = re.sub(r"([\\`*_\[\]<>|!&~#^])", r"\\\1", "; ".join(line for line in lines if line))  # ^: 9d20791
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


# ------------------------------------------------------------------ block rules (blocks.py)

def _markdown_its_rules():
    """The site's parser with markdown-it's own block rules, inline pass and HTML renderer (our
    render rules moved over to it): what ours must equal."""
    from markdown_it import rules_block, rules_core
    from markdown_it.renderer import RendererHTML

    from aftaler.render.site import blocks
    from aftaler.render.site.html import _markdown
    md = _markdown.__wrapped__()
    theirs = {name: fn for name, (fn, _) in blocks._STARTS.items()} | {"code": rules_block.code, "table": rules_block.table}
    for rule in md.block.ruler.__rules__:
        if rule.name in theirs:
            md.block.ruler.at(rule.name, theirs[rule.name], {"alt": rule.alt})
    md.core.ruler.at("inline", rules_core.inline)
    md.core.ruler.at("normalize", rules_core.normalize)
    ours, md.renderer = md.renderer, RendererHTML()
    for name, rule in ours.rules.items():
        if getattr(RendererHTML, name, None) is not rule.__func__:
            md.renderer.rules[name] = rule.__func__.__get__(md.renderer)
    assert type(md.renderer) is RendererHTML and md.renderer.rules.keys() == ours.rules.keys()
    assert [r.fn for r in md.block.ruler.__rules__ if r.name in theirs] == [theirs[r.name] for r in md.block.ruler.__rules__
                                                                          if r.name in theirs]
    return md


def _parses_as_markdown_it(text: str):
    """Our parser's tokens for `text`, asserted equal (every field, children too) to markdown-it's,
    and the same HTML."""
    from markdown_it.utils import OptionsDict

    from aftaler.render.site.html import _markdown
    ours, theirs = _markdown(), _markdown_its_rules()
    tokens = ours.parse(text, {})
    assert tokens == theirs.parse(text, {})
    assert ours.renderer.render(tokens, ours.options, {}) == theirs.render(text, {})
    xhtml = OptionsDict({**ours.options, "xhtmlOut": True})  # the other branch of a tag's ending
    assert ours.renderer.render(tokens, xhtml, {}) == theirs.renderer.render(tokens, xhtml, {})
    return tokens


ROW_TEXT = st.text(st.sampled_from(list("|\\ \t:-a*`<>#[]^!1.\xa0\u2028")), max_size=14)


@settings(max_examples=2000, deadline=None)
@given(ROW_TEXT | st.text(max_size=10))
def test_row_splitting_is_markdown_its(text):
    from markdown_it.rules_block.table import escapedSplit

    from aftaler.render.site.blocks import _split_row
    assert _split_row(text) == escapedSplit(text)


CELL = st.text(st.sampled_from(list("a1 \\|`*<>#:-_[]\t\xa0")), max_size=6) | st.sampled_from(
    ["Aktivitet 2025", "\\|", "a \\| b", "\\\\|", "`a|b`", "**fed**", '<a id="r1"></a>Navn', "[x](y.md)", "[^1]", " "])
DELIMITER = st.sampled_from(["---", " --- ", ":---", "---:", ":-:", "-", " :--: ", "--", "- -", "x", "", "::", "-:-"])
INDENT = st.sampled_from(["", "", " ", "   ", "    ", "\t", "  "])


@st.composite
def tables(draw) -> list[str]:
    """A GFM table and its near misses: pipes or not at the ends, ragged rows, odd delimiter rows."""
    columns = draw(st.integers(1, 4))

    def row(n: int, cell=CELL) -> str:
        cells = draw(st.lists(cell, min_size=n, max_size=n))
        lead, tail = draw(st.sampled_from(["|", "| ", ""])), draw(st.sampled_from(["|", " |", "", "  ", "| "]))
        return draw(INDENT) + lead + "|".join(cells) + tail

    header = row(columns)
    delimiter = row(draw(st.sampled_from([columns, columns, columns, columns + 1, max(1, columns - 1)])), DELIMITER)
    body = [row(draw(st.integers(0, columns + 2))) for _ in range(draw(st.integers(0, 4)))]
    return [header, delimiter] + body


OTHER_LINES = st.sampled_from(["", "tekst", "- punkt", "* punkt", "+ punkt", "1. punkt", "2) punkt", "-", "> citat", "```",
                               "~~~", "    kode", "# Overskrift", "---", "===", "***", "___", "_ _ _", "- - -", "10. x", "[^1]: note", "[a]: /b", "<div>",
                               "| a |", "a | b", ":", "\t- x", "  - indrykket", "-a", "#nej", ">", "a\r\nb", "|\r|", "\r\r\n",
                               "a\0b", "* * *", "*\t*\t*", "-- -", "**fed**", "*x", "+x", "-\tx", "*\tx",
                               "- **Pulje:** 2019-26", "1.x", "1)", "**"])


@st.composite
def documents(draw) -> str:
    """Tables among other blocks, some of them inside a list item or a quote."""
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        block = draw(tables()) if draw(st.booleans()) else draw(st.lists(OTHER_LINES, min_size=1, max_size=3))
        container = draw(st.sampled_from(["", "", "> ", "- ", "1. ", "  ", ">"]))
        if container:
            block = [container + block[0]] + [draw(st.sampled_from([container, " " * len(container), ""])) + line
                                              for line in block[1:]]
        lines += block + draw(st.sampled_from([[], [""], ["tekst"]]))
    return "\n".join(lines)


@settings(max_examples=1500, deadline=None)
@given(documents())
def test_tables_and_lists_parse_as_markdown_it(text):
    _parses_as_markdown_it(text)


def test_a_table_as_markdown_it_reads_it():
    """Alignments, an escaped pipe, a ragged row, a row too many; the table ends at a list."""
    tokens = _parses_as_markdown_it("| a | b \\| c | d |\n|:-|-:|:-:|\n| 1 |\n| 1 | 2 | 3 | 4 |\n- punkt\n")
    cells = [t.content for t in tokens if t.type == "inline"]
    assert cells == ["a", "b | c", "d", "1", "", "", "1", "2", "3", "punkt"]
    assert [t.attrGet("class") for t in tokens if t.type == "td_open"] == ["align-left", "num", "align-center"] * 2


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 12), st.integers(1, 6), st.lists(st.integers(0, 8), max_size=8))
def test_the_autocompleted_cells_limit_is_markdown_its(limit, columns, rows):
    """Short rows under a wide header: the table stops where markdown-it's stops, at a limit of
    empty cells filled in (65.536; made small here, in markdown-it's module, where ours reads it)."""
    from unittest import mock

    from markdown_it.rules_block.table import MAX_AUTOCOMPLETED_CELLS
    text = "|" + "a|" * columns + "\n|" + "-|" * columns + "\n" + "".join("|x" * n + "|\n" for n in rows)
    with mock.patch.object(sys.modules["markdown_it.rules_block.table"], "MAX_AUTOCOMPLETED_CELLS", limit):
        _parses_as_markdown_it(text)
    assert MAX_AUTOCOMPLETED_CELLS == 0x10000


def test_the_limit_itself():
    text = "|" + "a|" * 257 + "\n|" + "-|" * 257 + "\n" + "|x|\n" * 300
    tokens = _parses_as_markdown_it(text)
    assert sum(t.type == "tr_open" for t in tokens) == 1 + 256  # the header, and the rows before the limit


def test_the_example_pages_parse_as_markdown_it():
    """Every Markdown page of the example set and the small test set, token for token."""
    from conftest import SETS
    from test_site import amager_documents
    from test_site import documents as set_documents

    from aftaler.render.site import render_site
    files = render_site(set_documents(SETS / "lille") + amager_documents())
    pages = [data.decode() for name, data in files.items() if name.endswith(".md")]
    assert len(pages) > 10
    for page in pages:
        _parses_as_markdown_it(page)


@settings(max_examples=300, deadline=None)
@given(st.sets(st.characters(), max_size=12), st.text(max_size=20))
def test_the_active_characters_are_the_lookaheads(extra, text):
    """_active_re's class finds what "a terminator, not inert" finds, for markdown-it's terminators
    and any it adds (add_terminator_char); a class with a range is searched as it is."""
    from markdown_it import MarkdownIt

    from aftaler.render.site.html import _INERT, _active_re
    md = MarkdownIt("js-default")
    for ch in extra:
        md.inline.add_terminator_char(ch)
    for pattern in (md.inline.terminator_re.pattern, "[a-c" + re.escape("".join(sorted(extra))) + "]"):
        lookahead = re.compile(f"(?![{re.escape(_INERT)}])(?:{pattern})")
        ours = _active_re(pattern)
        for ch in list(text) + sorted(extra) + [chr(c) for c in range(0x80)]:
            assert bool(ours.match(ch)) == bool(lookahead.match(ch)), (pattern, ch)
    assert "(?!" not in _active_re(md.inline.terminator_re.pattern).pattern


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from(list("\r\n\0a\u2028\x85")) | st.characters()))
def test_normalize_is_markdown_its(text):
    from markdown_it.rules_core import normalize as theirs
    from markdown_it.rules_core.state_core import StateCore

    from aftaler.render.site.blocks import normalize
    ours, expected = StateCore(text, None, {}), StateCore(text, None, {})
    normalize(ours)
    theirs(expected)
    assert ours.src == expected.src


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from(list('&<>"\'a æ;#')) | st.characters()))
def test_the_renderers_escape_is_markdown_its(text):
    from markdown_it.common.utils import escapeHtml

    from aftaler.render.site.renderer import _escape
    assert _escape(text) == escapeHtml(text)


def test_our_rules_go_in_only_over_the_markdown_it_rules_they_were_written_from():
    """With markdown-it's own rules (the pinned version) ours replace them; where a rule is not
    the one ours copy (another version, another plugin), markdown-it's stay and pages come out
    as markdown-it makes them, not wrong and not a crash."""
    from mdit_py_plugins.footnote import footnote_plugin

    from aftaler.render.site import blocks, html

    ours = MarkdownIt("js-default").use(footnote_plugin)
    assert blocks.faster_rules(ours)
    assert ours.block.ruler.__rules__[[r.name for r in ours.block.ruler.__rules__].index("table")].fn is blocks.table

    def other_table(state, start, end, silent):
        return False

    changed = MarkdownIt("js-default").use(footnote_plugin)
    changed.block.ruler.at("table", other_table)
    before = [(r.name, r.fn) for r in changed.block.ruler.__rules__]
    assert not blocks.faster_rules(changed)
    assert [(r.name, r.fn) for r in changed.block.ruler.__rules__] == before
    assert changed.core.ruler.getRules("")[0] is not blocks.normalize

    site = html._markdown()
    assert html._shortcut_holds(site)
    assert not html._shortcut_holds(MarkdownIt("js-default", {"linkify": True}).use(footnote_plugin))
