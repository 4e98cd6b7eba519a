"""Every passage of a real agreement has a place (issue 16): the map in tests/seed_places/ says,
line by line, which field of the round's schemas holds each passage of a seed agreement in
../shared/seeds/ (read at run time; the seed's words are not copied into the project). The test
fails when a line has no place or two, or when a place is not a field of the schemas: a field
renamed, removed or never made."""
from __future__ import annotations

import pytest
import yaml
from conftest import ROOT

from aftaler.authoring.round_schemas import round_schema
from aftaler.project import Project

SEEDS = ROOT.parent / "shared" / "seeds"
MAPS = sorted((ROOT / "tests" / "seed_places").glob("*.yaml"))
MARKDOWN = "_faelles.schema.json#/definitions/tekst"
KEYWORDS = ("formular", "beregnet", "tom")


def _places(entry) -> list[str]:
    return entry["sted"] if isinstance(entry["sted"], list) else [entry["sted"]]


def _lines(spec) -> range:
    first, _, last = str(spec).partition("-")
    return range(int(first), int(last or first) + 1)


def _resolve(documents: dict, name: str, path: str):
    """The schema node at `path` ("parter.navn": lists are gone through) in the kind's schema,
    and whether it is Markdown."""
    steps = path.split(".")
    node, here = documents[name], name
    markdown = False

    def deref(node, here):
        nonlocal markdown
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 20:
            ref = node["$ref"]
            file, _, pointer = ref.partition("#")
            target_file = file or here
            markdown = markdown or f"{target_file}#{pointer}" == MARKDOWN
            target = documents[target_file]
            for part in [p for p in pointer.split("/") if p]:
                target = target[part]
            node, here, seen = target, target_file, seen + 1
        return node, here

    def candidates(node, here, depth=0):
        """The node and what it may be: its alternatives, a list's items (and theirs)."""
        node, here = deref(node, here)
        yield node, here
        if depth < 6:
            for sub in [b for k in ("anyOf", "oneOf", "allOf") for b in node.get(k) or []] + (
                    [node["items"]] if isinstance(node.get("items"), dict) else []):
                yield from candidates(sub, here, depth + 1)

    for step in steps:
        found = next(((branch["properties"][step], branch_here) for branch, branch_here in candidates(node, here)
                      if step in (branch.get("properties") or {})), None)
        if found is None:
            return None, False
        markdown = False
        node, here = found
    node, here = deref(node, here)
    return node, markdown


@pytest.mark.parametrize("map_file", MAPS, ids=[m.stem for m in MAPS])
def test_every_line_of_the_real_agreement_has_one_place_in_the_schemas(map_file):
    spec = yaml.safe_load(map_file.read_text(encoding="utf-8"))
    seed = SEEDS / spec["kilde"]
    if not seed.is_file():
        pytest.skip(f"{seed} findes ikke (the seeds are beside the checkout, in ../shared/seeds/)")
    lines = seed.read_text(encoding="utf-8").split("\n")
    count = len(lines) - (lines[-1] == "")

    placed: dict[int, int] = {}
    for entry in spec["passager"]:
        for n in _lines(entry["linjer"]):
            placed[n] = placed.get(n, 0) + 1
    assert [n for n in range(1, count + 1) if n not in placed] == [], "lines without a place"
    assert [n for n, times in placed.items() if times > 1] == [], "lines placed twice"
    assert max(placed) == count, "places beyond the end of the seed"

    project = Project()
    documents = {name: round_schema(doc, project.catalogues()[spec["pulje"]])
                 for name, doc in project.schema_documents().items()}
    wrong = []
    for entry in spec["passager"]:
        for place in _places(entry):
            if place in KEYWORDS:
                continue
            words = place.split()
            footnote = words[0] == "fodnote"
            kind, path = words[1:] if footnote else words
            node, markdown = _resolve(documents, f"{kind}.schema.json", path)
            if node is None:
                wrong.append(f"linje {entry['linjer']}: {place} er ikke et felt")
            elif footnote and not markdown:
                wrong.append(f"linje {entry['linjer']}: {place} kan ikke rumme fodnoter (ikke Markdown)")
    assert wrong == [], "\n".join(wrong)

    # What share of the agreement is the authors' own content (a field), not the form's text
    in_fields = sum(1 for e in spec["passager"] for n in _lines(e["linjer"])
                    if any(p not in KEYWORDS for p in _places(e)))
    assert in_fields > count / 2, f"only {in_fields} of {count} lines in fields"


# A top-level field as the kind's model (and so its Word template) names it, where the name differs.
PRINTED_AS = {
    ("samarbejdsaftale", "samarbejdsaftale", "periode"): "periode_tekst",
    ("samarbejdsaftale", "samarbejdsaftale", "maal_og_indikatorer"): "indikatorraekker",
    ("delaftale", "delaftale", "indsatsomraade"): "titel",
    ("delaftale", "delaftale", "periode"): "periode_tekst",
    ("delaftale", "delaftale", "delmaal"): "delmaalsraekker",
    ("delaftale", "samarbejdsaftale", "omraadets_navn"): "navn",
}
ORDERED = ("samarbejdsaftale", "delaftale")


def _template_names(kind: str) -> list[str]:
    """The names the kind's Word template uses, in the order of its text (every occurrence)."""
    import re
    import zipfile
    with zipfile.ZipFile(ROOT / "templates" / f"{kind}.docx") as z:
        text = re.sub(r"<[^>]+>", "", z.read("word/document.xml").decode("utf-8"))
    return [name for tag in re.findall(r"\{[{%](.*?)[%}]\}", text)
            for name in re.findall(r"(?<![\w.])([a-z_][a-z0-9_]*)", tag)]


@pytest.mark.parametrize("map_file", MAPS, ids=[m.stem for m in MAPS])
def test_the_places_come_in_the_order_the_form_prints_them(map_file):
    """Within a samarbejdsaftale or a delaftale, the real agreement's passages, read top to bottom,
    land in fields the Word template prints in that order (a field may come back: the activities
    are listed first and described after)."""
    spec = yaml.safe_load(map_file.read_text(encoding="utf-8"))
    names = {kind: _template_names(kind) for kind in ORDERED}
    kind, at, wrong = None, -1, []
    for entry in spec["passager"]:
        if "dokument" in entry:
            kind, at = entry["dokument"], -1
        if kind not in ORDERED:
            continue
        for place in _places(entry):
            words = place.split()
            if place in KEYWORDS or words[0] == "fodnote":  # a footnote stands at its page's foot
                continue
            place_kind, path = words
            field = path.split(".")[0]
            name = PRINTED_AS.get((kind, place_kind, field), field)
            following = [i for i, n in enumerate(names[kind]) if n == name and i >= at]
            if not following:
                wrong.append(f"linje {entry['linjer']}: {place} ({name}) står ikke efter det forrige i {kind}s skabelon")
            else:
                at = following[0]
    assert wrong == [], "\n".join(wrong)
