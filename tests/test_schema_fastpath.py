"""The compiled schema (fastjsonschema) only ever says yes where jsonschema says yes.

check() trusts the compiled code's "valid" and asks jsonschema only when it says no; a document the
compiled code lets through that jsonschema would refuse would be an error lost without a word.
"""
from __future__ import annotations


from pathlib import Path

import yaml
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from aftaler.load.source import load
from aftaler.project import Project

PROJECT = Project()


def _sources(tmp: Path | None = None):
    """Every example and test document, and (given a folder) every document a corpus case edits."""
    paths = sorted([*ROOT.glob("agreements/*/*.yaml"), *ROOT.glob("tests/sets/*/*.yaml")])
    if tmp is not None:
        for case in sorted(ROOT.glob("tests/corpus/*/case.yaml")):
            spec = yaml.safe_load(case.read_text(encoding="utf-8"))
            base = ROOT / "tests" / "sets" / spec.get("saet", "lille")
            base = base if base.is_dir() else ROOT / spec.get("saet", "")
            for n, edit in enumerate(spec.get("aendringer") or []):
                if "erstat" in edit and (base / edit["fil"]).is_file():
                    text = (base / edit["fil"]).read_text(encoding="utf-8")
                    edited = tmp / f"{case.parent.name}-{n}" / edit["fil"]
                    edited.parent.mkdir(parents=True)
                    edited.write_text(text.replace(edit["erstat"], edit["med"]), encoding="utf-8")
                    paths.append(edited)
    for path in paths:
        source, _ = load(path)
        if source.data is not None and source.kind in PROJECT.validators:
            yield path, source


def _agree(validator, data) -> bool | None:
    """True when both agree, False when the compiled code says yes and jsonschema no, None when
    only the compiled code says no (allowed: it is stricter about e-mail addresses)."""
    fast, full = validator.is_valid(data), not any(True for _ in validator.full.iter_errors(data))
    if fast == full:
        return True
    return None if full else False


def test_the_compiled_schemas_never_let_through_what_jsonschema_refuses(tmp_path):
    checked = invalid = 0
    for path, source in _sources(tmp_path):
        result = _agree(PROJECT.validators[source.kind], source.data)
        assert result is not False, f"{path}: the compiled schema accepts what jsonschema refuses"
        checked += 1
        invalid += not PROJECT.validators[source.kind].is_valid(source.data)
    assert checked > 60 and invalid > 10  # the corpus brings invalid documents of many shapes


_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**18) | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_generated_changes_to_a_valid_document_are_judged_alike(data):
    """A valid example document with one value replaced by a generated one, anywhere in it."""
    sources = list(s for _, s in _sources() if "agreements" in str(s.path))
    source = data.draw(st.sampled_from(sources))
    document = _replace(source.data, data.draw(st.lists(st.integers(0, 50), min_size=1, max_size=4)),
                        data.draw(_values))
    assert _agree(PROJECT.validators[source.kind], document) is not False


def _replace(node, steps, value):
    if not steps or not isinstance(node, (dict, list)) or not node:
        return value
    if isinstance(node, dict):
        key = sorted(node)[steps[0] % len(node)]
        return {**node, key: _replace(node[key], steps[1:], value)}
    index = steps[0] % len(node)
    return [*node[:index], _replace(node[index], steps[1:], value), *node[index + 1:]]


def test_patterns_end_where_jsonschema_ends_them():
    """'$' ends the text for both (ECMA's reading): an id with a final newline is refused by both."""
    source = next(s for _, s in _sources() if s.kind == "delaftale")
    validator = PROJECT.validators["delaftale"]
    document = _replace(source.data, [], source.data)
    document = {**document, "aktiviteter": [{**document["aktiviteter"][0], "id": "bo-a\n"}, *document["aktiviteter"][1:]]}
    assert validator.is_valid(document) is False and _agree(validator, document) is True


def test_a_whole_float_is_no_integer_for_either():
    """fastjsonschema takes 0.0 for an integer (draft 6+); we do not, so neither may the fast path."""
    source = next(s for p, s in _sources() if s.kind == "budget" and "vestparken" in str(p))
    validator = PROJECT.validators["budget"]
    document = _replace(source.data, [sorted(source.data).index("jnr")], 0.0)
    assert validator.is_valid(document) is False and _agree(validator, document) is True
