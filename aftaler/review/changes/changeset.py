"""The change set's data: what changed in each document of each set, and the budget's effect.

Plain data with no logic beyond a few summaries, so the renderers and the approval rules read
it without knowing how it was computed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...findings import Position

ADDED, REMOVED, CHANGED, MOVED = "tilfoejet", "fjernet", "aendret", "flyttet"
UNCHANGED = "uaendret"
EQUAL, DELETED, INSERTED = "lig", "slettet", "indsat"


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
    formatting_only: bool = False  # the same words, other formatting (bold, italics, a link, a list)
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
    staff: list = field(default_factory=list)  # staff.StaffEffect: shares and costs moved between areas
    staff_areas: dict = field(repr=False, default_factory=dict)  # staff id → its areas in either version
    activities: list = field(default_factory=list)  # activities.ActivityEffect: removed or added, money tied to them
    also_changed: list = field(default_factory=list)  # titles of Word files that change with no change of their own

    @property
    def changed(self) -> bool:
        """Something a reader of the Word files sees: content, or only the order of items."""
        return any(d.changes for d in self.documents) or bool(self.budget and self.budget.changed)

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
        """Something changed that the delivered documents show: content, or only the order of
        items (which changes the Word file too, and so needs its redline, but no approval)."""
        return any(s.changed for s in self.sets)
