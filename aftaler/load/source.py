"""Load: strict YAML with a source position for every value.

PyYAML is used only to tokenise and compose; we build the Python values ourselves so that
nothing an author typed is silently lost or reinterpreted:
- duplicate keys, anchors/aliases, explicit tags and tabs in indentation are errors;
- only YAML 1.2 core scalars are resolved (true/false, null, decimal numbers): `no`, `12:30`
  and `2022-01-01` stay text, and dates are checked later by format;
- every value keeps its file, line and column (`Source.position(path)`).
A file that cannot be loaded comes back with findings and no data, never as an exception.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..findings import Finding, Position, display_path, error, os_reason

MAX_BYTES = 2_000_000  # an agreement is tens of kB; anything far larger is a mistake or an attack
MAX_DEPTH = 40
MAX_DIGITS = 15  # what a spreadsheet calculates exactly; anything longer is a typing error

SCHEMA_LINE = re.compile(r"^#\s*yaml-language-server:\s*\$schema=(\S+)\s*$")

# YAML 1.2 core schema, decimal only. Everything else is a string.
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")

_TRANSLATIONS = {
    "mapping values are not allowed in this context": "et kolon står et sted, hvor det ikke må stå (mangler der anførselstegn om teksten?)",
    "found character that cannot start any token": "et tegn, der ikke kan begynde en værdi (et tabulatortegn eller @ eller ` i starten af en tekst?)",
    "did not find expected node content": "der mangler en værdi",
    "found undefined tag handle": "typeangivelser (!) er ikke tilladt",
    "mapping values are not allowed here": "et kolon står et sted, hvor det ikke må stå (mangler der anførselstegn om teksten?)",
    "could not find expected ':'": "der mangler et kolon efter en nøgle",
    "found character '\\t' that cannot start any token": "tabulatortegn må ikke bruges; ryk ind med mellemrum",
    "expected <block end>, but found '-'": "et listepunkt (-) står med forkert indrykning",
    "did not find expected key": "forkert indrykning, eller en nøgle mangler",
    "did not find expected '-' indicator": "forkert indrykning i en liste",
    "found unexpected end of stream": "filen slutter midt i en værdi (mangler et afsluttende anførselstegn?)",
    "found undefined alias": "ankre og aliaser (& og *) er ikke tilladt",
    "expected a single document in the stream": "filen må kun indeholde ét dokument (fjern '---')",
    "but found another document": "filen må kun indeholde ét dokument (fjern '---')",
    "found unknown escape character": "ukendt escape-tegn efter \\ i en tekst i anførselstegn",
    "found unexpected ':'": "et kolon står et sted, hvor det ikke må stå",
    "expected alphabetic or numeric character, but found": "ugyldigt tegn efter & eller *; ankre og aliaser er ikke tilladt",
}


@dataclass
class Source:
    """One loaded YAML file: its data and where each value stands."""

    path: Path
    display: str
    kind: str | None = None
    data: Any = None
    positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    float_text: dict[tuple, str] = field(default_factory=dict)
    text: str = ""

    def position(self, path=(), key: bool = False) -> Position:
        """The position of the value at `path`, or of the nearest ancestor that has one."""
        path = tuple(path)
        if key and path in self.key_positions:
            return Position(self.display, *self.key_positions[path])
        while path and path not in self.positions:
            path = path[:-1]
        line, col = self.positions.get(path, (1, 1))
        return Position(self.display, line, col)


class Decimal(float):
    """A decimal number that remembers how it was written, so '2.0' is shown as '2,0', not '2'."""

    def __new__(cls, text: str):
        number = super().__new__(cls, text)
        number.text = text
        return number

    @property
    def decimals(self) -> int | None:
        if "e" in self.text.lower() or "." not in self.text:
            return None
        return len(self.text.split(".", 1)[1])


# libyaml's C parser makes the events ~10× faster than PyYAML's pure-Python scanner; our own
# composer (below) still runs on them so that every check and position stays ours.
_Parser = yaml.cyaml.CParser if yaml.__with_libyaml__ else yaml.parser.Parser


class _StrictLoader(_Parser, yaml.composer.Composer, yaml.resolver.Resolver):
    """Composer that refuses anchors, aliases and explicit tags where they are met."""

    def __init__(self, stream):
        _Parser.__init__(self, stream)
        if not yaml.__with_libyaml__:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self._depth_stack = []

    def get_single_node(self):
        return yaml.composer.Composer.get_single_node(self)

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused("ankre og aliaser (& og *) er ikke tilladt; skriv værdien ud", event.start_mark)
        tag = getattr(event, "tag", None)
        if tag not in (None, "!") and not (isinstance(event, yaml.ScalarEvent) and event.implicit[0]):
            raise _Refused(f"typeangivelser som '{tag}' er ikke tilladt; skriv værdien uden", event.start_mark)
        if len(self._depth_stack) > MAX_DEPTH:
            raise _Refused(f"strukturen er dybere end {MAX_DEPTH} niveauer", event.start_mark)
        self._depth_stack.append(event)
        try:
            return yaml.composer.Composer.compose_node(self, parent, index)
        finally:
            self._depth_stack.pop()


_COMPACT = re.compile(r"(?:[-?][ \t]+){3}")  # "- - - x": nesting on one line, without indentation
_PROPERTY = re.compile(r"(?:^|[\s\[{,])[&!][^\s]")  # what could be an anchor or a tag ("A & B" is not)


def _compose_plain(text: str):
    """The node tree from libyaml's own composer (≈3× faster than ours), for a file in which
    nothing our composer refuses occurs: nothing that could be an anchor or a tag (and so no
    alias, which needs an anchor), and a nesting depth bounded by the text itself (flow brackets
    counted, little indentation, no compact nesting) and then measured. _NOT_PLAIN: compose it with
    ours, which says exactly where and why. A syntax error is the same parser's either way."""
    if not yaml.__with_libyaml__ or _PROPERTY.search(text) or _COMPACT.search(text):
        return _NOT_PLAIN
    if max((len(line) - len(line.lstrip(" ")) for line in text.split("\n")), default=0) > MAX_DEPTH or _too_deep(text):
        return _NOT_PLAIN
    loader = _PlainComposer(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    return node if node is None or _depth(node) <= MAX_DEPTH else _NOT_PLAIN


_NOT_PLAIN = object()


class _PlainComposer(yaml.cyaml.CParser if yaml.__with_libyaml__ else object):
    """libyaml's parser and composer; tags are not resolved (our constructor decides types)."""

    def resolve(self, kind, value, implicit):
        return ""

    def descend_resolver(self, parent, index):
        pass

    def ascend_resolver(self):
        pass


def _depth(root) -> int:
    if isinstance(root, yaml.ScalarNode):
        return 1
    deepest, stack = 0, [(root, 0)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        children = (c for pair in node.value for c in pair) if isinstance(node, yaml.MappingNode) else node.value
        stack.extend((c, level + 1) for c in children if not isinstance(c, yaml.ScalarNode))
    return deepest + 1


class _Refused(Exception):
    def __init__(self, message: str, mark):
        super().__init__(message)
        self.message = message
        self.mark = mark


def load(path: Path, root: Path | None = None) -> tuple[Source, list[Finding]]:
    """Read and compose one file. Returns the source and the findings (errors) met."""
    path = Path(path)
    source = Source(path=path, display=display_path(path, root))
    here = Position(source.display)
    try:
        with path.open("rb") as handle:  # never more than the limit in memory, whatever the file's size
            raw = handle.read(MAX_BYTES + 1)
            size = max(len(raw), path.stat().st_size)
    except FileNotFoundError:
        return source, [error(here, "filen findes ikke", "fil")]
    except IsADirectoryError:
        return source, [error(here, "det er en mappe, ikke en fil", "fil")]
    except OSError as exc:
        return source, [error(here, f"filen kan ikke læses ({os_reason(exc)})", "fil")]
    if size > MAX_BYTES:
        return source, [error(here, f"filen er for stor ({size:,} byte; højst {MAX_BYTES:,})".replace(",", "."), "fil")]
    text, problem = _decode(raw, source.display)
    if problem:
        return source, [problem]
    source.text = text

    findings = _check_characters(text, source.display)
    first_line = text.split("\n", 1)[0].strip()
    match = SCHEMA_LINE.match(first_line)
    if match:
        source.kind = Path(match.group(1)).name.removesuffix(".json").removesuffix(".schema")
    else:
        findings.append(error(Position(source.display, 1, 1),
                              "første linje skal angive skemaet, fx "
                              "'# yaml-language-server: $schema=../../schemas/delaftale.schema.json'", "skema-linje"))
    if findings:
        return source, findings

    loader = None
    try:
        node = _compose_plain(text)
        if node is _NOT_PLAIN:
            loader = _StrictLoader(text)
            node = loader.get_single_node()
    except _Refused as exc:
        return source, [_at(source, exc.mark, exc.message, "yaml")]
    except yaml.MarkedYAMLError as exc:
        deep = _too_deep(text)  # libyaml reads ahead in [ and {, and may refuse a depth before we see it
        if deep:
            return source, [error(Position(source.display, *deep), f"strukturen er dybere end {MAX_DEPTH} niveauer", "yaml")]
        mark = exc.problem_mark or exc.context_mark
        return source, [_at(source, mark, "YAML-syntaksfejl: " + _translate(exc.problem or exc.context or ""), "yaml")]
    except yaml.YAMLError as exc:  # reader errors (control characters) carry no mark attribute
        return source, [error(here, f"YAML-fejl: {exc}", "yaml")]
    finally:
        if loader is not None and hasattr(loader, "dispose"):
            loader.dispose()
    if node is None:
        return source, [error(Position(source.display, 1, 1), "filen er tom", "tom")]
    findings = []
    source.data = _construct(node, (), source, findings)
    return source, findings


def _decode(raw: bytes, display: str) -> tuple[str, Finding | None]:
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(raw) > 3 and (raw[1::2][:64].count(0) > 24 or raw[0::2][:64].count(0) > 24)):
        return "", error(Position(display), "filen er gemt som UTF-16 (Windows' 'Unicode'); gem den som UTF-8 i editoren",
                         "kodning")
    if b"\x00" in raw:
        return "", error(Position(display), "filen er ikke tekst (den indeholder NUL-tegn); er det en binær fil?", "kodning")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        return "", error(Position(display, line, column),
                         "filen er ikke gemt som UTF-8 (gem den som UTF-8 i editoren; æ, ø og å bliver ellers forkerte)",
                         "kodning")


_SUSPECT = re.compile("^[ ]*\t|[\x01-\x08\x0b\x0c\x0e-\x1f\x7f\ue000-\uf8ff]", re.M)


def _check_characters(text: str, display: str) -> list[Finding]:
    """Tabs in indentation and control characters: say where, instead of PyYAML's English."""
    findings = []
    if not _SUSPECT.search(text):  # one pass over the text; line by line only to say where
        return findings
    for number, line in enumerate(text.split("\n"), start=1):
        indent = len(line) - len(line.lstrip(" \t"))
        if "\t" in line[:indent]:
            findings.append(error(Position(display, number, line.index("\t") + 1),
                                  "tabulatortegn i indrykningen; ryk ind med mellemrum", "tab"))
        bad = re.search(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", line)
        if bad:
            findings.append(error(Position(display, number, bad.start() + 1),
                                  f"ugyldigt kontroltegn (U+{ord(bad.group()):04X}) i teksten", "kodning"))
        private = re.search("[\ue000-\uf8ff]", line)
        if private:  # invisible in every document, and the characters the renderer reserves for itself
            findings.append(error(Position(display, number, private.start() + 1),
                                  f"tegnet U+{ord(private.group()):04X} (privat brug) kan ikke vises; det kommer ofte "
                                  "med, når der kopieres fra Word (fx et punkttegn) — slet det", "kodning"))
    return findings


def _construct(node, path: tuple, source: Source, findings: list) -> Any:
    source.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                findings.append(_at(source, key_node.start_mark, "en nøgle skal være en enkel tekst", "yaml"))
                continue
            key = key_node.value
            if key in result:
                first = source.key_positions[path + (key,)]
                findings.append(_at(source, key_node.start_mark,
                                    f"nøglen '{key}' står to gange (første gang i linje {first[0]}); "
                                    "den ene ville blive tabt uden varsel", "dubleret-nøgle"))
                continue
            source.key_positions[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = _construct(value_node, path + (key,), source, findings)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, path + (i,), source, findings) for i, item in enumerate(node.value)]
    return _scalar(node, path, source)


def _scalar(node, path: tuple, source: Source):
    value = node.value
    if node.style:  # quoted or block scalar: always text (plain is None or "" by parser)
        return value
    if _NULL.match(value):
        return None
    if _BOOL.match(value):
        return value.lower() == "true"
    if _INT.match(value):
        if len(value.lstrip("+-")) > MAX_DIGITS:  # kept as typed; the schema then says it is no number
            return value
        return int(value)
    if _FLOAT.match(value):
        number = Decimal(value)
        if not math.isfinite(number) or len(value.split(".")[0].lstrip("+-")) > MAX_DIGITS:
            return value  # 1e400 is no amount anyone meant; kept as typed for the schema to refuse
        source.float_text[path] = value
        return number
    return value


_FLOW = re.compile(r"""[\[\]{}'"#\n]""")


def _too_deep(text: str) -> tuple[int, int] | None:
    """Line and column of the first [ or { that opens level MAX_DEPTH + 1, outside quotes and
    comments, or None. Our own count, so the message never depends on the parser's."""
    depth, line, line_start, quote, index = 0, 1, 0, None, 0
    while True:
        match = _FLOW.search(text, index)
        if match is None:
            return None
        char, index = match.group(), match.end()
        if char == "\n":
            line, line_start = line + 1, index
        elif quote == "'":
            if char == "'" and not text.startswith("'", index):
                quote = None
            elif char == "'":
                index += 1  # '' is a quote inside single quotes
        elif quote == '"':
            if char == '"' and _backslashes_before(text, index - 1) % 2 == 0:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 1 or text[index - 2] in " \t\n"):
            end = text.find("\n", index)
            index = len(text) if end < 0 else end
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line, index - line_start
        elif char in "]}":
            depth = max(depth - 1, 0)


def _backslashes_before(text: str, index: int) -> int:
    count = 0
    while index - count > 0 and text[index - count - 1] == "\\":
        count += 1
    return count


def _at(source: Source, mark, message: str, rule: str) -> Finding:
    if mark is None:
        return error(Position(source.display), message, rule)
    return error(Position(source.display, mark.line + 1, mark.column + 1), message, rule)


def _translate(problem: str) -> str:
    for english, danish in _TRANSLATIONS.items():
        if problem.startswith(english):
            return danish
    return f"ugyldig YAML ({problem})"
