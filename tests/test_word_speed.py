"""The Word files' shortcuts (issue 19) give what the longer way gives: each is held equal to it here."""
from __future__ import annotations

import copy
import io

import jinja2
from docx import Document
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from hypothesis import event, given, settings
from hypothesis import strategies as st
from lxml import etree

from aftaler.render import richtext, word_layout
from aftaler.render.word import _cell_property, _paragraph_text, _strict_environment, _Template, render_docx

# Words as tables hold them: long Danish compounds, numbers, joined by hyphens and dashes.
WORDS = ["Kriminalitetsforebyggelse", "bolig", "drift", "2019/2020", "1.250.000", "kr.", "(UP)", "og",
         "Integrationsforvaltningen", "Æblehaven", "ø", "-", "–", "Helhedsplan-sekretariatet"]
word = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map("-".join) | st.sampled_from(WORDS)
text = st.lists(word, min_size=0, max_size=12).map(" ".join)


@given(word=st.text(alphabet="abæø-–1 /", max_size=12))
def test_pieces_are_the_pattern_s_pieces(word):
    assert word_layout._pieces(word) == [p for p in word_layout._BREAKS.split(word) if p]


@given(piece=st.text(alphabet="abcæøÅé1-–.", max_size=14))
def test_hyphenatable_is_a_long_enough_run_of_letters(piece):
    expected = any(len(m.group()) >= word_layout._MIN_HYPHENATE for m in word_layout._LETTERS.finditer(piece))
    assert word_layout._hyphenatable(piece) == expected


def _cell(width_cm: float, runs: list[list[str]]):
    """A one-cell table whose paragraph holds `runs`, each a list of w:t texts."""
    doc = Document()
    table = doc.add_table(rows=1, cols=1)
    table._tbl.tblGrid.findall(qn("w:gridCol"))[0].set(qn("w:w"), str(Cm(width_cm).twips))
    p = table.rows[0].cells[0]._tc.findall(qn("w:p"))[0]
    for texts in runs:
        r = OxmlElement("w:r")
        for piece in texts:
            t = OxmlElement("w:t")
            t.text = piece
            r.append(t)
        p.append(r)
    return table._tbl


def _every_wide_run_hyphenated(tbl, size: int) -> None:
    """hyphenate_cells without its shortcut: every run wider than the room goes to _hyphenate_run."""
    _, widths = word_layout._grid_of(tbl)
    for col, span, tc in word_layout._cells_by_column(tbl):
        available = sum(widths[col:col + span]) - word_layout._CELL_MARGIN
        for r, run_size, bold, indent, _, width in list(word_layout._runs(tc, size)):
            if width > available - indent:
                word_layout._hyphenate_run(r, available - indent, run_size, bold)


@settings(max_examples=150, deadline=None)
@given(width=st.floats(1.0, 6.0), runs=st.lists(st.lists(text, min_size=1, max_size=3), min_size=1, max_size=3))
def test_hyphenating_only_runs_with_a_piece_too_wide_changes_nothing_else(width, runs):
    tbl = _cell(width, runs)
    expected = copy.deepcopy(tbl)
    _every_wide_run_hyphenated(expected, 22)
    word_layout.hyphenate_cells(tbl, 22)
    assert etree.tostring(copy.deepcopy(tbl)) == etree.tostring(expected)  # copies: the same namespace declarations


def test_placeholders_keep_their_own_run_look_though_looks_are_kept_per_template(tmp_path):
    """Run looks are built once per template and copied; each placeholder's own run properties
    are part of the key, so two placeholders never swap looks, in one render or the next."""
    path = tmp_path / "t.docx"
    doc = Document()
    doc.add_paragraph().add_run("{{ a|md }}").font.size = Pt(14)
    doc.add_paragraph().add_run("{{ b|md }}").italic = True
    doc.save(path)
    for context in ({"a": "Første **fed**", "b": "Anden **fed**"}, {"a": "Igen", "b": "Og *igen*"}):
        out = Document(io.BytesIO(render_docx(path, context)))
        first, second = (p for p in out.paragraphs if p.text)
        assert {run.font.size for run in first.runs} == {Pt(14)} and not any(run.italic for run in first.runs)
        assert all(run.italic for run in second.runs) and {run.font.size for run in second.runs} == {None}
        assert [bool(run.bold) for run in first.runs] == ["fed" in run.text for run in first.runs]


# Pieces of rendered body XML: paragraphs (plain, with attributes, with a text box holding
# another paragraph), runs with and without properties, text with the characters docxtpl
# rewrites, and what lies between paragraphs.
_chars = st.text(alphabet="ab \t\n\a\f<", max_size=6).map(lambda t: t.replace("<", "&lt;"))
_run = st.builds(lambda props, texts: f"<w:r>{props}{''.join(f'<w:t>{t}</w:t>' for t in texts)}</w:r>",
                 st.sampled_from(["", "<w:rPr><w:b/></w:rPr>"]), st.lists(_chars, max_size=2))
