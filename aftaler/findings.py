"""Findings: what the checks say about the sources, as data with positions.

Every stage (load, schema, rules) returns findings instead of raising, so that one broken file
does not hide the errors in the others; reporters print them once, at the end.
"""
from __future__ import annotations

import errno
from dataclasses import dataclass, field
from pathlib import Path

ERROR = "fejl"
WARNING = "advarsel"


@dataclass(frozen=True, order=True)
class Position:
    """A place in a source file; line and column count from 1, as editors show them."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.column}"
        return self.path


@dataclass(frozen=True, order=True)
class Finding:
    """One message to the author: where, how serious, and what (in Danish)."""

    position: Position
    severity: str
    message: str
    rule: str = field(default="", compare=False)

    def as_dict(self) -> dict:
        return {
            "fil": self.position.path,
            "linje": self.position.line,
            "kolonne": self.position.column,
            "niveau": self.severity,
            "besked": self.message,
            "regel": self.rule,
        }


def error(position: Position, message: str, rule: str = "") -> Finding:
    return Finding(position, ERROR, message, rule)


def warning(position: Position, message: str, rule: str = "") -> Finding:
    return Finding(position, WARNING, message, rule)


def has_errors(findings) -> bool:
    return any(f.severity == ERROR for f in findings)


@dataclass
class Result:
    """What a command found, and the files it wrote (none when it found an error)."""

    findings: list[Finding] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)


def display_path(path: Path, root: Path | None = None) -> str:
    """Paths relative to the working folder when possible: that is what authors click on."""
    path = Path(path)
    for base in (root, Path.cwd()):
        if base is None:
            continue
        try:
            return str(path.parent.resolve().relative_to(Path(base).resolve()) / path.name)
        except (ValueError, OSError, RuntimeError):  # elsewhere, or a link that leads nowhere
            continue
    return str(path)


# The system's own texts for these are English ("Permission denied"); authors read Danish.
_OS_REASONS = {
    errno.EACCES: "ingen adgang", errno.EPERM: "ingen tilladelse", errno.ENOENT: "findes ikke",
    errno.ENOSPC: "disken er fuld", errno.EDQUOT: "diskkvoten er brugt op", errno.EROFS: "skrivebeskyttet drev",
    errno.EISDIR: "er en mappe", errno.ENOTDIR: "en del af stien er ikke en mappe", errno.EEXIST: "findes allerede",
    errno.ENAMETOOLONG: "navnet er for langt", errno.EIO: "læse-/skrivefejl på drevet",
    errno.EMFILE: "for mange åbne filer", errno.ELOOP: "for mange symbolske henvisninger i stien",
    errno.ETXTBSY: "filen er i brug", errno.EBUSY: "filen er i brug",
}


def os_reason(exc: OSError) -> str:
    """Why a file could not be read or written, in Danish (the system's text when we have none)."""
    return _OS_REASONS.get(exc.errno, exc.strerror or type(exc).__name__)
