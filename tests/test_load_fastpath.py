"""libyaml's composer (the fast path) and ours give the same values, positions and findings.

load() composes with libyaml's C composer when the text cannot hold what ours refuses (anchors,
tags, excessive depth); any difference between the two would be a change nobody asked for.
"""
from __future__ import annotations

import pytest
from conftest import ROOT

from aftaler.load import source as loader


def _both(path, monkeypatch):
    fast = loader.load(path)
    with monkeypatch.context() as m:
        m.setattr(loader, "_compose_plain", lambda text: loader._NOT_PLAIN)
        ours = loader.load(path)
    return fast, ours


def _same(fast, ours):
    (a, fa), (b, fb) = fast, ours
    assert (a.data, a.positions, a.key_positions, a.float_text, a.kind) == \
           (b.data, b.positions, b.key_positions, b.float_text, b.kind)
    assert fa == fb


EXAMPLES = sorted([*ROOT.glob("agreements/*/*.yaml"), *ROOT.glob("tests/sets/*/*.yaml")])


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_example_loads_the_same_both_ways(path, monkeypatch):
    assert loader._compose_plain(path.read_text(encoding="utf-8")) is not loader._NOT_PLAIN
    _same(*_both(path, monkeypatch))


TEXTS = [
    "a: 1\nb: [1, 2, {c: d}]\n",
    "a: &x 1\nb: *x\n",  # anchor and alias: ours refuses
    "a: !!str 12\n",  # a tag: ours refuses
    "a: Vand & Affald\nb: Hej!\nc: '*stjerne*'\nd: |\n  **fed** tekst\n",
    "- - - - dyb\n",
    "a:" + " [" * 45 + "1" + "]" * 45 + "\n",
    "a: [1, 2\n",  # a syntax error
    "a: 1\na: 2\n",  # a key twice
    "a: 1.50\nb: 0100\nc: 1e400\nd: null\ne: no\n",
    "",
    "bare tekst\n",
    # Deeper than 40 levels with little indentation and few brackets: found as it is constructed
    # (_TooDeep), also in the value of a key written twice, which is not constructed.
    "a:\n" + "".join("  " * i + "- b:\n" for i in range(8)) + "  " * 8 + "c: " + "[" * 30 + "]" * 30 + "\n",
    "a: 1\na:\n" + "".join("  " * i + "- b:\n" for i in range(8)) + "  " * 8 + "c: " + "[" * 30 + "]" * 30 + "\n",
    "? " + "[" * 39 + "x" + "]" * 39 + "\n: 1\n",  # a complex key
]


@pytest.mark.parametrize("text", TEXTS)
def test_odd_texts_load_the_same_both_ways(text, tmp_path, monkeypatch):
    path = tmp_path / "samarbejdsaftale.yaml"
    path.write_text("# yaml-language-server: $schema=../../schemas/samarbejdsaftale.schema.json\n" + text,
                    encoding="utf-8")
    _same(*_both(path, monkeypatch))
