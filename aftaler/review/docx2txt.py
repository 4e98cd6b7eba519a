"""`python -m aftaler.review.docx2txt FILE.docx`: a Word file as plain text, for `git diff` (textconv).

One line per paragraph, a table row as its cells joined by " | ", footnotes last as "[n] …".
Footnotes are numbered as Word prints them (1, 2, 3 in the order they are referred to), not by
their internal ids, so a file saved by LibreOffice or a redline reads the same. Tracked changes
are shown accepted (inserted text in, deleted text out), as a reader of the final document sees
it. See docs/git.md for the `.gitattributes` recipe.
"""
from __future__ import annotations

import sys
import zipfile
from typing import Iterator

from lxml import etree

from ..findings import os_reason

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
BODY_PARTS = ("word/document.xml",)
NOTES_PART = "word/footnotes.xml"


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def paragraph_text(p, numbers: dict | None = None) -> str:
    """The paragraph's text as accepted: w:t and tabs, footnote marks as [n]; w:delText is left out.
    `numbers`: footnote id → the number Word prints (the order of reference), filled as met."""
    pieces = []
    for el in p.iter(_w("t"), _w("tab"), _w("br"), _w("footnoteReference")):
        if el.tag == _w("t"):
            pieces.append(el.text or "")
        elif el.tag == _w("footnoteReference"):
            ident = el.get(_w("id"))
            if numbers is not None:
                ident = numbers.setdefault(ident, str(len(numbers) + 1))
            pieces.append(f"[{ident}]")
        else:
            pieces.append("\t" if el.tag == _w("tab") else " ")
    return "".join(pieces)


def _deleted(el) -> bool:
    """A paragraph or row marked as deleted in a tracked change."""
    marks = el.find(_w("trPr")) if el.tag == _w("tr") else el.find(f"{_w('pPr')}/{_w('rPr')}")
    return marks is not None and marks.find(_w("del")) is not None and not paragraph_text(el).strip()


def blocks(container, numbers: dict | None = None) -> Iterator[str]:
    """Lines of a body or cell, in reading order."""
    for el in container:
        if el.tag == _w("p"):
            if not _deleted(el):
                yield paragraph_text(el, numbers)
        elif el.tag == _w("tbl"):
            for tr in el.iter(_w("tr")):
                if tr.find(f"{_w('trPr')}/{_w('del')}") is not None:
                    continue
                cells = [" / ".join(line for line in blocks(tc, numbers) if line.strip()) for tc in tr.findall(_w("tc"))]
                yield " | ".join(cells)
        elif el.tag in (_w("sdt"), _w("sdtContent"), _w("customXml")):
            yield from blocks(el.find(_w("sdtContent")) if el.tag == _w("sdt") else el, numbers)


def document_text(path) -> str:
    """The whole text of a .docx (a path or a binary file object): body, then footnotes."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    lines: list[str] = []
    numbers: dict[str, str] = {}  # footnote id → number as printed
    with zipfile.ZipFile(path) as package:
        names = set(package.namelist())
        for part in BODY_PARTS:
            body = etree.fromstring(package.read(part), parser).find(_w("body"))
            lines += blocks(body, numbers)
        if NOTES_PART in names:
            notes = etree.fromstring(package.read(NOTES_PART), parser)
            texts = {}
            for note in notes.findall(_w("footnote")):
                if note.get(_w("type")) in (None, "normal") and note.get(_w("id")) in numbers:
                    texts[numbers[note.get(_w("id"))]] = " ".join(line.strip() for line in blocks(note) if line.strip())
            lines += [f"[{n}] {texts[n]}" for n in sorted(texts, key=int)]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0] in ("-h", "--help"):
        sys.stderr.write("brug: python -m aftaler.review.docx2txt FIL.docx  (skriver dokumentets tekst; til git diff)\n")
        return 2
    try:
        sys.stdout.write(document_text(args[0]))
    except OSError as exc:
        sys.stderr.write(f"{args[0]}: fejl: filen kan ikke læses ({os_reason(exc)})\n")
        return 1
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        sys.stderr.write(f"{args[0]}: fejl: filen kan ikke læses som et Word-dokument (.docx)\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
