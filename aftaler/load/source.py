"""Load: strict YAML with a source position for every value.

PyYAML is used only to tokenise and compose; we build the Python values ourselves so that
nothing an author typed is silently lost or reinterpreted:
- duplicate keys, anchors/aliases, explicit tags and tabs in indentation are errors;
- only YAML 1.2 core scalars are resolved (true/false, null, decimal numbers): `no`, `12:30`
  and `2022-01-01` stay text, and dates are checked later by format;
- every value keeps its file, line and column (`Source.position(path)`);
- characters follow aftaler/characters.py, in the file as typed and in values written with
  escapes ("\\v"); text is normalised to NFC;
- a number written with a leading zero (`0100001`) is refused: the zero would be lost;
- only regular files are read, and never more than MAX_BYTES of them (a FIFO would block).
A file that cannot be loaded comes back with findings and no data, never as an exception.
"""
from __future__ import annotations

import gc
import math
import os
import re
import stat
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .. import characters
from ..findings import Finding, Position, display_path, error, os_reason

MAX_BYTES = 2_000_000  # an agreement is tens of kB; anything far larger is a mistake or an attack
MAX_DEPTH = 40
MAX_DIGITS = 15  # what a spreadsheet calculates exactly; anything longer is a typing error
MAX_ITEMS = 5_000  # points in one list or fields in one section: the largest real list has tens
# Keys whose values name or identify something: held to the stricter rule for names.
NAME_KEYS = frozenset({"id", "navn", "omraadets_navn", "forkortelse", "jnr", "nummer"})

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
    "found invalid Unicode character escape code": "ugyldig Unicode-escape (et halvt surrogatpar som \\ud800, "
                                                   "eller over \\U0010FFFF); skriv tegnet selv i stedet",
    "expected escape sequence of": "en \\x-, \\u- eller \\U-escape har for få cifre",
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


# "- - - x": nesting on one line, without indentation. Written out, not as (?:[-?][ \t]+){3}: the
# same matches, but re then scans for the first character's class (≈5× faster on a full set).
_COMPACT = re.compile(r"[-?][ \t]+[-?][ \t]+[-?][ \t]+")
_PROPERTY = re.compile(r"(?:^|[\s\[{,])[&!][^\s]")  # what could be an anchor or a tag ("A & B" is not)


def _compose_plain(text: str):
    """The node tree from libyaml's own composer (≈3× faster than ours), for a file in which
    nothing our composer refuses occurs: nothing that could be an anchor or a tag (and so no
    alias, which needs an anchor), and a nesting depth bounded by the text itself (flow brackets
    counted, little indentation, no compact nesting) and then measured as it is constructed
(_TooDeep). _NOT_PLAIN: compose it with
    ours, which says exactly where and why. A syntax error is the same parser's either way."""
    if not yaml.__with_libyaml__ or (("&" in text or "!" in text) and _PROPERTY.search(text)) or _COMPACT.search(text):
        return _NOT_PLAIN
    if _DEEP_INDENT.search(text) or _too_deep(text):
        return _NOT_PLAIN
    loader = _PlainComposer(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


_DEEP_INDENT = re.compile(f"^ {{{MAX_DEPTH + 1}}}", re.M)  # a line indented more than MAX_DEPTH


_NOT_PLAIN = object()


class _PlainComposer(yaml.cyaml.CParser if yaml.__with_libyaml__ else object):
    """libyaml's parser and composer; tags are not resolved (our constructor decides types)."""

    def resolve(self, kind, value, implicit):
        return ""

    def descend_resolver(self, parent, index):
        pass

    def ascend_resolver(self):
        pass


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
        raw, size = read_regular(path, MAX_BYTES)
    except NotRegular as exc:
        return source, [error(here, str(exc), "fil")]
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
                              "'# yaml-language-server: $schema=../../schemas/delaftale.schema.json'"
                              + _unseen_in(first_line), "skema-linje"))
    if findings:
        return source, findings

    with collector_paused():
        node, problems, limit = _compose(source, text, plain=True)
        if problems:
            return source, problems
        if node is None:
            return source, [error(Position(source.display, 1, 1), "filen er tom", "tom")]
        findings = []
        try:
            data = _construct(node, (), source, findings, limit)
        except _TooDeep:  # deeper than the plain composer's tree may be: ours composes it and says where
            source.positions, source.key_positions, source.float_text, findings = {}, {}, {}, []
            node, problems, _ = _compose(source, text, plain=False)
            if problems:
                return source, problems
            data = _construct(node, (), source, findings)
    # A file with a refused value is not checked further: its rules would only repeat the problem.
    source.data = None if findings else data
    return source, findings


