"""The examples' outputs are byte for byte those recorded in tests/golden.json.

A change that means to alter outputs updates the record (`python tests/golden.py --update`), so a
reviewer sees which files it altered; any other change must leave every byte as it was.
"""
import json

from golden import RECORD, compare, outputs


def test_outputs_are_as_recorded():
    differences = compare(json.loads(RECORD.read_text(encoding="utf-8")), outputs())
    assert not differences, "\n".join(differences) + "\n(tilsigtet? python tests/golden.py --update)"