_paragraph = st.builds(
    lambda start, props, runs, inner: f"{start}{props}{''.join(runs)}{inner}</w:p>",
    st.sampled_from(["<w:p>", '<w:p w:rsidR="00A1">']), st.sampled_from(["", "<w:pPr><w:jc w:val=\"left\"/></w:pPr>"]),
    st.lists(_run, max_size=3),
    st.sampled_from(["", "<w:r><w:txbxContent><w:p><w:r><w:t>x\ny</w:t></w:r></w:p></w:txbxContent></w:r>"]))
_between = st.sampled_from(["", "<w:tbl><w:tr><w:tc>", "</w:tc></w:tr></w:tbl>", "\n", "<w:sectPr/>"])


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.tuples(_between, _paragraph), max_size=6))
def test_listing_resolved_per_paragraph_equals_docxtpl_s_whole_pass(parts):
    xml = "".join(between + paragraph for between, paragraph in parts)
    assert _Template(None).resolve_listing(xml) == DocxTemplate(None).resolve_listing(xml)


@given(text=st.text(alphabet="ab }%#&<>'\"\t\n\r\u00e6\u2028", max_size=12))
def test_a_text_without_a_tag_renders_as_jinja_renders_it(text):
    """A text without "{" and without a line break skips Jinja; with a line break it does not."""
    env = _strict_environment()
    template = env.from_string(text)
    assert template.render({"x": 1}) == env._compiled(text).render({"x": 1})
    assert isinstance(template, jinja2.Template) == ("\n" in text or "\r" in text)


@given(properties=st.lists(st.lists(st.sampled_from(["w:tcW", "w:gridSpan", "w:shd"]), max_size=3), max_size=3))
def test_a_cell_property_is_what_find_with_its_path_gives(properties):
    tc = OxmlElement("w:tc")
    for n, tags in enumerate(properties):
        tc_pr = OxmlElement("w:tcPr")
        for m, tag in enumerate(tags):
            tc_pr.append(OxmlElement(tag, attrs={qn("w:w"): f"{n}{m}"}))
        tc.append(tc_pr)
    for tag in ("w:tcW", "w:gridSpan"):
        assert _cell_property(tc, qn(tag)) is tc.find(f"{qn('w:tcPr')}/{qn(tag)}")


# Text as authors type it, with the characters that matter to markdown-it's line and paragraph
# rules: spaces (one, two, four), line breaks, and what could open a list or end a paragraph.
_piece = st.sampled_from(["Bolig", "er", "godt", "æøå", "-", "–", ":", "%", "{x}", "@", "'", '"', "1.", "2)", "12",
                          " ", "  ", "    ", "\n", "\n\n", " \n", "  \n", "\n  ", "\n    ", ".", ",", "a-b", "#", "*",
                          "\t", "\xa0", "+", "=", "|", "[", ">", "!"])


_plain_piece = _piece.filter(lambda piece: piece not in ("#", "*", "\t", "\xa0", "+", "=", "|", "[", ">", "!"))


@settings(max_examples=800, deadline=None)
@given(pieces=st.lists(_piece, max_size=14) | st.lists(_plain_piece, max_size=20))
def test_plain_text_gives_the_paragraphs_markdown_it_gives(pieces):
    text = "".join(pieces)
    plain = richtext._NOT_PLAIN.search(text) is None
    event("plain" if plain else "markdown")
    if plain:
        assert richtext._plain_paragraphs(text) == richtext._parse_markdown(text)
    assert richtext._parse(text) == richtext._parse_markdown(text)


_content = st.sampled_from(["<w:t>a</w:t>", '<w:t xml:space="preserve"> b </w:t>', "<w:t/>", "<w:tab/>", "<w:br/>",
                            '<w:br w:type="page"/>', "<w:cr/>", "<w:noBreakHyphen/>", "<w:ptab/>",
                            "<w:instrText>x</w:instrText>", "<w:delText>d</w:delText>", "<w:rPr><w:b/></w:rPr>"])
_inline = st.lists(_content, max_size=4).map(lambda c: f"<w:r>{''.join(c)}</w:r>")
_child = _inline | _inline.map(lambda r: f'<w:hyperlink r:id="rId1">{r}</w:hyperlink>') | st.just(
    "<w:sdt><w:sdtContent><w:r><w:t>i</w:t></w:r></w:sdtContent></w:sdt>") | st.just("<w:pPr/>")


@given(children=st.lists(_child, max_size=5))
def test_paragraph_text_is_python_docx_s(children):
    p = parse_xml(f"<w:p {nsdecls('w', 'r')}>{''.join(children)}</w:p>")
    assert _paragraph_text(p) == Paragraph(p, None).text
