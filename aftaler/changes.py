"""Changes: two versions of an agreement set → one change set at the level of the data.

Items are matched by their stable `id` (or, for rows keyed by a catalogue id, by that key), never
by position, so a reordered list is reported as "flyttet" and nothing else. Lists without keys
(a body's `opgaver`, baseline values) are compared as sequences. Text is compared word by word,
numbers old → new with the difference, and Markdown after rendering, so re-wrapped lines are not
a change. The budget's effect is computed from the budget model of both versions: per line,
group, year and financing source, and in total. Renderers live in diff_report.py.
"""
from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from . import richtext
from .agreement_set import AgreementSet
from .findings import Position
from .kinds import budget as budget_kind
from .model import complete_set
from .project import Project
from .validate import set_context

ADDED, REMOVED, CHANGED, MOVED = "tilfoejet", "fjernet", "aendret", "flyttet"
UNCHANGED = "uaendret"
EQUAL, DELETED, INSERTED = "lig", "slettet", "indsat"
KIND_ORDER = ("samarbejdsaftale", "delaftale", "budget")
# Keys that identify an item of a list, in order of preference; `id` is the set-wide one.
ITEM_KEYS = ("id", "indikator", "omraade", "gruppe", "aktivitet", "indsatsomraade", "part")
NAME_KEYS = ("navn", "titel", "udgiftspost", "delmaal", "indikator", "organisation")
SEPARATOR = " › "


@dataclass(frozen=True)
class Words:
    """One piece of a word-by-word comparison of two texts."""

    op: str  # "lig" (in both), "slettet" (only in the old text), "indsat" (only in the new)
    text: str  # the words, separated by single spaces


@dataclass(frozen=True)
class Change:
    """One change to one value or item of one document."""

    document: str  # the document's file name without .yaml, in NEW (OLD when it was removed)
    operation: str  # "tilfoejet", "fjernet", "aendret" or "flyttet"
    path: tuple  # where in the data, by keys and item ids (list positions only in lists without keys)
    label: str  # the same for people, from the schema's Danish titles: "Aktiviteter › Superkræfter › Formål"
    old: Any = None  # the value before (None when added); Markdown as written
    new: Any = None  # the value after (None when removed)
    difference: int | float | None = None  # new − old, when both are numbers
    words: tuple[Words, ...] = ()  # text compared word by word (Markdown as rendered plain text)
    position: Position | None = None  # where in the sources: NEW's, or OLD's for what was removed
    moved_from: str = ""  # for "flyttet": the old place ("plads 3", or the list it was in)
    moved_to: str = ""  # for "flyttet": the new place
    content: bool = True  # False only for a pure reordering, which changes no content
    item_id: str | None = None  # the id of an added, removed or moved item


@dataclass
class DocumentChanges:
    """The changes of one document of a set."""

    document: str  # file name without .yaml
    kind: str  # samarbejdsaftale, delaftale, budget, ...
    title: str  # "Delaftale for indsatsområdet Beskæftigelse"
    area: str | None  # a delaftale's indsatsområde (catalogue id)
    status: str  # "tilfoejet", "fjernet", "aendret" or "uaendret"
    changes: list[Change] = field(default_factory=list)
    data: dict = field(repr=False, default_factory=dict)  # the completed data in NEW (OLD's when removed)

    @property
    def content_changed(self) -> bool:
        return any(c.content for c in self.changes)


@dataclass(frozen=True)
class Amounts:
    """One figure before and after, in whole 1.000 kr."""

    old: int
    new: int

    @property
    def diff(self) -> int:
        return self.new - self.old


@dataclass
class BudgetLineEffect:
    """What changed on one budget line (matched by id, wherever it stands)."""

    id: str
    udgiftspost: str  # the line's name (NEW's; OLD's when removed)
    gruppe: str  # its group in NEW (OLD's when removed)
    gruppe_foer: str  # its group in OLD ("" when added)
    status: str  # "tilfoejet", "fjernet" or "aendret"
    years: dict[int, Amounts]  # expenses per year
    total: Amounts  # total expenses
    financing: dict[str, Amounts]  # per financing source (budget.FINANCING)


