"""markdown-it's block rules, the same tokens for less work: a page is mostly tables and lists.

`table` is markdown-it-py's GFM table rule (rules_block/table.py, 4.3.0) with its rows split by
str methods instead of a loop over every character. `faster_rules` installs it, and puts in
front of each rule that can only start at certain characters (a fence at "`" or "~", a heading at "#" …)
the check of that character, before the rule's logging and set-up: every block rule is tried
at every line that starts a block, and at every line of a paragraph or table row to see if it
ends it. `normalize` is markdown-it's first core rule by str.replace instead of a regular
expression that replaces every line break by itself. The tests hold them to markdown-it's own
rules, token for token.
"""
from __future__ import annotations

import importlib
import re

from markdown_it import MarkdownIt, rules_block, rules_core
from markdown_it.common.utils import MD_TRIM_CHARS
from markdown_it.rules_block.table import headerLineRe
from markdown_it.token import Token
from mdit_py_plugins.footnote.index import footnote_def

# The characters a block rule can start at (after the line's indent): on any other character
# the rule returns False before it changes anything. markdown-it's rules and the footnotes'.
_STARTS = {
    "fence": (rules_block.fence, "~`"),
    "blockquote": (rules_block.blockquote, ">"),
    "hr": (rules_block.hr, "*-_"),
    "list": (rules_block.list_block, "*-+0123456789"),
    "footnote_def": (footnote_def, "["),
    "reference": (rules_block.reference, "["),
    "html_block": (rules_block.html_block, "<"),
    "heading": (rules_block.heading, "#"),
}


def normalize(state) -> None:
    """markdown-it's normalize: "\\r\\n" and a lone "\\r" become "\\n", NUL becomes U+FFFD."""
    state.src = state.src.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")


def faster_rules(md: MarkdownIt) -> bool:
    """Our `table` and `normalize` for markdown-it's. Each rule of _STARTS answers False at once
    on a line starting with another character; on an empty line, or one it can start at, the rule
    itself answers. `code` answers False at once where the line is no code block (its own first
    check). Installed only where markdown-it's rules are those ours were written from; with any
    other, markdown-it's own stay (the same pages, more slowly). Whether they were installed."""
    ruler = md.block.ruler
    expected = {**{name: fn for name, (fn, _) in _STARTS.items()}, "code": rules_block.code, "table": rules_block.table}
    if md.core.ruler.getRules("")[0] is not rules_core.normalize or any(
            rule.fn is not expected[rule.name] for rule in ruler.__rules__ if rule.name in expected):
        return False
    md.core.ruler.at("normalize", normalize)
    for rule in ruler.__rules__:
        if rule.name in _STARTS:
            fn, starts = _STARTS[rule.name]
            ruler.at(rule.name, _guarded(_CLOSER.get(rule.name, fn), starts), {"alt": rule.alt})
        elif rule.name == "code":
            ruler.at("code", _code, {"alt": rule.alt})
        elif rule.name == "table":
            ruler.at("table", table, {"alt": rule.alt})
    return True


def _guarded(rule, starts: str):
    def guarded(state, startLine: int, endLine: int, silent: bool) -> bool:
        pos = state.bMarks[startLine] + state.tShift[startLine]
        if pos < state.eMarks[startLine] and state.src[pos] not in starts:
            return False
        return rule(state, startLine, endLine, silent)
    guarded.__name__ = rule.__name__
    return guarded


def _hr(state, startLine: int, endLine: int, silent: bool) -> bool:
    """hr answers False where the line holds anything but its marker, spaces and tabs."""
    pos, end = state.bMarks[startLine] + state.tShift[startLine], state.eMarks[startLine]
    if pos < end and state.src[pos:end].strip(state.src[pos] + " \t"):
        return False
    return rules_block.hr(state, startLine, endLine, silent)


def _list(state, startLine: int, endLine: int, silent: bool) -> bool:
    """A bullet ("*", "-", "+") followed by anything but a space or tab is no list item (and
    no number: its ordered marker fails at the first character)."""
    pos, end = state.bMarks[startLine] + state.tShift[startLine], state.eMarks[startLine]
    if pos + 1 < end and state.src[pos] in "*-+" and state.src[pos + 1] not in " \t":
        return False
    return rules_block.list_block(state, startLine, endLine, silent)


# Rules whose next check is as cheap: hr's whole line, the list's character after a bullet.
_CLOSER = {"hr": _hr, "list": _list}


def _code(state, startLine: int, endLine: int, silent: bool) -> bool:
    if not state.is_code_block(startLine):
        return False
    return rules_block.code(state, startLine, endLine, silent)


# markdown-it's module (its name is also the rule's): its limit of empty cells filled in, read there.
_GFM_TABLE = importlib.import_module("markdown_it.rules_block.table")

# The delimiter row's characters, as markdown-it checks them one by one: "|", "-" or ":" first,
# then at least one more of those or a space or tab.
_DELIMITER_ROW = re.compile(r"[-:|][-:| \t]+")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def _split_row(text: str) -> list[str]:
    """markdown-it's escapedSplit: cells between pipes that follow no backslash; an escaped pipe
    loses its backslash (the one just before it: in `\\\\|` the pipe is escaped too)."""
    if "\\|" not in text:
        return text.split("|")
    return [cell.replace("\\|", "|") for cell in _UNESCAPED_PIPE.split(text)]


