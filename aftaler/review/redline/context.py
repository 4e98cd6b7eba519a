"""What one redline run shares: revision ids, author and date, footnote work, list numbering."""
from __future__ import annotations

import copy
import itertools
import re
from dataclasses import dataclass, field

from lxml import etree

from ...render.docx_package import _parse
from .ooxml import WP, W, _w
from .package import _footnotes, _num, _num_signature, _Package


@dataclass
class _Context:
    """Everything one redline run shares: revision ids, author, date, footnotes, numbering."""

    author: str
    date: str
    old: _Package
    new: _Package
    ids: itertools.count = field(init=False)
    fn_work: list = field(default_factory=list)     # ("pair", old id, new id) | ("ins", new id)
    num_map: dict = field(default_factory=dict)
    next_fn: int = 0
    next_doc_pr: int = 0

    def __post_init__(self):
        # Annotation ids (revisions, bookmarks, comments) share one space: start above them all.
        xml = [n for n in self.new.parts if n.startswith("word/") and n.endswith(".xml")]
        ids = [int(v) for n in xml for v in _parse(self.new.parts[n]).xpath("//@w:id", namespaces={"w": W})
               if re.fullmatch(r"-?\d+", v)]
        self.ids = itertools.count(max([0, *ids]) + 1)
        self.next_fn = max([0, *(int(k) for k in _footnotes(self.new))]) + 1
        doc_prs = [int(v) for v in self.new.root("word/document.xml").xpath(
            "//wp:docPr/@id", namespaces={"wp": WP}) if v.isdigit()]
        self.next_doc_pr = max([0, *doc_prs]) + 1

    def revision(self, kind: str):
        """A w:ins, w:del or w:pPrChange with a fresh id and this run's author and date."""
        return etree.Element(_w(kind), {_w("id"): str(next(self.ids)), _w("author"): self.author,
                                         _w("date"): self.date})

    def new_num_id(self, old_id: str) -> str:
        """A NEW numId that numbers like OLD's list `old_id` did (copied when NEW lacks it)."""
        if old_id in self.num_map:
            return self.num_map[old_id]
        result = old_id
        old_num = _num(self.old, old_id)
        if old_num is not None and self.new.has("word/numbering.xml") \
                and _num_signature(self.new, old_id) != _num_signature(self.old, old_id):
            numbering = self.new.root("word/numbering.xml")
            ids = [int(n.get(_w("numId"))) for n in numbering.findall(_w("num"))]
            result = str(max([0, *ids]) + 1)
            num = copy.deepcopy(old_num)
            num.set(_w("numId"), result)
            last = numbering.findall(_w("num"))
            (last[-1].addnext(num) if last else numbering.append(num))
        self.num_map[old_id] = result
        return result
