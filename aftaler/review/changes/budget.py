"""The budget's effect: both versions' budget models compared by line, group, year, financing
source and in total."""
from __future__ import annotations

from ...kinds import budget as budget_kind
from ...load.sets import AgreementSet
from ...model.documents import set_context
from ...project import Project
from .changeset import (
    ADDED,
    CHANGED,
    REMOVED,
    Amounts,
    BudgetEffect,
    BudgetGroupEffect,
    BudgetLineEffect,
)


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
    # A text row moves no money: its text is a change of the document like any other text.
    return {line["id"]: (group, line) for group in model["grupper"] for line in group["linjer"]
            if not line.get("tekstlinje")}


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
