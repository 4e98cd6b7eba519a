"""One policy for characters: which ones are refused, where, and what authors are told.

Every reader (the YAML loader, file and folder names) asks this module, and every writer of
messages (terminal, JSON, GitHub annotations) escapes with it, so that `validate` refuses what
`build` could not write and no printed value can act on a terminal or forge a line.

Refused everywhere (in the file as typed and in values written with escapes like "\\v"):
- control characters: C0 except tab and line feed, DEL, C1 (Word, Excel and XML cannot hold them);
- U+2028 and U+2029 (YAML 1.1 readers take them for line breaks, Word and browsers do not);
- noncharacters (U+FFFE, U+FFFF, U+FDD0–U+FDEF, …) and lone surrogates (not text at all);
- private-use characters (invisible in every document; the renderer reserves some for itself);
- bidi overrides and isolates (U+202A–U+202E, U+2066–U+2069): they reorder what is shown.
Refused in names, ids and keys as well: every other invisible format character (zero-width
space and joiners, soft hyphen, word joiner, BOM, LRM/RLM) and line breaks and tabs, which make
two names that look the same different. Text is normalised to NFC when read, so 'å' typed as
'a' + a combining ring is the same 'å' (and the same key or id) as the precomposed one.
"""
from __future__ import annotations

import re
import unicodedata

# Named where authors meet them; the rest are described by their Unicode category.
_NAMES = {
    0x00: "NUL", 0x07: "klokke", 0x08: "tilbage", 0x09: "tabulator", 0x0A: "linjeskift", 0x0B: "lodret tabulator",
    0x0C: "sideskift", 0x0D: "vognretur", 0x1B: "escape", 0x7F: "slet", 0x85: "næste linje (NEL)",
    0xA0: "hårdt mellemrum", 0xAD: "blødt bindestreg", 0x200B: "usynligt mellemrum", 0x200C: "usynlig ikke-binder",
    0x200D: "usynlig binder", 0x200E: "venstre-mod-højre-mærke", 0x200F: "højre-mod-venstre-mærke",
    0x2028: "linjeskilletegn", 0x2029: "afsnitsskilletegn", 0x202F: "smalt hårdt mellemrum",
    0x2060: "ordbinder", 0xFEFF: "byte-ordensmærke (BOM)", 0xFFFE: "ikke-tegn", 0xFFFF: "ikke-tegn",
}
_CATEGORIES = {"Cc": "kontroltegn", "Cf": "usynligt formateringstegn", "Cs": "halvt surrogatpar",
               "Co": "tegn til privat brug", "Cn": "ikke-tildelt tegn", "Zl": "linjeskilletegn",
               "Zp": "afsnitsskilletegn", "Zs": "mellemrum", "Mn": "kombinerende tegn"}

_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f"
_NONCHAR = "\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17))
_SURROGATE = "\ud800-\udfff"
_PRIVATE = "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
_BIDI = "\u202a-\u202e\u2066-\u2069"
_SEPARATOR = "\u2028\u2029"

# What XML 1.0 cannot carry (lxml raises on it), dropped from text written into a Word file.
# Listed, not as the complement of XML's Char production: the same characters (a test compares
# them), but compiling the complement took 7 ms at every start.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# In any text, typed or escaped.
REFUSED = re.compile(f"[{_CONTROL}{_NONCHAR}{_SURROGATE}{_PRIVATE}{_BIDI}{_SEPARATOR}]")
# In a name, id or key, also: tab, line feed and every invisible format character (category Cf).
# (Unicode 14's category Cf, written out: computing it costs a fifth of a second at every start;
# tests/test_hostile_input.py checks it against the running Python's unicodedata.)
_FORMAT = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
           "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
           "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
