"""Read a generated .docx back the way a reader sees it: every part, every paragraph.

python-docx's Paragraph.text skips text in w:ins and content controls, and cell.text skips
nested tables (see pitfalls), so we read w:t per w:p in every text-bearing part ourselves.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
TEXT_PARTS = re.compile(r"^word/(document|footnotes|endnotes|header\d*|footer\d*)\.xml$")


def part_paragraphs(path: Path, part: str = "word/document.xml") -> list[str]:
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read(part))
    return ["".join(t.text or "" for t in p.iter(f"{{{W}}}t"))
            for p in root.iter(f"{{{W}}}p")]


def all_text(path: Path) -> str:
    """All paragraphs of all text parts, one per line, whitespace normalised."""
    lines = []
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if TEXT_PARTS.match(n)):
            root = etree.fromstring(z.read(name))
            for p in root.iter(f"{{{W}}}p"):
                lines.append("".join(t.text or "" for t in p.iter(f"{{{W}}}t")))
    return normalise("\n".join(lines))


def footnotes(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        if "word/footnotes.xml" not in z.namelist():
            return []
        root = etree.fromstring(z.read("word/footnotes.xml"))
    return [normalise("".join(t.text or "" for t in fn.iter(f"{{{W}}}t")))
            for fn in root.findall("w:footnote", NS) if int(fn.get(f"{{{W}}}id")) > 0]


def tables(path: Path) -> list[list[list[str]]]:
    """Top-level body tables as rows of cell texts."""
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    body = root.find("w:body", NS)
    result = []
    for tbl in body.iter(f"{{{W}}}tbl"):
        rows = []
        for tr in tbl.findall("w:tr", NS):
            rows.append([normalise(" ".join("".join(t.text or "" for t in p.iter(f"{{{W}}}t"))
                                            for p in tc.iter(f"{{{W}}}p"))) for tc in tr.findall("w:tc", NS)])
        result.append(rows)
    return result


def shown_texts(data, *, not_shown: set, markdown: set, key=None):
    """(key, text) for every string a reader must find in the document: values under `not_shown`
    keys (ids, references, codes) are skipped, Markdown fields reduced to their plain lines."""
    from aftaler.render import richtext
    if isinstance(data, dict):
        for k, v in data.items():
            if k not in not_shown:
                yield from shown_texts(v, not_shown=not_shown, markdown=markdown, key=k)
    elif isinstance(data, list):
        for item in data:
            yield from shown_texts(item, not_shown=not_shown, markdown=markdown, key=key)
    elif isinstance(data, str) and data.strip():
        if key in markdown:
            for line in richtext.plain_text(richtext.parse(data)).splitlines():
                line = re.sub(r"^\[\d+\]: |\[\d+\]", "", line)  # footnote markers: numbered by Word
                line = re.sub(r"^\s*(\d+\.|[-•*])\s+", "", line)  # list markers: Word's numbering
                if line.strip():
                    yield key, normalise(line)
        else:
            yield key, normalise(data)


def normalise(text: str) -> str:
    return re.sub(r"[ \t\u00a0]+", " ", text).strip()
