"""Approval: who must approve a change, from the rules the funding round's catalogue keeps as data.

The rules live in `catalogue/<round>.yaml` under `godkendelse` (a change to the strategic
agreement needs LBF's approval; a delaftale change with an economy over 50.000 kr. needs the
district board's; other delaftale changes are put to the district board). Each changed document
— and each budget group, counted with the document it belongs to — gets the first rule that
applies, and the rule's text and source travel with it into every report.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .changes import (
    BudgetGroupEffect,
    BudgetLineEffect,
    Change,
    SetChanges,
    plain_value,
)

LBF = "lbf-godkendelse"
NONE = "ingen"  # a rule's action when nobody approves: the document changes only in its order
LBF_MONEY = "lbf-midler"  # a rule's `naar`: the change moves LBF's total or its share of an area
ANY_DOCUMENT = "alle"  # a rule's `dokument` that governs every kind
STAFF = ("organisering", "medarbejdere")  # where staff time is shared out (delaftale content)
APPROVAL, PRESENTATION = "godkendelse", "forelaeggelse"
SAMARBEJDSAFTALE, DELAFTALE, BUDGET = "samarbejdsaftale", "delaftale", "budget"


@dataclass(frozen=True)
class Rule:
    """One approval rule of a funding round (catalogue `godkendelse.regler`)."""

    id: str  # "lbf-godkendelse", "bydelsbestyrelse-godkendelse", "bydelsbestyrelse-forelaeggelse"
    document: str  # the kind it governs: samarbejdsaftale or delaftale
    action: str  # "godkendelse" (must approve) or "forelaeggelse" (is informed)
    approver: str  # "Landsbyggefonden", "bydelsbestyrelsen"
    text: str  # the rule as the forms state it, cited in the output
    source: str  # where it is stated
    economy_over: int | None = None  # applies only when the economy (1.000 kr.) is larger
    lbf_money: bool = False  # applies only when the change moves LBF's money (catalogue `naar: lbf-midler`)

    def applies(self, item: "ApprovalItem") -> bool:
        return (self.document in (item.kind, ANY_DOCUMENT)
                and (not self.lbf_money or item.lbf_money != 0)
                and (self.economy_over is None or item.economy > self.economy_over))


@dataclass
class ApprovalItem:
    """One document whose changes need a decision, and the rule that says by whom."""

    set: str  # the agreement set
    subject: str  # the document's title: "Delaftale for indsatsområdet Beskæftigelse"
    document: str  # its file name without .yaml
    kind: str  # samarbejdsaftale or delaftale
    area: str | None  # a delaftale's indsatsområde
    rule: Rule | None  # None: the catalogue has no rule for this kind
    economy: int = 0  # the largest budget change, staff cost or activity's money behind it, in 1.000 kr.
    changes: list[Change] = field(default_factory=list)  # content changes (the budget's included)
    budget_lines: list[BudgetLineEffect] = field(default_factory=list)
    budget_groups: list[BudgetGroupEffect] = field(default_factory=list)
    staff: list = field(default_factory=list)  # changes.staff.StaffEffect of this area
    activities: list = field(default_factory=list)  # changes.activities.ActivityEffect of this delaftale
    own_rule_text: str = ""  # the delaftale's own Revision field, as plain text
    lbf_money: int = 0  # the largest change of LBF's financing behind it, in 1.000 kr.

    @property
    def needs_lbf(self) -> bool:
        return self.rule is not None and self.rule.approver == "Landsbyggefonden"


ORDER_ONLY = Rule("ingen-godkendelse", ANY_DOCUMENT, NONE, "", "Kun rækkefølgen er ændret; indholdet er det samme, "
                  "så ændringen skal ikke godkendes, men Word-filen ændres og uploades igen.", "aftaler")


def rules(catalogue: dict) -> list[Rule]:
    """The round's rules, in the order they are tried."""
    section = catalogue.get("godkendelse") or {}
    return [Rule(r["id"], r["dokument"], r["handling"], r["godkender"], " ".join(r["tekst"].split()),
                 " ".join(r["kilde"].split()), r.get("oekonomi_over"), r.get("naar") == LBF_MONEY)
            for r in section.get("regler", [])]


