"""Strict loading: nothing an author typed is reinterpreted or silently dropped."""
from __future__ import annotations

import pytest

from aftaler.load.source import load

HEAD = "# yaml-language-server: $schema=../../schemas/delaftale.schema.json\n"


def load_text(tmp_path, text: str, encoding="utf-8", raw: bytes | None = None):
    path = tmp_path / "d.yaml"
    path.write_bytes(raw if raw is not None else (HEAD + text).encode(encoding))
    return load(path)


def test_yaml_11_surprises_stay_text(tmp_path):
    source, findings = load_text(tmp_path, "a: no\nb: yes\nc: 12:30\nd: 2022-01-01\ne: on\nf: 0o17\ng: 1_000\n")
    assert not findings
    assert source.data == {"a": "no", "b": "yes", "c": "12:30", "d": "2022-01-01", "e": "on", "f": "0o17", "g": "1_000"}


def test_numbers_and_positions(tmp_path):
    source, findings = load_text(tmp_path, "liste:\n  - beloeb: 1.056\n    antal: 7\n")
    assert not findings
    assert source.data == {"liste": [{"beloeb": 1.056, "antal": 7}]}
    assert source.float_text[("liste", 0, "beloeb")] == "1.056"   # kept for the "skriv 1056" hint
    assert str(source.position(("liste", 0, "antal"))).endswith("d.yaml:4:12")
    assert str(source.position(("liste", 0, "antal"), key=True)).endswith("d.yaml:4:5")


def test_quoted_values_are_text(tmp_path):
    source, _ = load_text(tmp_path, 'aar: "2020"\nflag: "true"\n')
    assert source.data == {"aar": "2020", "flag": "true"}


@pytest.mark.parametrize("text, line, column, words", [
    ("a: 1\na: 2\n", 3, 1, "står to gange"),
    ("a: &x 1\nb: *x\n", 2, 4, "ankre og aliaser"),
    ("a: !!str 1\n", 2, 4, "typeangivelser"),
    ("a:\n\t- 1\n", 3, 1, "tabulatortegn"),
    ("a: [1, 2\n", 3, 1, "YAML-syntaksfejl"),
    ("a: b: c\n", 2, 5, "kolon"),
    ("a: 1\n---\nb: 2\n", 3, 1, "ét dokument"),
])
def test_refused_with_position(tmp_path, text, line, column, words):
    _, findings = load_text(tmp_path, text)
    assert findings, text
    first = findings[0]
    assert (first.position.line, first.position.column) == (line, column), first
    assert words in first.message


def test_wrong_encoding_points_at_the_byte(tmp_path):
    _, [finding] = load_text(tmp_path, "navn: Søren\n", encoding="latin-1")
    assert finding.position.line == 2 and finding.position.column == 8  # the ø
    assert "UTF-8" in finding.message


def test_binary_garbage(tmp_path):
    _, [finding] = load_text(tmp_path, "", raw=b"\x89PNG\r\n\x1a\n\x00\x00")
    assert "ikke tekst" in finding.message


def test_missing_schema_line(tmp_path):
    _, [finding] = load_text(tmp_path, "", raw="a: 1\n".encode())
    assert finding.position.line == 1 and "første linje skal angive skemaet" in finding.message


def test_empty_and_missing_files(tmp_path):
    _, [empty] = load_text(tmp_path, "")
    assert "tom" in empty.message
    _, [missing] = load(tmp_path / "findes-ikke.yaml")
    assert "findes ikke" in missing.message


def test_deep_nesting_is_refused(tmp_path):
    _, findings = load_text(tmp_path, "a: " + "[" * 60 + "]" * 60 + "\n")
    assert findings and "dybere" in findings[0].message


def test_a_wrong_byte_is_pointed_at_in_characters(tmp_path):
    """The column counts characters, as the editor does: Æ before the bad byte is one column, not two bytes."""
    _, [finding] = load_text(tmp_path, "", raw="# x\nnavn: Æble".encode() + b"\xf8\n")
    assert (finding.position.line, finding.position.column) == (2, 11) and "UTF-8" in finding.message
