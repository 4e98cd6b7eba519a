"""The activity effect: an activity removed (or added) takes the money tied to it along.

Money is tied to an activity in two places: budget lines that name it (`aktiviteter`, such as an
area's activity funds) and staff time shared out to it (`organisering.medarbejdere[].fordeling`
with `aktivitet`, its cost from the budget's salary lines). When the activity goes, that money is
part of the change even where the figures stay: lines that stay but no longer name it, or a share
of staff time given to another activity of the same area, were decided for this activity. So its
economy is the whole of what was tied to it in OLD (for an added activity, in NEW), not the
change of the budget's figures.
"""
from __future__ import annotations

from dataclasses import dataclass

from ...load.sets import AgreementSet
from .changeset import ADDED, REMOVED
from .staff import line_total, salaries


@dataclass(frozen=True)
class ActivityEffect:
    """One activity removed or added, and the money tied to it in the version that has it."""

    activity: str  # its id
    name: str  # "Fritidsjob for alle"
    area: str  # the indsatsområde of its delaftale
    status: str  # "fjernet" or "tilfoejet"
    lines: tuple[tuple[str, str, int], ...] = ()  # budget lines naming it: (id, udgiftspost, total), 1.000 kr.
    staff: tuple[tuple[str, str, float, int], ...] = ()  # shares given to it: (id, title, %, cost), 1.000 kr.

    @property
    def lines_total(self) -> int:
        return sum(total for *_, total in self.lines)

    @property
    def staff_cost(self) -> int:
        return sum(cost for *_, cost in self.staff)

    @property
    def economy(self) -> int:
        return self.lines_total + self.staff_cost


def activity_effects(old: AgreementSet | None, new: AgreementSet | None) -> list[ActivityEffect]:
    """Every activity that is in one version's delaftaler and in none of the other's (an activity
    moved to another delaftale is neither: its staff time is the staff effect's)."""
    before, after = _activities(old), _activities(new)
    effects = [_effect(ident, *before[ident], REMOVED, old) for ident in before if ident not in after]
    effects += [_effect(ident, *after[ident], ADDED, new) for ident in after if ident not in before]
    return effects


def _activities(aset: AgreementSet | None) -> dict[str, tuple[str, str]]:
    """Activity id → (name, indsatsområde), from the delaftaler of one version."""
    found: dict[str, tuple[str, str]] = {}
    for source in aset.sources if aset is not None else []:
        if source.kind == "delaftale" and isinstance(source.data, dict):
            for activity in source.data.get("aktiviteter") or []:
                if isinstance(activity, dict) and activity.get("id"):
                    found[activity["id"]] = (activity.get("navn") or activity["id"], source.data.get("indsatsomraade"))
    return found


def _effect(ident: str, name: str, area: str, status: str, aset: AgreementSet) -> ActivityEffect:
    lines = []
    budget = aset.one("budget")
    for group in (budget.data.get("grupper") or []) if budget is not None and budget.data else []:
        for line in group.get("linjer") or []:
            if ident in (line.get("aktiviteter") or []):
                lines.append((line["id"], line.get("udgiftspost") or line["id"], line_total(line)))
    staff = []
    agreement = aset.one("samarbejdsaftale")
    pay = salaries(aset)
    for person in ((agreement.data.get("organisering") or {}).get("medarbejdere") or []) if agreement else []:
        share = sum(float(p.get("andel") or 0) for p in person.get("fordeling") or [] if p.get("aktivitet") == ident)
        if share:
            staff.append((person["id"], person.get("titel", person["id"]), share,
                          round(pay.get(person["id"], 0) * share / 100)))
    return ActivityEffect(ident, name, area, status, tuple(lines), tuple(staff))