def classify(changes: SetChanges) -> list[ApprovalItem]:
    """Who must approve what in one set: one item per document with content changes."""
    section = changes.catalogue.get("godkendelse") or {}
    group_owner = section.get("budgetgrupper", {})
    items: dict[str, ApprovalItem] = {}

    def item_for(kind: str, area: str | None) -> ApprovalItem:
        doc = next((d for d in changes.documents if d.kind == kind and (area is None or d.area == area)), None)
        key = doc.document if doc else f"{kind}:{area}"
        if key not in items:
            items[key] = ApprovalItem(changes.name, doc.title if doc else kind, doc.document if doc else "",
                                      kind, area, None)
        return items[key]

    for doc in changes.documents:
        for change in (c for c in doc.changes if c.content):
            if doc.kind == BUDGET:
                for owner in _budget_owners(change.path, group_owner, doc.data):
                    item_for(*owner).changes.append(change)
            elif doc.kind == SAMARBEJDSAFTALE and change.path[:2] == STAFF and changes.staff_areas.get(_staff_id(change)):
                # Staff time is printed in each delaftale's Medarbejderressourcer: theirs to approve.
                for area in changes.staff_areas[_staff_id(change)]:
                    item_for(DELAFTALE, area).changes.append(change)
            else:
                item_for(doc.kind, doc.area).changes.append(change)
    for staff in changes.staff:
        item_for(DELAFTALE, staff.area).staff.append(staff)
    for activity in changes.activities:  # its delaftale's: the money tied to it goes or comes with it
        item_for(DELAFTALE, activity.area).activities.append(activity)

    effect = changes.budget
    for group in effect.groups if effect else []:
        owner = item_for(*_group_owner(group.gruppe, group_owner))
        owner.budget_groups.append(group)
    for line in effect.lines if effect else []:
        for name in dict.fromkeys(g for g in (line.gruppe, line.gruppe_foer) if g):
            item = item_for(*_group_owner(name, group_owner))
            if line not in item.budget_lines:
                item.budget_lines.append(line)

    for doc in changes.documents:
        if doc.changes and not doc.content_changed:
            # Only the order changed: the Word file shows it, but there is nothing to approve.
            owner = item_for(*_budget_owner(doc.changes[0].path, group_owner)) if doc.kind == BUDGET \
                else item_for(doc.kind, doc.area)
            owner.changes += [c for c in doc.changes if c not in owner.changes]

    round_rules = rules(changes.catalogue)
    for item in items.values():
        item.economy = max(economy(item.budget_groups, item.budget_lines), *(s.economy for s in item.staff),
                           *(a.economy for a in item.activities), 0)
        item.lbf_money = max((abs(a.diff) for a in _lbf_amounts(item)), default=0)
        item.rule = next((r for r in round_rules if r.applies(item)), None) \
            if any(c.content for c in item.changes) or item.budget_groups or item.budget_lines or item.staff \
            or item.activities \
            else ORDER_ONLY
        doc = changes.document(item.document)
        if item.kind == DELAFTALE and doc is not None and doc.data.get("revision"):
            item.own_rule_text = plain_value(doc.data["revision"])
    return sorted(items.values(), key=lambda i: (_rank(i, round_rules), i.document))


def economy(groups: list[BudgetGroupEffect], lines: list[BudgetLineEffect]) -> int:
    """The change's economy: the largest change of a group's total, or of a line in a year, in
    total or in a financing source (a move of 60 between two years is a change of 60)."""
    figures = [abs(g.total.diff) for g in groups]
    for line in lines:
        figures += [abs(a.diff) for a in (*line.years.values(), line.total, *line.financing.values())]
    return max(figures, default=0)


def needs_lbf(items: list[ApprovalItem]) -> bool:
    return any(i.needs_lbf for i in items)


def _budget_owner(path: tuple, group_owner: dict) -> tuple[str, str | None]:
    """A budget change belongs to its group's document; notes and settings to the strategic agreement."""
    if len(path) >= 2 and path[0] == "grupper":
        return _group_owner(path[1], group_owner)
    return SAMARBEJDSAFTALE, None


def _budget_owners(path: tuple, group_owner: dict, budget: dict) -> list[tuple[str, str | None]]:
    """The documents a budget change belongs to. A note explains the lines that mark it, so its
    change goes to their groups' documents (an area's note to its delaftale); a note no line marks,
    and the budget's settings, to the strategic agreement."""
    if len(path) >= 2 and path[0] == "noter":
        note = next((n for n in budget.get("noter") or [] if str(n.get("id")) == str(path[1])), {})
        names = {str(path[1])} | ({str(note["nr"])} if note.get("nr") is not None else set())  # a line names its id or mark
        marked = [group.get("gruppe") for group in budget.get("grupper") or [] for line in group.get("linjer") or []
                  if names & {str(n) for n in line.get("noter") or []}]
        owners = list(dict.fromkeys(_group_owner(g, group_owner) for g in marked if g))
        if owners:
            return owners
    return [_budget_owner(path, group_owner)]


def _group_owner(group: str, group_owner: dict) -> tuple[str, str | None]:
    kind = group_owner.get(group)
    return (kind, None) if kind else (DELAFTALE, group)


def _staff_id(change) -> str | None:
    return change.path[2] if len(change.path) > 2 else None


def _lbf_amounts(item: ApprovalItem):
    """LBF's financing of the item's budget groups (its share of an area), before and after; a move
    between the lines or years of one group leaves it as it was, and is judged by the economy."""
    for effect in item.budget_groups:
        if "lbf" in effect.financing:
            yield effect.financing["lbf"]


def _rank(item: ApprovalItem, round_rules: list[Rule]) -> int:
    return round_rules.index(item.rule) if item.rule in round_rules else len(round_rules)

