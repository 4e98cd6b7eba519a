"""Word redlines: the NEW document with native tracked changes against the OLD one.

Both documents come from the same template, so NEW is the base (its styles, sections and
numbering) and OLD's content comes back only as deleted text. Blocks (paragraphs and tables)
are aligned on their text with difflib; paired paragraphs are compared word by word, paired
tables row by row and cell by cell; where a table gains or loses grid columns (a budget year),
the columns are aligned too and a column that comes or goes is tracked cell by cell.
Footnotes follow their references: a footnote whose reference stays is compared word by word,
one whose reference goes or comes is deleted or inserted whole.

`accept_all` and `reject_all` resolve every tracked change, the way Word's and LibreOffice's
"accept all" and "reject all" do; the tests hold them against LibreOffice.

A few choices are made for LibreOffice, which reads less of the format than Word: footnotes are
written in reference order, a changed picture replaces its paragraph whole, and where a whole
paragraph holding a footnote or standing before a table comes or goes, the paragraph mark
before it carries the change (see blocks._shifted_runs).

The modules, each with one job:

- track.py      redline(): the entry point; body first, then footnotes
- blocks.py     the blocks of one container (body, cell, footnote) aligned and compared; the
                container's last paragraph mark and LibreOffice's shifted marks
- paragraph.py  two paired paragraphs compared word by word into w:ins/w:del
- table.py      two paired tables compared row by row and cell by cell
- columns.py    two tables' grid columns aligned: cells of a column that comes or goes tracked
                (w:cellIns/w:cellDel, content as w:ins/w:del); LibreOffice 7.4 keeps such
                cells, emptied, after accept/reject (it ignores w:cellIns/w:cellDel); a
                header narrowed by a removed column is NEW's cell beside a deleted piece
- footnotes.py  footnotes after the body: compared or marked, then put in reference order
- align.py      two sequences aligned: difflib, then changed stretches paired by similarity
- marking.py    whole content marked inserted or deleted (runs, paragraph marks, rows)
- props.py      paragraph properties compared, and the former look kept as w:pPrChange
- transfer.py   OLD content made valid in NEW: relationships, pictures, footnotes, lists, ids
- context.py    what one run shares: revision ids, author and date, footnote work, numbering
- package.py    a .docx as parts and relationships; its footnotes and lists looked up
- ooxml.py      WordprocessingML names and small element helpers
- resolve.py    accept_all() and reject_all()
"""
from .resolve import accept_all, reject_all
from .track import redline

__all__ = ["accept_all", "redline", "reject_all"]
