"""Two documents walked value by value into changes, with the schema beside them; ids removed in
one list and added in another paired into moves afterwards."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from .changeset import ADDED, CHANGED, MOVED, REMOVED, Change, DocumentChanges
from .matching import (
    _hashable,
    _keyer,
    _moved,
    _sequence_label,
    _similar_pairs,
    item_name,
)
from ...check.schema_tree import SchemaTree
from .values import _difference, _empty, _plain, _same, word_diff

SEPARATOR = " › "


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

    def __init__(self, schemas: SchemaTree, names: dict):
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
        words, formatting = (), False
        if isinstance(old, str) and isinstance(new, str):
            markdown = self.schemas.is_markdown(here.node)
            before, after = _plain(old, markdown), _plain(new, markdown)
            formatting = before == after  # not the same as shown (see _same), so the look changed
            words = () if formatting else word_diff(before, after)
        return [self._change(CHANGED, here, old, new, difference=_difference(old, new), words=words,
                             formatting_only=formatting)]

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


def _place(label: str) -> str:
    return SEPARATOR.join(label.split(SEPARATOR)[:-1]) or label