def _line(state, line: int) -> str:
    """The line without its indent, trimmed (markdown-it's mdTrim(getLine(…)))."""
    return state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]].strip(MD_TRIM_CHARS)


def _row_cells(text: str) -> list[str]:
    """A row's cells as markdown-it splits them, the outer pipes' empty cells dropped."""
    columns = _split_row(text)
    if columns and columns[0] == "":
        columns.pop(0)
    if columns and columns[-1] == "":
        columns.pop()
    return columns


def table(state, startLine: int, endLine: int, silent: bool) -> bool:
    """markdown-it-py's `table` rule, step for step (see its source); only the splitting and the
    delimiter row's character check are done by str methods and a regular expression."""
    if startLine + 2 > endLine:
        return False
    nextLine = startLine + 1
    if state.sCount[nextLine] < state.blkIndent or state.is_code_block(nextLine):
        return False
    pos, end = state.bMarks[nextLine] + state.tShift[nextLine], state.eMarks[nextLine]
    if pos >= end or not _DELIMITER_ROW.fullmatch(state.src, pos, end):
        return False
    if state.src[pos] == "-" and state.src[pos + 1] in " \t":
        return False  # a list item, not a table (markdown-it's "parsing ambiguity with list")

    aligns = []
    columns = state.src[pos:end].split("|")
    for i, column in enumerate(columns):
        t = column.strip(MD_TRIM_CHARS)
        if not t:
            # empty columns allowed before and after the table, not between columns
            if i == 0 or i == len(columns) - 1:
                continue
            return False
        if not headerLineRe.search(t):
            return False
        if t[-1] == ":":
            aligns.append("center" if t[0] == ":" else "right")
        elif t[0] == ":":
            aligns.append("left")
        else:
            aligns.append("")

    lineText = _line(state, startLine)
    if "|" not in lineText or state.is_code_block(startLine):
        return False
    columns = _row_cells(lineText)
    columnCount = len(columns)
    if columnCount == 0 or columnCount != len(aligns):
        return False
    if silent:
        return True

    oldParentType = state.parentType
    state.parentType = "table"
    terminatorRules = state.md.block.ruler.getRules("blockquote")
    push = state.push
    styles = ["text-align:" + a if a else "" for a in aligns]

    token = push("table_open", "table", 1)
    token.map = tableLines = [startLine, 0]
    push("thead_open", "thead", 1).map = [startLine, startLine + 1]
    push("tr_open", "tr", 1).map = [startLine, startLine + 1]
    for i in range(columnCount):
        _cell(state.tokens, "th", state.level, styles[i], startLine, columns[i].strip(MD_TRIM_CHARS))
    push("tr_close", "tr", -1)
    push("thead_close", "thead", -1)

    tbodyLines = None
    autocompleted_cells = 0
    nextLine = startLine + 2
    while nextLine < endLine:
        if state.sCount[nextLine] < state.blkIndent:
            break
        if _terminates(terminatorRules, state, nextLine, endLine):
            break
        lineText = _line(state, nextLine)
        if not lineText or state.is_code_block(nextLine):
            break
        columns = _row_cells(lineText)
        # can be negative where a row has more cells than the header; it only limits expansion
        autocompleted_cells += columnCount - len(columns)
        if autocompleted_cells > _GFM_TABLE.MAX_AUTOCOMPLETED_CELLS:
            break
        if nextLine == startLine + 2:
            token = push("tbody_open", "tbody", 1)
            token.map = tbodyLines = [startLine + 2, 0]
        push("tr_open", "tr", 1).map = [nextLine, nextLine + 1]
        cells = len(columns)
        for i in range(columnCount):
            _cell(state.tokens, "td", state.level, styles[i], nextLine, columns[i].strip(MD_TRIM_CHARS) if i < cells else "")
        push("tr_close", "tr", -1)
        nextLine += 1

    if tbodyLines:
        push("tbody_close", "tbody", -1)
        tbodyLines[1] = nextLine
    push("table_close", "table", -1)
    tableLines[1] = nextLine
    state.parentType = oldParentType
    state.line = nextLine
    return True


def _cell(tokens: list[Token], tag: str, level: int, style: str, line: int, content: str) -> None:
    """A cell's three tokens, as state.push makes them (a block token at the state's level, the
    opening raising it for the inline token), without three calls to it: a page has thousands."""
    opening = Token(tag + "_open", tag, 1)
    opening.level, opening.block = level, True
    if style:
        opening.attrs = {"style": style}
    inline = Token("inline", "", 0)
    inline.level, inline.block, inline.map, inline.content, inline.children = level + 1, True, [line, line + 1], content, []
    closing = Token(tag + "_close", tag, -1)
    closing.level, closing.block = level, True
    tokens += (opening, inline, closing)


def _terminates(rules: list, state, line: int, endLine: int) -> bool:
    for rule in rules:
        if rule(state, line, endLine, True):
            return True
    return False