@dataclass
class BudgetGroupEffect:
    """What changed in one group's sums (Tværgående, an indsatsområde, Lokal evaluering)."""

    gruppe: str
    titel: str
    years: dict[int, Amounts]
    total: Amounts
    financing: dict[str, Amounts]


@dataclass
class BudgetEffect:
    """The budget's effect of a change: only lines and groups that differ; years, sources and total all."""

    lines: list[BudgetLineEffect]
    groups: list[BudgetGroupEffect]
    years: dict[int, Amounts]
    financing: dict[str, Amounts]
    total: Amounts
    cofinancing_share: tuple[float, float]  # local co-financing in % of the total, before and after

    @property
    def changed(self) -> bool:
        return bool(self.lines or self.groups)


@dataclass
class SetChanges:
    """Every document of one agreement set compared, and the budget's effect."""

    name: str
    documents: list[DocumentChanges]
    budget: BudgetEffect | None
    catalogue: dict = field(repr=False, default_factory=dict)  # the funding round's (approval rules)
    names: dict = field(repr=False, default_factory=dict)  # ids → names, for labels in reports

    @property
    def changed(self) -> bool:
        return any(d.content_changed for d in self.documents) or bool(self.budget and self.budget.changed)

    def document(self, name: str) -> DocumentChanges | None:
        return next((d for d in self.documents if d.document == name), None)


@dataclass
class ChangeSet:
    """The whole comparison of OLD with NEW."""

    old: str  # OLD's label ("lbf-godkendt (3f2a9c1)")
    new: str  # NEW's label ("arbejdskopien")
    sets: list[SetChanges]

    @property
    def changed(self) -> bool:
        """Something changed in content; reordering alone does not count."""
        return any(s.changed for s in self.sets)


# ------------------------------------------------------------------ comparing sets


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
    walker = _Walker(_Schemas(project), names)

    old_docs, new_docs = _documents(old), _documents(new)
    documents = []
    for key in _ordered_keys(old_docs, new_docs):
        documents.append(_compare_document(old_docs.get(key), new_docs.get(key), walker, project, names))
    walker.pair_relocated(documents)
    for doc in documents:
        if doc.status == CHANGED and not doc.changes:
            doc.status = UNCHANGED
    effect = budget_effect(models["old"], models["new"]) if models["old"] or models["new"] else None
    return SetChanges(any_set.name, documents, effect, catalogue, names)


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


def item_name(item: dict) -> str:
    """What people call an item: its name, title, udgiftspost, … ("" when it has none)."""
    if item.get("organisation"):
        return item["organisation"] + (f", {item['enhed']}" if item.get("enhed") else "")
    return next((item[k] for k in NAME_KEYS if isinstance(item.get(k), str) and item[k]), "")


# ------------------------------------------------------------------ the schema beside the data


class _Schemas:
    """The kinds' JSON Schemas, walked beside the data: titles for labels; which strings are Markdown."""

    def __init__(self, project: Project):
        documents = project.schema_documents()
        self.registry = Registry().with_resources(
            (name, Resource.from_contents(doc, default_specification=DRAFT7)) for name, doc in documents.items())
        self.documents = documents
        self.kinds = project.kinds()

    def root(self, kind: str):
        known = self.kinds.get(kind)
        if known is None:
            return None
        name = known.schema_path.name
        return self.documents[name], self.registry.resolver(base_uri=name)

    @staticmethod
    def resolve(node):
        if node is None:
            return None
        schema, resolver = node
        while isinstance(schema, dict) and "$ref" in schema:
            found = resolver.lookup(schema["$ref"])
            schema, resolver = found.contents, found.resolver
        return schema, resolver

    def child(self, node, key):
        """The schema of a property (str key) or of a list's items (int key)."""
        resolved = self.resolve(node)
        if resolved is None or not isinstance(resolved[0], dict):
            return None
        schema, resolver = resolved
        if isinstance(key, int):
            sub = schema.get("items")
        else:
            sub = schema.get("properties", {}).get(key, schema.get("additionalProperties"))
        return (sub, resolver) if isinstance(sub, dict) else None

    def is_property(self, node, key) -> bool:
        resolved = self.resolve(node)
        return resolved is not None and isinstance(resolved[0], dict) and key in resolved[0].get("properties", {})

    def title(self, node, fallback: str) -> str:
        if node is None:
            return fallback
        if isinstance(node[0], dict) and node[0].get("title"):
            return node[0]["title"]
        resolved = self.resolve(node)
        return resolved[0].get("title", fallback) if isinstance(resolved[0], dict) else fallback

    @staticmethod
    def is_markdown(node) -> bool:
        return node is not None and str(node[0].get("$ref", "")).endswith("/definitions/tekst")


