"""Nothing lost, property-tested: generated valid sets come out with every text value unaltered.

Hypothesis fills every free-text field of a small valid set (tests/sets/lille and every other
small set that validates, so every kind is covered) with generated text: Unicode with æøå and
emoji, `&<>"'`, `{{ }}`, `{% %}`, Markdown specials, very long text; optional text fields that
were absent are added and optional lists emptied. The set is written as YAML (the schema comment
first), built twice by the CLI, and then:

- every plain value is in its Word file and on its web page, as written (whitespace aside);
- every Markdown value shows its text: it is generated from a small grammar (paragraphs, lists,
  bold, italic, links, footnotes; literal text with Markdown specials escaped), so what a reader
  must see is known without trusting the Markdown code under test;
- the two builds are byte-identical (the build manifests hold file times and are left out).

Budget: AFTALER_HYPOTHESIS_EXAMPLES examples per base set (default 6; about 3 s per example
for tests/sets/lille and under 1 s for the one-document sets, so roughly 40 s in all here).
Free-text fields are found from the schemas: a string field without enum, pattern, format, catalogue reference (x-katalog) or
const; a Markdown field is one that refers to _faelles.schema.json#/definitions/tekst.
"""
from __future__ import annotations

import copy
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from aftaler import characters
from aftaler.authoring.round_schemas import round_schema
from aftaler.check.catalogue import set_round
from aftaler.load.sets import find_sets, load_set
from aftaler.load.source import NAME_KEYS
from aftaler.cli import main
from aftaler.findings import has_errors
from aftaler.project import Project
from aftaler.check.validate import validate_set
from conftest import ROOT, SETS
from docx_reader import all_text
from test_site import text_of

EXAMPLES = int(os.environ.get("AFTALER_HYPOTHESIS_EXAMPLES", "6"))
# Shrinking a failure costs a build per step (seconds each): off unless asked for.
PHASES = list(Phase) if os.environ.get("AFTALER_HYPOTHESIS_SHRINK") else [Phase.explicit, Phase.reuse, Phase.generate]
SMALL_SET_BYTES = 40_000  # the example set (amager) is left to the other tests: it is slow to build
MANIFEST = ".aftaler-filer.json"
MARKDOWN_REF = "definitions/tekst"

# Fields kept as the base set has them, and why. (kind, dotted path pattern, reason)
KEEP = [
    ("puljeudmoentning", r"puljer\.\d+\.forventet\.enhed", "all pools must count in the same unit"),
    ("delaftale", r"aktiviteter\.\d+\.ansvar\.\d+\.ansvarlig", "the other way to name a role than 'part': not both"),
    ("budget", r"grupper\.\d+\.linjer\.\d+\.tekst", "a line with amounts has no text of its own: 'tekst' makes a "
                                                  "text row (tests/test_real_content_budget.py)"),
]
# Optional fields that only qualify another one (the schema requires that one with it): added only where it is there.
QUALIFIES = {"antal_enhed": "antal"}


# ------------------------------------------------------------------ the schemas: which strings are text


@dataclass(frozen=True)
class Slot:
    """A free-text value in a set: file, key path, Markdown or plain, and whether the base set has it."""

    file: str
    path: tuple
    markdown: bool
    present: bool


def _registry(folder: Path):
    """The schemas of the set's funding round (the ids and fields of its catalogue)."""
    project = Project()
    catalogue, _ = set_round(load_set(folder)[0], project)
    documents = {name: round_schema(doc, catalogue) for name, doc in project.schema_documents().items()}
    return documents, Registry().with_resources(
        (name, Resource.from_contents(doc, default_specification=DRAFT7)) for name, doc in documents.items())


def _resolve(node, resolver):
    ref = None
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        resolved = resolver.lookup(ref)
        node, resolver = resolved.contents, resolved.resolver
    return node if isinstance(node, dict) else {}, resolver, ref


def _is_text(node) -> bool:
    kinds = node.get("type")
    is_string = kinds == "string" or (isinstance(kinds, list) and "string" in kinds)
    return is_string and not any(k in node for k in ("enum", "pattern", "format", "const", "x-katalog"))


def _branch(value, node, resolver):
    """For anyOf/oneOf: the alternative that describes `value`, or the node itself."""
    for key in ("anyOf", "oneOf"):
        for option in node.get(key, []):
            branch, branch_resolver, _ = _resolve(option, resolver)
            if isinstance(value, dict) and branch.get("properties") and set(value) <= set(branch["properties"]):
                return branch, branch_resolver
            if isinstance(value, str) and _is_text(branch):
                return branch, branch_resolver
    return node, resolver


