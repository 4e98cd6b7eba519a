"""The staff effect: how a change moves staff time, and its cost, between indsatsområder.

A staff member's time is shared out in the strategic agreement (`organisering.medarbejdere[].
fordeling`, by activity or by indsatsområde), but it is each delaftale's *Medarbejderressourcer*
section that prints it, and its money is the salary lines of the budget that name the staff
member. So a change of shares is a change of the delaftaler concerned, and its economy is the
salary it moves: the staff member's salary over the period times the change of the area's share.
"""
from __future__ import annotations

from dataclasses import dataclass

from ...load.sets import AgreementSet


@dataclass(frozen=True)
class StaffEffect:
    """One staff member's share of one indsatsområde, before and after, and the cost it moves."""

    staff: str  # the staff member's id
    title: str  # "Boligsocial medarbejder 1"
    area: str  # the indsatsområde's catalogue id
    share_old: float  # % of the staff member's time in this area (0 when none)
    share_new: float
    cost_old: int  # the salary behind that share over the period, in 1.000 kr.
    cost_new: int

    @property
    def economy(self) -> int:
        return abs(self.cost_new - self.cost_old)


def staff_effect(old: AgreementSet | None, new: AgreementSet | None) -> list[StaffEffect]:
    """Every area whose share of a staff member differs between the versions, with the cost moved."""
    before, after = _shares(old), _shares(new)
    effects = []
    for staff in dict.fromkeys([*after, *before]):
        (title_old, areas_old, salary_old) = before.get(staff, ("", {}, 0))
        (title_new, areas_new, salary_new) = after.get(staff, ("", {}, 0))
        for area in dict.fromkeys([*areas_new, *areas_old]):
            share_old, share_new = areas_old.get(area, 0), areas_new.get(area, 0)
            cost_old, cost_new = round(salary_old * share_old / 100), round(salary_new * share_new / 100)
            if share_old != share_new:  # a salary change is the budget's own, counted there
                effects.append(StaffEffect(staff, title_new or title_old, area, share_old, share_new, cost_old, cost_new))
    return effects


def staff_areas(aset: AgreementSet | None, staff: str) -> list[str]:
    """The indsatsområder a staff member works in, in one version of the set."""
    return list(_shares(aset).get(staff, ("", {}, 0))[1])


def _shares(aset: AgreementSet | None) -> dict[str, tuple[str, dict[str, float], int]]:
    """Per staff member: title, share per area (%), and salary over the period (1.000 kr.)."""
    if aset is None or aset.one("samarbejdsaftale") is None:
        return {}
    activity_area = {}
    for source in aset.sources:
        if source.kind == "delaftale" and isinstance(source.data, dict):
            for activity in source.data.get("aktiviteter") or []:
                activity_area[activity.get("id")] = source.data.get("indsatsomraade")
    pay = salaries(aset)
    result = {}
    organisation = aset.one("samarbejdsaftale").data.get("organisering") or {}
    for person in organisation.get("medarbejdere") or []:
        areas: dict[str, float] = {}
        for part in person.get("fordeling") or []:
            area = part.get("indsatsomraade") or activity_area.get(part.get("aktivitet"))
            if area:
                areas[area] = areas.get(area, 0) + float(part.get("andel") or 0)
        result[person["id"]] = (person.get("titel", person["id"]), areas, pay.get(person["id"], 0))
    return result


def salaries(aset: AgreementSet) -> dict[str, int]:
    """Per staff member: the salary over the period (1.000 kr.), from the budget lines naming them."""
    pay: dict[str, int] = {}
    budget = aset.one("budget")
    for group in (budget.data.get("grupper") or []) if budget is not None and budget.data else []:
        for line in group.get("linjer") or []:
            if line.get("medarbejder"):
                pay[line["medarbejder"]] = pay.get(line["medarbejder"], 0) + line_total(line)
    return pay


def line_total(line: dict) -> int:
    """A budget line's expenses over the period as written (1.000 kr.)."""
    return sum(int(v) for v in (line.get("udgifter") or {}).values() if isinstance(v, (int, float)))
