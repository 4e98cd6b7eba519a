"""The entry point: two versions of agreement sets paired, their documents paired by what they
are, each pair walked, and the budget's effect added."""
from __future__ import annotations

from ...load.sets import AgreementSet
from ...model.documents import complete_set, set_context
from ...project import Project
from .budget import _budget_model, budget_effect
from .changeset import (
    ADDED,
    CHANGED,
    REMOVED,
    UNCHANGED,
    Change,
    ChangeSet,
    DocumentChanges,
    SetChanges,
)
from .matching import item_name
from ...check.schema_tree import SchemaTree
from .activities import activity_effects
from .staff import staff_areas, staff_effect
from .walk import _Walker

KIND_ORDER = ("samarbejdsaftale", "delaftale", "budget")


def compare(old_sets: list[AgreementSet], new_sets: list[AgreementSet], project: Project,
            old_label: str = "", new_label: str = "") -> ChangeSet:
    """Pair the sets by name (a single set on each side is paired whatever its folder is called)."""
    old_by, new_by = {s.name: s for s in old_sets}, {s.name: s for s in new_sets}
    if len(old_sets) == len(new_sets) == 1:
        pairs = [(old_sets[0], new_sets[0])]
    else:
        names = list(dict.fromkeys([*new_by, *old_by]))
        pairs = [(old_by.get(n), new_by.get(n)) for n in names]
    return ChangeSet(old_label, new_label, [compare_sets(o, n, project) for o, n in pairs])


def compare_sets(old: AgreementSet | None, new: AgreementSet | None, project: Project) -> SetChanges:
    """Compare two validated versions of one set (either may be None: a set added or removed)."""
    old = complete_set(old, project) if old else None
    new = complete_set(new, project) if new else None
    any_set = new or old
    context = set_context(any_set, project)
    catalogue = context["catalogue"]
    models = {side: _budget_model(aset, project) for side, aset in (("old", old), ("new", new))}
    names = _names(catalogue, [a for a in (old, new) if a], [m for m in models.values() if m])
    walker = _Walker(SchemaTree(project), names)

    old_docs, new_docs = _documents(old), _documents(new)
    documents = []
    for key in _ordered_keys(old_docs, new_docs):
        documents.append(_compare_document(old_docs.get(key), new_docs.get(key), walker, project, names))
    walker.pair_relocated(documents)
    for doc in documents:
        if doc.status == CHANGED and not doc.changes:
            doc.status = UNCHANGED
    effect = budget_effect(models["old"], models["new"]) if models["old"] or models["new"] else None
    people = {m.get("id") for a in (old, new) if a and a.one("samarbejdsaftale")
              for m in (a.one("samarbejdsaftale").data.get("organisering") or {}).get("medarbejdere") or []}
    areas = {p: list(dict.fromkeys([*staff_areas(new, p), *staff_areas(old, p)])) for p in people if p}
    return SetChanges(any_set.name, documents, effect, catalogue, names, staff_effect(old, new), areas,
                      activities=activity_effects(old, new))


def _documents(aset: AgreementSet | None) -> dict:
    """Documents by what they are, not by file name: a delaftale by its area, a kind with one
    document by its kind, and only a kind with several documents by file name."""
    if aset is None:
        return {}
    sources = [s for s in aset.sources if s.data is not None]
    several = {s.kind for s in sources if s.kind != "delaftale" and sum(t.kind == s.kind for t in sources) > 1}
    return {(s.kind, s.data.get("indsatsomraade") if s.kind == "delaftale" else
             s.path.stem if s.kind in several else None): s for s in sources}


def _ordered_keys(old_docs: dict, new_docs: dict) -> list:
    keys = list(dict.fromkeys([*new_docs, *old_docs]))
    rank = {k: i for i, k in enumerate(KIND_ORDER)}
    return sorted(keys, key=lambda k: (rank.get(k[0], len(rank)), k[0], keys.index(k)))


def _compare_document(old, new, walker: "_Walker", project: Project, names: dict) -> DocumentChanges:
    source = new or old
    name = source.path.stem
    area = source.data.get("indsatsomraade") if source.kind == "delaftale" else None
    title = _title(source.kind, area, project, names)
    if old is None or new is None:
        op = ADDED if old is None else REMOVED
        file = f"{name}.yaml"
        change = Change(name, op, (), title, None if old is None else file, None if new is None else file,
                        position=source.position(()))
        return DocumentChanges(name, source.kind, title, area, op, [change], source.data)
    changes = walker.document(name, source.kind, old, new)
    return DocumentChanges(name, source.kind, title, area, CHANGED, changes, source.data)


def _title(kind: str, area: str | None, project: Project, names: dict) -> str:
    known = project.kinds().get(kind)
    title = known.title if known else kind
    return f"{title} for indsatsområdet {names.get(area, area)}" if area else title


def _names(catalogue: dict, sets: list[AgreementSet], budget_models: list[dict]) -> dict:
    """Every id a report may show, by its name: catalogue areas and indicators, budget groups, items."""
    names = {a["id"]: a["navn"] for a in catalogue.get("indsatsomraader", [])}
    names |= {i["id"]: i["tekst"] for goal in catalogue.get("maal", []) for i in goal.get("indikatorer", [])}
    for model in budget_models:  # "Tværgående administrationsudgifter"; areas keep the catalogue's name
        for group in model["grupper"]:
            names.setdefault(group["gruppe"], group["titel"])
    for aset in sets:
        for source in aset.sources:
            _collect_names(source.data, names)
    return names


def _collect_names(data, names: dict) -> None:
    if isinstance(data, dict):
        if isinstance(data.get("id"), str):
            name = item_name(data)
            if name:
                names[data["id"]] = name
        for value in data.values():
            _collect_names(value, names)
    elif isinstance(data, list):
        for value in data:
            _collect_names(value, names)