@contextmanager
def collector_paused():
    """Python's cycle collector off while a file is composed and constructed. The tree's tens of
    thousands of new objects (nodes, marks, values; no cycles among them, so freed as ever) would
    set off full collections, each a walk over every object of the process (the compiled schemas,
    the sets loaded so far): they cost more than composing (≈28 against ≈8 ms a full set).
    The collection put off is made at the first allocation after: load_set pauses it for the
    whole set, so that is once a set, not once a file."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _compose(source: Source, text: str, plain: bool):
    """The node tree of `text`, no findings, and the depth its construction must check: MAX_DEPTH
    for libyaml's composer's tree (used if `plain` and the text allows), None for ours (which
    checked it). Or no tree and the findings of a file that is no YAML we accept."""
    here = Position(source.display)
    loader = None
    try:
        node = _compose_plain(text) if plain else _NOT_PLAIN
        if node is _NOT_PLAIN:
            loader = _StrictLoader(text)
            node = loader.get_single_node()
    except _Refused as exc:
        return None, [_at(source, exc.mark, exc.message, "yaml")], None
    except yaml.MarkedYAMLError as exc:
        deep = _too_deep(text)  # libyaml reads ahead in [ and {, and may refuse a depth before we see it
        if deep:
            return None, [error(Position(source.display, *deep), f"strukturen er dybere end {MAX_DEPTH} niveauer",
                                "yaml")], None
        mark = exc.problem_mark or exc.context_mark
        if mark is not None and (exc.problem or "").startswith("found invalid Unicode"):
            mark = _at_backslash(text, mark)  # libyaml points after the escape's letter
        return None, [_at(source, mark, "YAML-syntaksfejl: " + _translate(exc.problem or exc.context or ""), "yaml")], None
    except yaml.YAMLError as exc:  # reader errors carry no mark; _check_characters meets them first
        return None, [error(here, f"filen kan ikke læses som YAML ({characters.printable(exc)})", "yaml")], None
    finally:
        if loader is not None and hasattr(loader, "dispose"):
            loader.dispose()
    return node, [], (MAX_DEPTH if loader is None else None)


def _unseen_in(line: str) -> str:
    """'; linjen indeholder U+FEFF (…), som ikke kan ses' when an invisible character spoils it."""
    found = characters.unseen(line)
    return f"; linjen indeholder {', '.join(found)}, som ikke kan ses — slet det" if found else ""


class NotRegular(OSError):
    """A path that is no regular file (a FIFO, a device, a socket): never opened for reading."""


_KINDS = {stat.S_IFIFO: "en FIFO (navngivet rør)", stat.S_IFCHR: "en tegnenhed", stat.S_IFBLK: "en blokenhed",
          stat.S_IFSOCK: "en sokkel"}


def not_regular(mode: int) -> str | None:
    """Why a file of this mode is not read (Danish), or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "det er en mappe, ikke en fil"
    what = _KINDS.get(stat.S_IFMT(mode), "ikke en almindelig fil")
    return f"filen er {what}, ikke en almindelig fil, og læses ikke"


def open_regular(path: Path):
    """A regular file opened for reading (binary). A FIFO or a device would block or never end:
    it is refused from its mode, before it is opened, and again from the opened descriptor
    (non-blocking), in case it was swapped in between."""
    problem = not_regular(os.stat(path).st_mode)
    if problem:
        raise NotRegular(problem)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    handle = os.fdopen(fd, "rb")
    problem = not_regular(os.fstat(fd).st_mode)
    if problem:
        handle.close()
        raise NotRegular(problem)
    return handle


