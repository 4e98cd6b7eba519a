"""Review: two revisions of the agreements → what changed and who must approve it.

In: two sides (git revisions, folders or the working tree; revisions.py). Out: one change set
(changes/), classified by the round's approval rules (approval.py), told by renderers apart from
it: terminal text, JSON, a change page and the approval request (report.py), Word redlines with
tracked changes (redline/). command.py runs `diff`; docx2txt.py reads a Word file back as text.
"""
