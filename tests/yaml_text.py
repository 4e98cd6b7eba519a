"""Text as YAML source, for tests that write hostile values into a set's files."""
from __future__ import annotations


def double_quoted(text: str) -> str:
    """Any text, lone surrogates included, as a YAML double-quoted scalar (escapes for the odd)."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif code < 0x20 or 0x7f <= code <= 0x9f or 0xd800 <= code <= 0xdfff or code in (0x2028, 0x2029, 0xfeff):
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'