REFUSED_IN_NAME = re.compile(f"[\t\n{_CONTROL}{_NONCHAR}{_SURROGATE}{_PRIVATE}{_SEPARATOR}{_FORMAT}]")
# What is shown as a code in a value quoted in a message: all of the above and unusual spaces.
_UNSEEN = re.compile(f"[\t\n{_CONTROL}{_NONCHAR}{_SURROGATE}{_PRIVATE}{_SEPARATOR}{_FORMAT}"
                     "\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# What never reaches a terminal or a CI log raw: controls (tab and line feed too: one finding is
# one line), separators, bidi controls and lone surrogates (a file name that is not UTF-8).
_UNSAFE = re.compile(f"[\t\n{_CONTROL}{_SURROGATE}{_SEPARATOR}{_BIDI}\u200e\u200f\u061c]")


def describe(char: str) -> str:
    """'U+000B (lodret tabulator)'."""
    code = ord(char)
    name = _NAMES.get(code)
    if name is None:
        category = unicodedata.category(char)
        name = "ikke-tegn" if re.match(f"[{_NONCHAR}]", char) else _CATEGORIES.get(category, "tegn")
    return f"U+{code:04X} ({name})"


def refused(text: str, name: bool = False) -> tuple[int, str] | None:
    """The index of the first refused character in `text` and why, in Danish; or None."""
    match = (REFUSED_IN_NAME if name else REFUSED).search(text)
    if match is None:
        return None
    char = match.group()
    if name and not REFUSED.match(char):
        what = "linjeskift" if char == "\n" else "tabulatortegn" if char == "\t" else f"tegnet {describe(char)}"
        return match.start(), (f"{what} må ikke stå i et navn, et id eller et feltnavn: det kan ikke ses, "
                               "men gør to navne, der ser ens ud, forskellige; slet det")
    if re.match(f"[{_BIDI}]", char):
        return match.start(), (f"tegnet {describe(char)} vender tekstens retning, så den vises i en anden "
                               "rækkefølge, end den står; slet det")
    if re.match(f"[{_SEPARATOR}]", char):
        return match.start(), (f"tegnet {describe(char)} ligner et linjeskift, men læses forskelligt af "
                               "editoren, Word og browseren; brug et almindeligt linjeskift")
    if re.match(f"[{_PRIVATE}]", char):
        return match.start(), (f"tegnet {describe(char)} kan ikke vises; det kommer ofte med, når der "
                               "kopieres fra Word (fx et punkttegn) — slet det")
    if char == "\r":
        return match.start(), ("ugyldigt kontroltegn (U+000D) i teksten: en vognretur uden linjeskift efter; "
                               "gem filen med almindelige linjeskift (LF eller CR LF)")
    if unicodedata.category(char) == "Cc":
        return match.start(), (f"ugyldigt kontroltegn (U+{ord(char):04X}) i teksten: {_named(char)} kan ikke stå "
                               "i en aftale (Word og Excel kan ikke gemme det); slet det")
    return match.start(), (f"tegnet {describe(char)} kan ikke stå i en aftale (Word og Excel kan ikke gemme det); "
                           "slet det")


def _named(char: str) -> str:
    name = _NAMES.get(ord(char))
    return f"tegnet «{name}»" if name else "et kontroltegn"


def normalize(text: str) -> str:
    """NFC: the composed form, the one every editor and Word show and compare alike."""
    return unicodedata.normalize("NFC", text) if not text.isascii() else text


def visible(text: str) -> str:
    """A value as it is quoted in a message, with every invisible or unusual character shown as
    its code: '1.⟨U+00A0⟩januar 2024' instead of a date that looks valid."""
    return _UNSEEN.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", str(text))


def unseen(text: str) -> list[str]:
    """The invisible or unusual characters of `text`, described, each once (in order met)."""
    return list(dict.fromkeys(describe(c) for c in _UNSEEN.findall(str(text))))


_ESCAPES = {"\0": "\\0", "\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f",
            "\r": "\\r", "\x1b": "\\e"}


def printable(text: str) -> str:
    """Text safe to print on a terminal or in a CI log: every unsafe character written as the
    escape an author would type in YAML ("\\n", "\\e", "\\x85", "\\u202E"), so nothing acts on
    the terminal and a newline in a key cannot start a second line."""
    return _UNSAFE.sub(_escape, str(text))


def _escape(match) -> str:
    char = match.group()
    code = ord(char)
    return _ESCAPES.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def file_name_problem(name: str, whose: str = "filens") -> str | None:
    """Why a file or folder name cannot be used (Danish, 'filens navn …'), or None. Names come
    from the system with undecodable bytes as lone surrogates (Python's surrogateescape)."""
    if re.search(f"[{_SURROGATE}]", name):
        return f"{whose} navn er ikke gyldig UTF-8 (omdøb den; æ, ø og å bliver ellers forkerte)"
    found = refused(name, name=True)
    if found is not None:
        return f"{whose} navn kan ikke bruges: {found[1]}"
    return None
