"""Text that would be lost or changed without a word: footnotes, accidental lists, footnote syntax
where no footnote can be.

Markdown fields (the schemas' `tekst` definition) become real Word paragraphs, lists and
footnotes; other strings are printed exactly as typed. So, per text value of a valid document:
- a footnote defined twice keeps one definition and drops the other unseen (error);
- a footnote definition no reference uses would be dropped with its text (error);
- a reference with no definition would print as "[^n]" (error);
- a line that starts with "1. " or "- " right under a line of prose turns that line and the rest
  into a list in the middle of the paragraph, often after an editor re-wrapped it (warning: the
  author may mean a list, and then writes a blank line before it);
- footnote syntax in a field that is not Markdown prints as typed (warning);
- a link to a file on the reader's own machine (`file:`, an absolute path, a relative path that
  climbs out of the site like `../../../../etc/passwd`) would never work for another reader and
  could open the reader's own files from a site opened from disk: the renderers show it as text,
  never as a link (warning, at the link);
- a Markdown field beyond the bounds of aftaler/markdown_limits.py (length, brackets) would take
  the parser minutes (error, at the value).
"""
from __future__ import annotations

import re

from .. import markdown_limits
from ..findings import Finding, Position, error, warning
from ..load.source import Source
from ..render.links import leaves_site

_REFERENCE = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:", re.MULTILINE)
_CODE = re.compile(r"`[^`\n]*`")
_LIST_ITEM = re.compile(r"^ {0,3}(?:1[.)]|[-*+])[ \t]+\S")
_ANY_ITEM = re.compile(r"^\s*(?:\d{1,9}[.)]|[-*+])[ \t]+")
_BLOCK_START = re.compile(r"^\s*(?:#|>|```|~~~|\||\[\^)")


def check_texts(source: Source, schemas) -> list[Finding]:
    """Every string of one valid document, judged as Markdown or as plain text by its schema."""
    findings: list[Finding] = []
    root = schemas.root(source.kind)
    if root is None or not isinstance(source.data, dict):
        return findings
    stack = [(source.data, (), root)]
    while stack:
        value, path, node = stack.pop()
        if isinstance(value, dict):
            stack.extend((v, path + (k,), schemas.child(node, k)) for k, v in value.items() if _judged(v))
        elif isinstance(value, list):
            stack.extend((v, path + (i,), schemas.child(node, i)) for i, v in enumerate(value) if _judged(v))
        elif isinstance(value, str) and schemas.is_markdown(node):
            bomb = markdown_limits.problem(value)
            if bomb is not None:
                findings.append(error(source.position(path), bomb, "størrelse"))
            else:
                findings += _links(value, path, source)
                if "[^" in value or "\n" in value:
                    findings += _markdown(value, path, source)
        elif isinstance(value, str) and "[^" in value:
            if _REFERENCE.search(value) or _DEFINITION.search(value):
                findings.append(warning(source.position(path), "fodnoter ([^…]) virker kun i tekstfelter; her "
                                        "står de som tekst, præcis som skrevet", "fodnote"))
    return findings


def _judged(value) -> bool:
    """Whether a value can hold anything judged here: a collection, or a text with a bracket ("](…)"
    is a link), or a line break (lists), or beyond the Markdown length bound. Most
    texts hold neither, and are passed over without asking their schema."""
    if isinstance(value, str):
        return "[" in value or "]" in value or "\n" in value or len(value) > markdown_limits.MAX_CHARS
    return isinstance(value, (dict, list))


_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)|^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
_LOCAL = re.compile(r"^(?:file:|[a-zA-Z]:[\\/]|[\\/])", re.IGNORECASE)


def _links(text: str, path: tuple, source: Source) -> list[Finding]:
    findings = []
    if "](" not in text and "]:" not in text:
        return findings
    for match in _LINK.finditer(text):
        url = match.group(1) or match.group(2)
        if _LOCAL.match(url) or leaves_site(url):
            findings.append(warning(nth(source, path, url), f"linket '{url}' peger på en fil på læserens egen computer "
                                    "eller uden for sitet, så det står som tekst, ikke som link; brug en webadresse "
                                    "(https://…) eller en side i aftalesættet", "link"))
    return findings


def _markdown(text: str, path: tuple, source: Source) -> list[Finding]:
    findings = []
    plain = _CODE.sub("", text)
    defined: dict[str, int] = {}
    for match in _DEFINITION.finditer(plain):
        label = match.group(1)
        defined[label] = defined.get(label, 0) + 1
        if defined[label] == 2:
            findings.append(error(nth(source, path, f"[^{label}]:", 2),
                                  f"fodnoten [^{label}] er defineret to gange i samme tekst; den ene ville "
                                  "forsvinde uden varsel — giv den et andet navn eller slet den", "fodnote"))
    used = {m.group(1) for m in _REFERENCE.finditer(_DEFINITION.sub("", plain))}
    for name in sorted(set(defined) - used):
        findings.append(error(nth(source, path, f"[^{name}]:"),
                              f"fodnoten [^{name}] bruges ikke i teksten, så dens tekst ville blive tabt; "
                              f"sæt [^{name}] ind, hvor den hører til, eller slet definitionen", "fodnote"))
    for name in sorted(used - set(defined)):
        findings.append(error(nth(source, path, f"[^{name}]"),
                              f"fodnoten [^{name}] har ingen tekst; skriv den på en linje for sig under teksten: "
                              f"'[^{name}]: …' (ellers står [^{name}] som tekst)", "fodnote"))
    lines = text.split("\n")
    for i in range(1, len(lines)):
        before, line = lines[i - 1], lines[i]
        if (_LIST_ITEM.match(line) and before.strip() and not _ANY_ITEM.match(before)
                and not _BLOCK_START.match(before) and not before.startswith((" ", "\t"))):
            marker = line.split()[0]
            findings.append(warning(nth(source, path, line.strip()),
                                    f"linjen begynder med '{marker}', så den og resten bliver en liste midt i afsnittet; "
                                    "er det en liste, så skriv en tom linje før den, ellers flyt "
                                    f"'{marker}' op på linjen før", "liste"))
    return findings




def nth(source, path, needle: str, n: int = 1) -> Position:
    """Where the n-th `needle` stands from the value at `path` on (the value's start if not found,
    as when the text was written with escapes)."""
    start = source.position(path)
    lines = source.text.split("\n")
    offset = sum(len(line) + 1 for line in lines[: start.line - 1]) + start.column - 1
    for _ in range(n):
        offset = source.text.find(needle, offset + (1 if _ else 0))
        if offset < 0:
            return start
    line = source.text.count("\n", 0, offset) + 1
    return Position(source.display, line, offset - (source.text.rfind("\n", 0, offset) + 1) + 1)
