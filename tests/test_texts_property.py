"""Nothing lost or changed silently in a text field, property-tested (issue 16, item 3).

Generated prose with the shapes that lose or change text — a footnote definition no reference
uses, a reference without a definition, a line that would start a list inside a paragraph (after
a wrap), footnote syntax — goes into a Markdown field of the small set. Each case either comes out
word for word in the Word file and on the site, or `validate` reports it at a line of the field.
"""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from conftest import SETS
from docx_reader import all_text
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from aftaler.cli import main

FIELD = "  tekst: |\n    Området har to afdelinger med **mange** børnefamilier.[^kilde]\n\n    [^kilde]: Boligsociale data, 2023.\n"
_WORD = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzæøå"), min_size=2, max_size=9)
_LINE = st.lists(_WORD, min_size=2, max_size=7).map(" ".join)
# What a wrapped line may begin with: list markers that interrupt a paragraph, and ones that do not.
_STARTS = st.sampled_from(["1. ", "1) ", "- ", "* ", "+ ", "2. ", "17. ", "(1) ", "—", ""])


@st.composite
def prose(draw):
    """(the field's lines, the words a reader must see in order per paragraph, the hazards put in)."""
    paragraphs, hazards, defined, referenced = [], [], [], []
    for p in range(draw(st.integers(1, 3))):
        lines = [draw(_LINE)]
        for _ in range(draw(st.integers(0, 2))):
            start = draw(_STARTS)
            lines.append(start + draw(_LINE))
            if start:
                hazards.append("start:" + start)
        if draw(st.booleans()):
            label = f"n{p}"
            lines[-1] += f"[^{label}]"
            referenced.append(label)
        paragraphs.append(lines)
    for label in referenced:
        if draw(st.integers(0, 3)):  # mostly defined; sometimes not
            defined.append(label)
        else:
            hazards.append("no-definition")
    if draw(st.integers(0, 4)) == 0:
        defined.append("ubrugt")
        hazards.append("unused-definition")
    notes = {label: draw(_LINE) for label in defined}
    return paragraphs, notes, hazards


def _yaml_block(paragraphs, notes) -> str:
    blocks = ["\n".join(f"    {line}" for line in lines) for lines in paragraphs]
    blocks += [f"    [^{label}]: {text}" for label, text in notes.items()]
    return "  tekst: |\n" + "\n\n".join(blocks) + "\n"


def _words(text: str) -> list[str]:
    return re.findall(r"[a-zæøå]{2,}", text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(case=prose())
def test_risky_prose_survives_word_for_word_or_is_reported_at_its_lines(case, capsys):
    paragraphs, notes, hazards = case
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "lille"
        shutil.copytree(SETS / "lille", folder)
        path = folder / "samarbejdsaftale.yaml"
        text = path.read_text(encoding="utf-8")
        assert FIELD in text
        path.write_text(text.replace(FIELD, _yaml_block(paragraphs, notes)), encoding="utf-8")
        first = text.splitlines().index("  tekst: |") + 2
        last = first + sum(len(lines) + 1 for lines in paragraphs) + len(notes) * 2
        capsys.readouterr()
        code = main(["validate", str(folder)])
        err = capsys.readouterr().err
        reported = [int(n) for n in re.findall(r"samarbejdsaftale\.yaml:(\d+):\d+: (?:fejl|advarsel): ", err)
                    if first <= int(n) <= last]
        assert "intern fejl" not in err and code in (0, 1), err
        if "no-definition" in hazards or "unused-definition" in hazards:
            assert code == 1 and reported, (hazards, err)  # text would be lost or printed as [^n]
            event("refused: a footnote without its other half")
            return
        if reported:
            event("warned at its line")
            return  # the author is told (a line that may start a list): nothing silent
        event("built and read back")
        assert main(["build", str(folder), "-o", str(Path(tmp) / "ud")]) == 0
        word = all_text(Path(tmp) / "ud" / "lille" / "samarbejdsaftale.docx")
        html = re.sub(r"<[^>]+>", " ", (Path(tmp) / "ud" / "site" / "lille" / "samarbejdsaftale.html")
                      .read_text(encoding="utf-8"))
        for lines in paragraphs:
            wanted = _words(" ".join(lines))
            for shown in (word, html):
                words = _words(shown)
                at = 0
                for w in wanted:  # every word, in order
                    at = words.index(w, at) + 1
        for note in notes.values():
            assert " ".join(_words(note)) in " ".join(_words(word))
        capsys.readouterr()