# ------------------------------------------------------------------ walking two documents


@dataclass(frozen=True)
class _Here:
    """Where the walk stands: stable path, label, raw paths on both sides, the schema node."""

    path: tuple
    label: tuple
    old_at: tuple
    new_at: tuple
    node: Any
    in_item: bool = False


class _Walker:
    """Compares two documents value by value; remembers added and removed ids to pair moves across lists."""

    def __init__(self, schemas: _Schemas, names: dict):
        self.schemas = schemas
        self.names = names
        self.loose: list[tuple[Change, _Here, Any, Any]] = []  # added/removed id'd items: (change, here, value, source)

    def document(self, name: str, kind: str, old_source, new_source) -> list[Change]:
        self.doc, self.old_source, self.new_source = name, old_source, new_source
        here = _Here((), (), (), (), self.schemas.root(kind))
        return self.diff(old_source.data, new_source.data, here)

    # -- values

    def diff(self, old, new, here: _Here) -> list[Change]:
        if isinstance(old, dict) and isinstance(new, dict):
            return self._dicts(old, new, here)
        if isinstance(old, list) and isinstance(new, list):
            return self._lists(old, new, here)
        return self._scalars(old, new, here)

    def _dicts(self, old: dict, new: dict, here: _Here) -> list[Change]:
        changes = []
        for key in dict.fromkeys([*new, *old]):
            node = self.schemas.child(here.node, key)
            # A named property has a title; a free key (a year in `udgifter`) is its own label.
            title = self.schemas.title(node, key) if self.schemas.is_property(here.node, key) else str(key)
            sub = _Here(here.path + (key,), here.label + (title,),
                        here.old_at + (key,), here.new_at + (key,), node, here.in_item)
            changes += self.diff(old.get(key), new.get(key), sub)
        return changes

    def _scalars(self, old, new, here: _Here) -> list[Change]:
        if _same(old, new, self.schemas.is_markdown(here.node)):
            return []
        if _empty(old):
            return [self._change(ADDED, here, None, new)]
        if _empty(new):
            return [self._change(REMOVED, here, old, None)]
        words = ()
        if isinstance(old, str) and isinstance(new, str):
            markdown = self.schemas.is_markdown(here.node)
            words = word_diff(_plain(old, markdown), _plain(new, markdown))
        return [self._change(CHANGED, here, old, new, difference=_difference(old, new), words=words)]

    # -- lists

    def _lists(self, old: list, new: list, here: _Here) -> list[Change]:
        key = _keyer(old, new)
        if key is None:
            return self._sequences(old, new, here)
        return self._keyed(old, new, here, key)

    def _keyed(self, old: list, new: list, here: _Here, key) -> list[Change]:
        old_keys, new_keys = [key(x) for x in old], [key(x) for x in new]
        old_at, new_at = {k: i for i, k in enumerate(old_keys)}, {k: i for i, k in enumerate(new_keys)}
        items = self.schemas.child(here.node, 0)
        list_label = () if here.in_item else (here.label[-1],) if here.label else ()
        base = here.label[:-1] + list_label if here.label else ()

        def item_here(k) -> _Here:
            value = new[new_at[k]] if k in new_at else old[old_at[k]]
            # Rows keyed by a catalogue id or a reference are named by what they refer to.
            name = (self.names.get(k[1]) if k[0] != "id" else None) or item_name(value) or str(k[1])
            return _Here(here.path + (k[1],), base + (name,), here.old_at + (old_at.get(k, -1),),
                         here.new_at + (new_at.get(k, -1),), items, True)

        changes = []
        for k in new_keys:
            if k not in old_at:
                changes.append(self._item(ADDED, item_here(k), None, new[new_at[k]], k))
        for k in old_keys:
            if k not in new_at:
                changes.append(self._item(REMOVED, item_here(k), old[old_at[k]], None, k))
        common_old = [k for k in old_keys if k in new_at]
        common_new = [k for k in new_keys if k in old_at]
        for k in _moved(common_old, common_new):
            changes.append(self._change(MOVED, item_here(k), None, None, moved_from=f"plads {old_at[k] + 1}",
                                        moved_to=f"plads {new_at[k] + 1}", content=False,
                                        item_id=k[1] if k[0] == "id" else None))
        for k in common_new:
            changes += self.diff(old[old_at[k]], new[new_at[k]], item_here(k))
        return changes

    def _sequences(self, old: list, new: list, here: _Here) -> list[Change]:
        markdown = self.schemas.is_markdown(self.schemas.child(here.node, 0))
        a, b = [_hashable(x, markdown) for x in old], [_hashable(x, markdown) for x in new]
        items = self.schemas.child(here.node, 0)

        def at(i: int | None, j: int | None) -> _Here:
            n = j if j is not None else i
            value = new[j] if j is not None else old[i]
            return _Here(here.path + (n,), here.label + (_sequence_label(value, n),),
                         here.old_at + ((i,) if i is not None else ()), here.new_at + ((j,) if j is not None else ()),
                         items, True)

        changes, removed, added = [], [], []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if tag == "equal":
                continue
            if tag == "replace" and i2 - i1 == j2 - j1:
                for i, j in zip(range(i1, i2), range(j1, j2)):
                    changes += self.diff(old[i], new[j], at(i, j))
                continue
            removed += list(range(i1, i2))
            added += list(range(j1, j2))
        for i in list(removed):
            j = next((j for j in added if b[j] == a[i]), None)
            if j is not None:  # the same value taken out here and put in there: moved, not changed
                removed.remove(i)
                added.remove(j)
                changes.append(self._change(MOVED, at(i, j), None, None, moved_from=f"plads {i + 1}",
                                            moved_to=f"plads {j + 1}", content=False))
        for i, j in _similar_pairs([old[i] for i in removed], [new[j] for j in added]):
            i, j = removed[i], added[j]
            changes += self.diff(old[i], new[j], at(i, j))
            removed.remove(i)
            added.remove(j)
        changes += [self._change(REMOVED, at(i, None), old[i], None) for i in removed]
        changes += [self._change(ADDED, at(None, j), None, new[j]) for j in added]
        return changes

    # -- changes

    def _item(self, op: str, here: _Here, old, new, key) -> Change:
        change = self._change(op, here, old, new, item_id=key[1] if key[0] == "id" else None)
        if change.item_id:
            self.loose.append((change, here, old if op == REMOVED else new,
                               self.old_source if op == REMOVED else self.new_source))
        return change

    def _change(self, op: str, here: _Here, old, new, **extra) -> Change:
        if op == REMOVED:
            position = self.old_source.position(here.old_at) if here.old_at and here.old_at[-1] != -1 else None
        else:
            position = self.new_source.position(here.new_at) if not here.new_at or here.new_at[-1] != -1 else None
        label = [str(x) for i, x in enumerate(here.label) if i == 0 or x != here.label[i - 1]]
        return Change(self.doc, op, here.path, SEPARATOR.join(label), old, new, position=position, **extra)

    def pair_relocated(self, documents: list[DocumentChanges]) -> None:
        """An id removed in one list and added in another moved there (a line to another group,
        an activity to another delaftale): one "flyttet" change, then what changed in the item."""
        removed = {c.item_id: (c, h, v, s) for c, h, v, s in self.loose if c.operation == REMOVED}
        by_doc = {d.document: d for d in documents}
        for change, here, value, source in [x for x in self.loose if x[0].operation == ADDED]:
            if change.item_id not in removed:
                continue
            gone, gone_here, old_value, old_source = removed.pop(change.item_id)
            by_doc[gone.document].changes.remove(gone)
            doc = by_doc[change.document]
            at = doc.changes.index(change)
            other = gone.document != change.document  # name the documents only when it changed document
            moved = Change(change.document, MOVED, change.path, change.label, position=change.position,
                           moved_from=_place(gone.label) + (f" ({gone.document})" if other else ""),
                           moved_to=_place(change.label) + (f" ({change.document})" if other else ""),
                           item_id=change.item_id)
            self.doc, self.new_source, self.old_source = change.document, source, old_source
            old_here = _Here(here.path, here.label, gone_here.old_at, here.new_at, here.node, True)
            doc.changes[at:at + 1] = [moved, *self.diff(old_value, value, old_here)]