def text_slots(file: str, value, node, resolver, path=(), markdown=False):
    """(Slot, schema node) for every free-text value, and every absent optional text field."""
    node, resolver, ref = _resolve(node, resolver)
    markdown = markdown or bool(ref and ref.endswith(MARKDOWN_REF))
    node, resolver = _branch(value, node, resolver)
    if isinstance(value, dict):
        properties = node.get("properties", {})
        for key, sub in properties.items():
            sub_node, _, sub_ref = _resolve(sub, resolver)
            qualified = QUALIFIES.get(key) is None or QUALIFIES[key] in value
            if key not in value and _is_text(sub_node) and qualified:
                yield Slot(file, path + (key,), bool(sub_ref and sub_ref.endswith(MARKDOWN_REF)), False)
        for key, item in value.items():
            yield from text_slots(file, item, properties.get(key, node.get("additionalProperties", {})),
                                  resolver, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from text_slots(file, item, node.get("items", {}), resolver, path + (i,))
    elif isinstance(value, str) and _is_text(node):
        yield Slot(file, path, markdown, True)


def optional_lists(value, node, resolver, path=()):
    """The key path of every optional list property (present or not) that may be empty."""
    node, resolver, _ = _resolve(node, resolver)
    node, resolver = _branch(value, node, resolver)
    if isinstance(value, dict):
        properties = node.get("properties", {})
        for key, sub in properties.items():
            sub_node, _, _ = _resolve(sub, resolver)
            if sub_node.get("type") == "array" and key not in node.get("required", []) \
                    and not sub_node.get("minItems"):
                yield path + (key,)
        for key, item in value.items():
            yield from optional_lists(item, properties.get(key, {}), resolver, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from optional_lists(item, node.get("items", {}), resolver, path + (i,))


# ------------------------------------------------------------------ sets as data, written as YAML


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):  # the loader refuses anchors and aliases
        return True


def _represent_text(dumper, text: str):
    # Always quoted (our loader reads YAML 1.2, PyYAML writes 1.1: '1e5' would become a number);
    # several lines as a literal block, as authors write Markdown.
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else '"')


_Dumper.add_representer(str, _represent_text)


