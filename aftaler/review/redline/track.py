"""redline(): NEW's .docx with tracked changes that turn OLD into NEW."""
from __future__ import annotations

from datetime import datetime

from ...render.docx_package import _w3cdtf
from .blocks import _diff_container
from .context import _Context
from .footnotes import _finish_footnotes, _order_footnotes
from .ooxml import _blocks, _set_blocks
from .package import _Package
from .transfer import _Part


def redline(old_docx: bytes, new_docx: bytes, *, author: str, date: datetime) -> bytes:
    """NEW's .docx with tracked changes that turn OLD into NEW (same template assumed)."""
    old, new = _Package(old_docx), _Package(new_docx)
    ctx = _Context(author=author, date=_w3cdtf(date), old=old, new=new)
    body_old, body_new = old.root("word/document.xml")[0], new.root("word/document.xml")[0]
    doc = _Part(ctx, "word/document.xml")
    _set_blocks(body_new, _diff_container(_blocks(body_old), _blocks(body_new), doc))
    _finish_footnotes(ctx)
    _order_footnotes(ctx)
    return new.save()