# ------------------------------------------------------------------ small pure helpers


def _place(label: str) -> str:
    return SEPARATOR.join(label.split(SEPARATOR)[:-1]) or label


def _sequence_label(value, index: int) -> str:
    """An unkeyed list item by its text when it is one («Drøfte temaer …»), else by its number."""
    if isinstance(value, str) and value.strip():
        words = value.split()
        return "«" + " ".join(words[:8]) + (" …" if len(words) > 8 else "") + "»"
    return f"nr. {index + 1}"


def _similar_pairs(old: list, new: list, cutoff: float = 0.5) -> list[tuple[int, int]]:
    """Texts taken out and put in that are mostly the same words: edited, not replaced."""
    pairs, used = [], set()
    for i, a in enumerate(old):
        if not isinstance(a, str):
            continue
        scored = [(difflib.SequenceMatcher(None, a.split(), b.split()).ratio(), j)
                  for j, b in enumerate(new) if isinstance(b, str) and j not in used]
        best = max(scored, default=(0.0, None))
        if best[0] >= cutoff:
            used.add(best[1])
            pairs.append((i, best[1]))
    return pairs


def _keyer(old: list, new: list):
    """How to match the items of two lists, or None: every item a dict with a unique key."""
    items = old + new
    if not items or not all(isinstance(x, dict) for x in items):
        return None

    def key(item: dict):
        return next(((k, item[k]) for k in ITEM_KEYS if isinstance(item.get(k), (str, int)) and item.get(k) != ""),
                    None)

    for side in (old, new):
        keys = [key(x) for x in side]
        if None in keys or len(set(keys)) != len(keys):
            return None
    return key


