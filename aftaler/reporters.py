"""Reporters: print findings once, in the format asked for, to the stream they are given.

Every printed value (message, path) goes through characters.printable or a format's own escape:
no control character reaches the terminal or a CI log raw, and one finding is one line.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TextIO

from .characters import printable
from .findings import ERROR, Finding


def text(findings: list[Finding], stream: TextIO, written=()) -> None:
    """`path:line:col: fejl: message`, one per line, then a count."""
    for f in findings:
        stream.write(f"{printable(f.position)}: {f.severity}: {printable(f.message)}\n")
    errors = sum(f.severity == ERROR for f in findings)
    warnings = len(findings) - errors
    if findings:
        stream.write(f"{errors} fejl, {warnings} {'advarsel' if warnings == 1 else 'advarsler'}\n")


def as_json(findings: list[Finding], stream: TextIO, written=()) -> None:
    """The findings with their counts, and the files the command wrote (as posix paths)."""
    errors = sum(f.severity == ERROR for f in findings)
    text = json.dumps({"fejl": errors, "advarsler": len(findings) - errors, "fund": [f.as_dict() for f in findings],
                       "skrevet": [Path(p).as_posix() for p in written]}, ensure_ascii=False, indent=2)
    stream.write(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


# JSON escapes C0 itself; these it leaves raw. As \u escapes they read back as the same text.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ud800-\udfff]")


def _escape_data(text: str) -> str:
    """A workflow command's message: %, CR and LF escaped, so one finding is one annotation, and
    every other control character written visibly (characters.printable)."""
    text = str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return printable(text)


def _escape_property(text: str) -> str:
    """A workflow command's property value (file=, title=): also ':' and ',' that end it."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(findings: list[Finding], stream: TextIO, written=()) -> None:
    """GitHub Actions workflow commands: annotations on the changed lines of a pull request."""
    for f in findings:
        level = "error" if f.severity == ERROR else "warning"
        where = f"file={_escape_property(str(f.position.path))}"
        if f.position.line:
            where += f",line={f.position.line},col={f.position.column}"
        where += f",title={_escape_property('aftaler ' + ('fejl' if level == 'error' else 'advarsel'))}"
        stream.write(f"::{level} {where}::{_escape_data(f.message)}\n")


REPORTERS = {"text": text, "json": as_json, "github": github}
