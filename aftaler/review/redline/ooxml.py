"""WordprocessingML names, and small helpers on elements that every other module uses."""
from __future__ import annotations

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
FOOTNOTES_REL = f"{R_NS}/footnotes"
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


P, TBL, TR, TC, R, T = (_w(n) for n in ("p", "tbl", "tr", "tc", "r", "t"))
PPR, RPR, TRPR, TCPR, INS, DEL = (_w(n) for n in ("pPr", "rPr", "trPr", "tcPr", "ins", "del"))
PPR_CHANGE, FN_REF = _w("pPrChange"), _w("footnoteReference")
# Elements that hold runs inside a paragraph; runs in them are tracked like any other.
RUN_HOSTS = {_w(n) for n in ("hyperlink", "smartTag", "customXml", "fldSimple", "sdt", "sdtContent")}
# Paragraph properties that are not the paragraph's own look (mark formatting, section, history).
NOT_PROPS = {RPR, _w("sectPr"), PPR_CHANGE}
# Anchors whose ids would clash with NEW's: dropped from OLD content brought back as deleted.
ANCHORS = {_w(n) for n in ("bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd",
                            "commentReference", "permStart", "permEnd")}
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _c14n(element) -> str:
    return etree.tostring(element, method="c14n", exclusive=True).decode()


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(T))


def _span(tc) -> int:
    """How many grid columns a table cell spans."""
    span = tc.find(f"{TCPR}/{_w('gridSpan')}")
    return int(span.get(_w("val"))) if span is not None else 1


def _dxa(tc) -> int | None:
    """A cell's width in twentieths of a point, if it is given so (not auto or a percentage)."""
    tcw = tc.find(f"{TCPR}/{_w('tcW')}")
    if tcw is None or tcw.get(_w("type"), "dxa") != "dxa" or not (tcw.get(_w("w")) or "").isdigit():
        return None
    return int(tcw.get(_w("w")))


def _blocks(container) -> list:
    """The block-level children of a body, cell or footnote (not its properties)."""
    return [c for c in container if c.tag not in (_w("tcPr"), _w("sectPr")) and isinstance(c.tag, str)]


def _set_blocks(container, blocks: list) -> None:
    for child in _blocks(container):
        container.remove(child)
    tail = container.find(_w("sectPr"))
    for block in blocks:
        (tail.addprevious(block) if tail is not None else container.append(block))