def read_regular(path: Path, limit: int) -> tuple[bytes, int]:
    """At most `limit` + 1 bytes of a regular file (open_regular), and its size."""
    with open_regular(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        # As much as the file holds (and a byte more, to see it grow), not a buffer of `limit`
        # bytes for every file: the rest is read only if it grew since fstat.
        raw = handle.read(min(size, limit) + 1)
        if len(raw) <= limit and len(raw) > size:
            raw += handle.read(limit + 1 - len(raw))
    return raw, max(len(raw), size)


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
        return "", error(_byte_position(display, raw, exc.start),
                         "filen er ikke gemt som UTF-8 (gem den som UTF-8 i editoren; æ, ø og å bliver ellers forkerte)",
                         "kodning")


def _byte_position(display: str, raw: bytes, offset: int) -> Position:
    """The line and column (in characters, as editors count) of a byte in the undecoded file:
    the UTF-8 before a bad byte is good, so "Æ" before it is one column, not two bytes."""
    before = raw[:offset]
    start = before.rfind(b"\n") + 1
    return Position(display, before.count(b"\n") + 1, len(before[start:].decode("utf-8", "replace")) + 1)


_TAB_INDENT = re.compile("^[ ]*\t", re.M)


def _check_characters(text: str, display: str) -> list[Finding]:
    """Tabs in indentation and refused characters (characters.py), at their line and column:
    found before YAML reads the file, which would count U+2028 or a lone CR as a line break and
    report in English."""
    findings = []
    # REFUSED is one character class: asked of the text's distinct characters (a hundred or so),
    # it answers as of the text (≈4× faster than scanning 160 kB); line by line only to say where.
    if not ("\t" in text and _TAB_INDENT.search(text)) and \
            not characters.REFUSED.search("".join(set(text.replace("\r\n", "\n") if "\r" in text else text))):
        return findings
    for number, line in enumerate(text.split("\n"), start=1):
        indent = len(line) - len(line.lstrip(" \t"))
        if "\t" in line[:indent]:
            findings.append(error(Position(display, number, line.index("\t") + 1),
                                  "tabulatortegn i indrykningen; ryk ind med mellemrum", "tab"))
        found = characters.refused(line.removesuffix("\r"))  # CR LF is a line break, as editors save it
        if found:
            findings.append(error(Position(display, number, found[0] + 1), found[1], "tegn"))
    return findings


def _construct(node, path: tuple, source: Source, findings: list, limit: int | None = None) -> Any:
    """The value of `node`. `limit`: the nesting at which a collection is too deep for the plain
    composer's tree (_TooDeep: compose it again with ours, which says where)."""
    mark = node.start_mark
    source.positions[path] = (mark.line + 1, mark.column + 1)
    kind = type(node)
    if kind is yaml.ScalarNode:
        value = node.value
        style = node.style
        # Plain text that starts with no character a null, a bool or a number can start with is
        # text: _scalar's four patterns are asked only of the rest.
        if style or (value and value[0] not in _SCALAR_STARTS):
            if not value.isascii():
                value = characters.normalize(value)
        else:
            value = _scalar(node, path, source, findings)
            if type(value) is not str:
                return value
            value = characters.normalize(value)
        # A value that is no name can hold a refused character only from an escape ("…"): see _check_text.
        if (style == '"' or (path and path[-1] in NAME_KEYS)) and not (value.isascii() and value.isprintable()):
            _check_text(node, value, bool(path) and path[-1] in NAME_KEYS, source, findings)
        return value
    if limit is not None and len(path) >= limit:
        raise _TooDeep
    if kind is yaml.MappingNode:
        result: dict[str, Any] = {}
        if len(node.value) > MAX_ITEMS:
            _deep_unbuilt(node, len(path), limit)
            findings.append(_at(source, mark, f"afsnittet har {len(node.value):,} felter; højst "
                                f"{MAX_ITEMS:,}".replace(",", "."), "størrelse"))
            return result
        key_positions = source.key_positions
        for key_node, value_node in node.value:
            if type(key_node) is not yaml.ScalarNode:
                _deep_unbuilt(key_node, len(path) + 1, limit)
                findings.append(_at(source, key_node.start_mark, "en nøgle skal være en enkel tekst", "yaml"))
                continue
            key = key_node.value
            if not key.isascii():
                key = characters.normalize(key)
            if not (key.isascii() and key.isprintable()):  # else no character of it is refused
                _check_text(key_node, key, True, source, findings)
            if key in result:
                _deep_unbuilt(value_node, len(path) + 1, limit)
                first = key_positions[path + (key,)]
                findings.append(_at(source, key_node.start_mark,
                                    f"nøglen '{key}' står to gange (første gang i linje {first[0]}); "
                                    "den ene ville blive tabt uden varsel", "dubleret-nøgle"))
                continue
            here = path + (key,)
            key_mark = key_node.start_mark
            key_positions[here] = (key_mark.line + 1, key_mark.column + 1)
            result[key] = _construct(value_node, here, source, findings, limit)
        return result
    if len(node.value) > MAX_ITEMS:
        _deep_unbuilt(node, len(path), limit)
        findings.append(_at(source, mark, f"listen har {len(node.value):,} punkter; højst "
                            f"{MAX_ITEMS:,}".replace(",", "."), "størrelse"))
        return []
    return [_construct(item, path + (i,), source, findings, limit) for i, item in enumerate(node.value)]


# What a null (~, null), a bool (true, false) or a number (+1, -1, .5, 0–9) can begin with; the
# empty plain scalar is null too.
_SCALAR_STARTS = frozenset("~nNtTfF+-.0123456789")


class _TooDeep(Exception):
    """The plain composer's tree nests deeper than MAX_DEPTH."""


def _deep_unbuilt(node, level: int, limit: int | None) -> None:
    """_TooDeep for a part of the tree that is refused without being constructed (a complex key,
    a duplicate key's value, a too long list) if it nests too deep: our composer refuses the
    depth first, wherever it stands."""
    if limit is not None and type(node) is not yaml.ScalarNode and level + _depth(node) > limit:
        raise _TooDeep


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


def _check_text(node, value: str, name: bool, source: Source, findings: list) -> None:
    """A refused character in a key or value, typed or written as an escape ("\\v", "\\uFFFE")."""
    # _construct runs only on a text _check_characters passed: no refused character is typed, so a
    # value that is no name can hold one only from an escape, and escapes exist only in "…".
    if not name and node.style != '"':
        return
    found = characters.refused(value, name=name)
    if found is None:
        return
    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    if not node.style and "\n" not in value[: found[0]]:  # a plain scalar: the character's own column
        column += found[0]
    findings.append(error(Position(source.display, line, column), found[1], "tegn"))


def _scalar(node, path: tuple, source: Source, findings: list):
    value = node.value
    if node.style:  # quoted or block scalar: always text (plain is None or "" by parser)
        return value
    if _NULL.match(value):
        return None
    if _BOOL.match(value):
        return value.lower() == "true"
    if (_INT.match(value) or _FLOAT.match(value)) and _LEADING_ZERO.match(value):
        findings.append(_at(source, node.start_mark, f"tallet {value} begynder med 0, som ville gå tabt (og YAML 1.1 "
                            f"læser det som et oktaltal); er det et nummer, så skriv '{value}' i anførselstegn, "
                            f"ellers skriv {_without_zeros(value)}", "tal"))
        return value
    if _INT.match(value):
        if len(value.lstrip("+-")) > MAX_DIGITS:  # kept as typed; the schema then says it is no number
            return value
        return int(value)
    if _FLOAT.match(value):
        number = Decimal(value)
        if not math.isfinite(number) or abs(number) >= 10 ** MAX_DIGITS or (number and abs(number) < 10 ** -MAX_DIGITS):
            return value  # 1e30 or 1e-30 is no amount anyone meant; kept as typed for the schema to refuse
        source.float_text[path] = value
        return number
    return value


_LEADING_ZERO = re.compile(r"^[-+]?0[0-9]")


def _without_zeros(value: str) -> str:
    sign = value[0] if value[0] in "+-" else ""
    digits = value.lstrip("+-").lstrip("0")
    return sign + ("0" + digits if digits[:1] in ("", ".", "e", "E") else digits)


_FLOW = re.compile(r"""[\[\]{}'"#]""")


def _too_deep(text: str) -> tuple[int, int] | None:
    """Line and column of the first [ or { that opens level MAX_DEPTH + 1, outside quotes and
    comments, or None. Our own count, so the message never depends on the parser's. (Lines are
    counted only for the answer: a full set has ten times more line breaks than brackets.)"""
    depth, quote, index = 0, None, 0
    while True:
        match = _FLOW.search(text, index)
        if match is None:
            return None
        char, index = match.group(), match.end()
        if quote == "'":
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
                return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1)
        elif char in "]}":
            depth = max(depth - 1, 0)


def _backslashes_before(text: str, index: int) -> int:
    count = 0
    while index - count > 0 and text[index - count - 1] == "\\":
        count += 1
    return count


def _at_backslash(text: str, mark):
    """The mark moved back to the backslash that begins the escape it stands in."""
    line = text.split("\n")[mark.line] if mark.line < text.count("\n") + 1 else ""
    start = line.rfind("\\", 0, mark.column + 1)
    return mark if start < 0 else yaml.Mark(mark.name, mark.index, mark.line, start, None, None)


def _at(source: Source, mark, message: str, rule: str) -> Finding:
    if mark is None:
        return error(Position(source.display), message, rule)
    return error(Position(source.display, mark.line + 1, mark.column + 1), message, rule)


def _translate(problem: str) -> str:
    for english, danish in _TRANSLATIONS.items():
        if problem.startswith(english):
            return danish
    return f"ugyldig YAML ({problem})"