def _moved(common_old: list, common_new: list) -> list:
    """Items whose order among the common items changed: those outside the longest common run."""
    kept = set()
    for block in difflib.SequenceMatcher(None, common_old, common_new, autojunk=False).get_matching_blocks():
        kept.update(common_old[block.a:block.a + block.size])
    return [k for k in common_new if k not in kept]


def _hashable(value, markdown: bool):
    if isinstance(value, str):
        return _markdown_key(value) if markdown else value
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _same(old, new, markdown: bool) -> bool:
    if isinstance(old, bool) != isinstance(new, bool):
        return False
    if old == new or (_empty(old) and _empty(new)):
        return True
    if markdown and isinstance(old, str) and isinstance(new, str):
        return _markdown_key(old) == _markdown_key(new)
    return old == new


def _markdown_key(text: str):
    """Markdown as the reader sees it: blocks, formatting and words, not where lines were wrapped."""
    result = []
    for block in richtext.parse(text):
        runs: list[list] = []
        for run in block.runs:
            look = (run.bold, run.italic, run.url, run.footnote, run.line_break)
            if runs and runs[-1][0] == look and run.footnote is None and not run.line_break:
                runs[-1][1] += run.text
            else:
                runs.append([look, run.text])
        words = tuple((look, re.sub(r"\s+", " ", text)) for look, text in runs)
        result.append((block.kind, block.level, block.start, block.note, words))
    return tuple(result)


def _plain(text: str, markdown: bool) -> str:
    if markdown:
        text = richtext.plain_text(richtext.parse(text))
    return " ".join(str(text).split())


def plain_value(value, markdown: bool = True) -> str:
    """A value as one line of plain text (Markdown rendered)."""
    return _plain(value, markdown) if isinstance(value, str) else str(value)