def read_set(folder: Path) -> dict[str, tuple[str, object]]:
    """{file name: (schema comment line, data)} of a set."""
    result = {}
    for path in sorted(folder.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        first = text.split("\n", 1)[0]
        result[path.name] = (re.sub(r"\$schema=\S*/", f"$schema={ROOT}/schemas/", first), yaml.safe_load(text))
    return result


def write_set(folder: Path, files: dict[str, tuple[str, object]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (first, data) in files.items():
        body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=2**30)
        (folder / name).write_text(f"{first}\n{body}", encoding="utf-8")


def kind_of(first_line: str) -> str:
    return first_line.rsplit("/", 1)[-1].removesuffix(".schema.json")


def put(data, path: tuple, value) -> None:
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value


def get(data, path: tuple):
    for step in path:
        data = data[step]
    return data


def exists(data, path: tuple) -> bool:
    for step in path:
        if isinstance(data, dict) and step in data or isinstance(data, list) and isinstance(step, int) \
                and step < len(data):
            data = data[step]
        else:
            return False
    return True


def _kept(kind: str, path: tuple) -> bool:
    dotted = ".".join(map(str, path))
    return any(k == kind and re.fullmatch(pattern, dotted) for k, pattern, _ in KEEP)


@dataclass(frozen=True)
class Base:
    """A small valid set, its free-text slots and the optional lists that may be emptied."""

    name: str
    files: dict
    slots: tuple[Slot, ...]
    lists: tuple[tuple[str, tuple], ...]


def _valid(folder: Path) -> bool:
    project = Project()
    aset, findings = load_set(folder)
    return not has_errors(findings + validate_set(aset, project))


def small_sets() -> list[Path]:
    folders, _ = find_sets([SETS, ROOT / "agreements"])
    return [f for f in folders if sum(p.stat().st_size for p in f.glob("*.yaml")) < SMALL_SET_BYTES and _valid(f)]


@cache
def base(folder: Path) -> Base:
    """The slots of a base set, checked: the set stays valid with every slot filled."""
    documents, registry = _registry(folder)
    files = read_set(folder)
    slots, lists = [], []
    for name, (first, data) in files.items():
        kind = kind_of(first)
        schema, resolver = documents[f"{kind}.schema.json"], registry.resolver(base_uri=f"{kind}.schema.json")
        slots += [s for s in text_slots(name, data, schema, resolver) if not _kept(kind, s.path)]
        lists += [(name, path) for path in optional_lists(data, schema, resolver)]
    with tempfile.TemporaryDirectory() as tmp:
        probe = _filled(files, {s: f"Prøve {i} æøå" for i, s in enumerate(slots)})
        write_set(Path(tmp) / folder.name, probe)
        assert _valid(Path(tmp) / folder.name), f"{folder.name}: sættet er ikke gyldigt med alle tekstfelter udfyldt"
        emptiable = []
        for name, path in lists:  # each list emptied alone must leave the set valid
            trial = _filled(files, {})
            put(trial[name][1], path, [])
            write_set(Path(tmp) / "liste" / folder.name, trial)
            if _valid(Path(tmp) / "liste" / folder.name):
                emptiable.append((name, path))
    return Base(folder.name, files, tuple(slots), tuple(emptiable))


def _filled(files: dict, values: dict) -> dict:
    """A deep copy of the set's files with the slots' values put in."""
    result = copy.deepcopy(files)
    for slot, value in values.items():
        put(result[slot.file][1], slot.path, value)
    return result


# ------------------------------------------------------------------ generated text


SPECIALS = ["æ", "ø", "å", "Æ", "Ø", "Å", "&", "<", ">", '"', "'", "{{ x }}", "{% if x %}", "{#", "%}", "}}",
            "*", "_", "`", "[", "]", "(", ")", "#", "|", "\\", "~", "!", "-", "1.", "<b>", "&amp;", "😀", "👩‍👩‍👧",
            "Ω", "ß", "€", "§", "\u00a0", "\u200b", "ﬁ", "e\u0301", "中文", "עברית", "العربية"]
WORDS = ["Boligområdet", "beboere", "Ærø", "ØSTERBRO", "ål", "indsats", "2024", "1.056", "19,3 %", "no", "null",
         "true", "1e5", "~", "- ", "> ", "# ", "UDFYLD"]
# No control, surrogate, private-use (render_word's placeholders: see test_hostile) or unassigned
# characters, and no line or paragraph separators: YAML itself would turn those into line breaks.
# Nor bidi overrides, which aftaler/characters.py refuses everywhere; invisible format characters
# (Cf) stay, but not in names and ids (see _as_name).
_CHARS = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp"),
                       exclude_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_PIECE = st.one_of(st.sampled_from(SPECIALS), st.sampled_from(WORDS), st.text(_CHARS, min_size=1, max_size=8))
_WORD = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzæøåÆØÅ0123456789"), min_size=1, max_size=8)

# One line (the characters above hold no line breaks), not only whitespace. Kept short: a set has
# up to 200 text fields; one field per example is made very long (see generated_set).
plain_text = st.lists(_PIECE, min_size=1, max_size=5).map("".join).filter(lambda t: t.strip() != "")


def _escape_md(text: str) -> str:
    """Literal text in Markdown: every ASCII punctuation character backslash-escaped."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


@dataclass(frozen=True)
class Rich:
    """Generated Markdown and the lines a reader must see (in its paragraphs, items and footnotes)."""

    source: str
    lines: tuple[str, ...]


@st.composite
def inline(draw) -> tuple[str, str]:
    """(Markdown, visible text) of one paragraph's or item's content."""
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["text", "text", "bold", "italic", "link"]))
        if kind == "text":
            text = draw(plain_text)
            parts.append((_escape_md(text), text))
        else:
            words = " ".join(draw(st.lists(_WORD, min_size=1, max_size=3)))
            source = {"bold": f"**{words}**", "italic": f"*{words}*",
                      "link": f"[{words}](https://example.org/{draw(_WORD).lower()})"}[kind]
            parts.append((source, words))
    return " ".join(p[0] for p in parts), " ".join(p[1] for p in parts)


@st.composite
def rich_text(draw) -> Rich:
    blocks, lines, notes = [], [], []
    for _ in range(draw(st.integers(1, 3))):
        shape = draw(st.sampled_from(["paragraph", "paragraph", "bullets", "numbers"]))
        if shape == "paragraph":
            source, shown = draw(inline())
            if draw(st.booleans()):  # a footnote at the paragraph's end
                label = f"n{len(notes) + 1}"
                note_source, note_shown = draw(inline())
                notes.append((f"[^{label}]: {note_source}", note_shown))
                source += f"[^{label}]"
            blocks.append(source)
            lines.append(shown)
        else:
            items = draw(st.lists(inline(), min_size=1, max_size=3))
            marker = "-" if shape == "bullets" else "1."
            blocks.append("\n".join(f"{marker} {source}" for source, _ in items))
            lines += [shown for _, shown in items]
    blocks += [source for source, _ in notes]
    return Rich("\n\n".join(blocks), tuple(lines + [shown for _, shown in notes]))


@st.composite
def generated_set(draw, base_set: Base):
    """The base set with every slot filled (absent ones sometimes), and some optional lists emptied.

    Values are distinct (ignoring case and spacing): some texts are labels that must differ,
    such as two values' betegnelse in one measurement."""
    slots = [s for s in base_set.slots if s.present or draw(st.booleans())]
    plain = [s for s in slots if not s.markdown]
    rich = [s for s in slots if s.markdown]
    texts = draw(st.lists(plain_text, min_size=len(plain), max_size=len(plain),
                          unique_by=lambda t: _read_as(_as_name(t)).casefold()))
    texts = [_as_name(t) if s.path[-1] in NAME_KEYS else t for s, t in zip(plain, texts)]
    documents = draw(st.lists(rich_text(), min_size=len(rich), max_size=len(rich), unique_by=lambda r: r.source))
    if plain:  # one very long plain value (thousands of characters) ...
        i = draw(st.integers(0, len(plain) - 1))
        texts[i] = " ".join([texts[i]] * draw(st.integers(100, 400)))
    if rich:  # ... and one very long Markdown paragraph
        i = draw(st.integers(0, len(rich) - 1))
        long = " ".join([draw(plain_text)] * draw(st.integers(100, 400)))
        documents[i] = Rich(f"{documents[i].source}\n\n{_escape_md(long)}", (*documents[i].lines, long))
    values = {**dict(zip(plain, texts)), **{s: r.source for s, r in zip(rich, documents)}}
    expected = [(s, (t,)) for s, t in zip(plain, texts)] + [(s, r.lines) for s, r in zip(rich, documents)]
    files = _filled(base_set.files, values)
    for name, path in base_set.lists:
        # (a list inside one emptied before it is gone with it)
        if draw(st.integers(0, 3)) == 0 and exists(files[name][1], path[:-1]):
            put(files[name][1], path, [])
    kept = [(slot, lines) for slot, lines in expected if exists(files[slot.file][1], slot.path)]
    return files, kept


# ------------------------------------------------------------------ the property


def _as_name(text: str) -> str:
    """A text without what a name or id may not hold (characters.py), written as '¤' instead."""
    return characters.REFUSED_IN_NAME.sub("¤", text)


def _read_as(text: str) -> str:
    """How aftaler reads a text: NFC (characters.py), and readers see no spacing."""
    return unicodedata.normalize("NFC", flat(text))


def flat(text: str) -> str:
    """Whitespace-insensitive form: readers see text, not how many spaces it had."""
    return " ".join(text.split())


def build_twice(files: dict, name: str, root: Path) -> tuple[Path, Path]:
    write_set(root / "kilder" / name, files)
    outs = []
    for run in ("a", "b"):
        out = root / run
        code = main(["build", str(root / "kilder" / name), "-o", str(out)])
        assert code == 0, f"byg {run} fejlede (exit {code}); se udskriften ovenfor"
        outs.append(out)
    return outs[0], outs[1]


def check_nothing_lost(files: dict, expected: list, out: Path, name: str) -> None:
    words = {p.stem: flat(all_text(p)) for p in (out / name).glob("*.docx")}
    pages = {p.stem: flat(text_of(p.read_bytes())) for p in (out / "site" / name).glob("*.html")}
    kinds = Project().kinds()
    for slot, lines in expected:
        stem = Path(slot.file).stem
        where = f"{slot.file}: {'.'.join(map(str, slot.path))}"
        has_template = kinds[kind_of(files[slot.file][0])].template_path is not None
        for line in map(_read_as, lines):
            if has_template:
                assert line in words[stem], f"{where} mangler i Word: {line[:200]!r}"
            assert line in pages[stem], f"{where} mangler på siden: {line[:200]!r}"


def check_identical(a: Path, b: Path) -> None:
    def contents(out):
        return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
                if p.is_file() and p.name != MANIFEST}
    first, second = contents(a), contents(b)
    assert first.keys() == second.keys()
    differing = [k for k in first if first[k] != second[k]]
    assert not differing, f"to byg af de samme kilder giver forskellige bytes: {differing}"


SET_FOLDERS = small_sets()


def test_every_kind_is_generated():
    """The base sets cover every document kind, so the property speaks for all of them."""
    kinds = {kind_of(first) for folder in SET_FOLDERS for first, _ in read_set(folder).values()}
    assert kinds >= set(Project().kinds()), sorted(set(Project().kinds()) - kinds)
    assert SETS / "lille" in SET_FOLDERS


@pytest.mark.parametrize("folder", SET_FOLDERS, ids=[f.name for f in SET_FOLDERS])
def test_every_text_value_survives_the_build(folder, capsys):
    base_set = base(folder)
    assert len(base_set.slots) >= 10

    @settings(max_examples=EXAMPLES, deadline=None, database=None, print_blob=True, phases=PHASES,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(generated_set(base_set))
    def prop(generated):
        files, expected = generated
        with tempfile.TemporaryDirectory() as tmp:
            a, b = build_twice(files, base_set.name, Path(tmp))
            check_nothing_lost(files, expected, a, base_set.name)
            check_identical(a, b)
        capsys.readouterr()

    prop()


# ------------------------------------------------------------------ what the property leaves out, and why


def _build_with(folder_name: str, change, tmp_path: Path) -> Path:
    folder = next(f for f in SET_FOLDERS if f.name == folder_name)
    files = _filled(read_set(folder), {})
    change(files)
    write_set(tmp_path / "kilder" / folder_name, files)
    assert main(["build", str(tmp_path / "kilder" / folder_name), "-o", str(tmp_path / "ud")]) == 0
    return tmp_path / "ud"


def test_budget_line_description_is_shown(tmp_path):
    out = _build_with("lille", lambda files: put(files["budget.yaml"][1], ("grupper", 1, "linjer", 0, "beskrivelse"),
                                                  "Andel af projektlederløn"), tmp_path)
    assert "Andel af projektlederløn" in all_text(out / "lille/budget.docx")
    assert "Andel af projektlederløn" in text_of((out / "site/lille/budget.html").read_bytes())


def test_partnership_signers_are_on_the_site(tmp_path):
    folder = next(f for f in SET_FOLDERS if f.name == "frivillighed-partnerskab")
    signer = read_set(folder)["partnerskabsaftale.yaml"][1]["parter"][0]["underskriver"]
    out = _build_with("frivillighed-partnerskab", lambda files: None, tmp_path)
    assert signer["titel"] in text_of((out / "site/frivillighed-partnerskab/partnerskabsaftale.html").read_bytes())


def test_a_seat_with_both_shows_the_organisation(tmp_path):
    out = _build_with("lille", lambda files: put(files["kommissorium.yaml"][1], ("medlemmer", 0, "organisation"),
                                                  "Lokaludvalget"), tmp_path)
    assert "Lokaludvalget" in all_text(out / "lille/kommissorium.docx")


def test_budget_note_text_is_shown_as_its_schema_says(tmp_path):
    """A note is Markdown in the schema and rendered (bold, not asterisks); were it plain text, it would be shown as typed."""
    documents, registry = _registry(SETS / "lille")
    resolver = registry.resolver(base_uri="budget.schema.json")
    [slot] = [s for s in text_slots("budget.yaml", {"noter": [{"id": "n", "tekst": "x"}]},
                                    documents["budget.schema.json"], resolver) if s.path[-1] == "tekst"]
    out = _build_with("lille", lambda files: put(files["budget.yaml"][1], ("noter", 0, "tekst"),
                                                 "Løn efter **overenskomst**."), tmp_path)
    for text in (all_text(out / "lille/budget.docx"), text_of((out / "site/lille/budget.html").read_bytes())):
        if slot.markdown:  # the page's text has a space where the bold ends: compare the words
            assert "Løn efter overenskomst" in flat(text) and "**overenskomst**" not in text, slot
        else:
            assert "Løn efter **overenskomst**." in flat(text), slot


def test_a_cross_cutting_line_keeps_its_description(tmp_path):
    files = _filled(read_set(SETS / "lille"), {})
    put(files["budget.yaml"][1], ("grupper", 0, "linjer", 0, "beskrivelse"), "Ekstern revision")
    write_set(tmp_path / "kilder" / "lille", files)
    code = main(["build", str(tmp_path / "kilder" / "lille"), "-o", str(tmp_path / "ud")])
    if code == 0:  # built: then the text is somewhere a reader sees it
        assert "Ekstern revision" in all_text(tmp_path / "ud/lille/budget.docx")
        assert "Ekstern revision" in text_of((tmp_path / "ud/site/lille/budget.html").read_bytes())
    else:  # or refused, with a message at the line
        assert code == 1