def word_diff(old: str, new: str) -> tuple[Words, ...]:
    """Two texts compared word by word: runs of equal, deleted and inserted words."""
    a, b = old.split(), new.split()
    pieces: list[Words] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(Words(EQUAL, " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Words(DELETED, " ".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(Words(INSERTED, " ".join(b[j1:j2])))
    return tuple(pieces)


def _difference(old, new):
    numbers = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (old, new))
    if not numbers:
        return None
    if isinstance(old, int) and isinstance(new, int):
        return new - old
    decimals = max((getattr(x, "decimals", None) or 0) for x in (old, new))
    return round(new - old, decimals or 6)


# ------------------------------------------------------------------ the budget's effect


def _budget_model(aset: AgreementSet | None, project: Project) -> dict | None:
    if aset is None or aset.one("budget") is None or aset.one("samarbejdsaftale") is None:
        return None
    return budget_kind.model(aset.one("budget"), aset, set_context(aset, project))


def budget_effect(old: dict | None, new: dict | None) -> BudgetEffect:
    """Both budget models compared: lines by id, groups by name, years, financing sources, totals."""
    empty = {"aar": [], "grupper": [], "total": None}
    old, new = old or empty, new or empty
    years = sorted(set(old["aar"]) | set(new["aar"]))
    old_lines, new_lines = _lines(old), _lines(new)

    lines = []
    for line_id in dict.fromkeys([*new_lines, *old_lines]):
        (og, ol), (ng, nl) = old_lines.get(line_id, (None, None)), new_lines.get(line_id, (None, None))
        effect = BudgetLineEffect(
            line_id, (nl or ol)["udgiftspost"], (ng or og)["gruppe"], og["gruppe"] if og else "",
            ADDED if ol is None else REMOVED if nl is None else CHANGED,
            {y: Amounts(_year(old, ol, y), _year(new, nl, y)) for y in years},
            Amounts(ol["total"] if ol else 0, nl["total"] if nl else 0),
            {c: Amounts(ol["finansiering"][c] if ol else 0, nl["finansiering"][c] if nl else 0)
             for c in budget_kind.FINANCING})
        if effect.status != CHANGED or _differs(effect) or effect.gruppe != effect.gruppe_foer:
            lines.append(effect)

    old_groups, new_groups = {g["gruppe"]: g for g in old["grupper"]}, {g["gruppe"]: g for g in new["grupper"]}
    groups = []
    for name in dict.fromkeys([*new_groups, *old_groups]):
        og, ng = old_groups.get(name), new_groups.get(name)
        effect = BudgetGroupEffect(
            name, (ng or og)["titel"],
            {y: Amounts(_group_year(old, og, y), _group_year(new, ng, y)) for y in years},
            Amounts(og["total"] if og else 0, ng["total"] if ng else 0),
            {c: Amounts(og["finansiering"][c] if og else 0, ng["finansiering"][c] if ng else 0)
             for c in budget_kind.FINANCING})
        if _differs(effect) or og is None or ng is None:
            groups.append(effect)

    ot, nt = old["total"], new["total"]
    return BudgetEffect(
        lines, groups,
        {y: Amounts(_group_year(old, ot, y), _group_year(new, nt, y)) for y in years},
        {c: Amounts(ot["finansiering"][c] if ot else 0, nt["finansiering"][c] if nt else 0)
         for c in budget_kind.FINANCING},
        Amounts(ot["udgifter"] if ot else 0, nt["udgifter"] if nt else 0),
        (ot["medfinansiering_andel"] if ot else 0.0, nt["medfinansiering_andel"] if nt else 0.0))


def _lines(model: dict) -> dict:
    return {line["id"]: (group, line) for group in model["grupper"] for line in group["linjer"]}


def _year(model: dict, line: dict | None, year: int) -> int:
    if line is None or year not in model["aar"]:
        return 0
    return line["udgifter"][model["aar"].index(year)]


def _group_year(model: dict, sums: dict | None, year: int) -> int:
    if sums is None or year not in model["aar"]:
        return 0
    return sums["aar_sum"][model["aar"].index(year)]


def _differs(effect) -> bool:
    figures = [*effect.years.values(), effect.total, *effect.financing.values()]
    return any(a.diff for a in figures)
