"""A schema per funding round: the kind's schema with the round's catalogue filled in.

The schemas in `schemas/` hold structure and editor help but no round: a field whose values come
from the catalogue says which list with `"x-katalog"`, and a kind whose required fields depend
on the round's form says so with `"x-katalog-formular"` at its root. `round_schema` returns a
copy with the ids as `enum` (and their names as `markdownEnumDescriptions`, which the editor
shows), so validation reports an unknown id with the schema's usual "mente du" message and the
editor completes the ids of the author's round.

Markers:
- `pulje`: the round's own id;
- `indsatsomraader`: the areas' ids;
- `indikatorer`: the fixed indicators' ids; `faste-indikatorer` on the list of rows: 1 to as many
  rows as there are fixed indicators (nothing when the round fixes none);
- `budgetgrupper`: the budget's fixed groups around the areas;
- `udgiftstyper`: the expense types' numbers;
- `x-katalog-formular: <kind>`: `required` becomes `formular.<kind>.paakraevet` when the round
  gives one, and the fields in `formular.<kind>.uden` (sections the round's form does not have)
  are left out, so text written there is refused as an unknown field instead of being lost.
"""
from __future__ import annotations

import copy

# The budget's own groups, before and after one group per area (aftaler/kinds/budget.py).
BUDGET_GROUPS_BEFORE = [("tvaergaaende", "Tværgående administrationsudgifter (linjerne har udgiftstype)")]
BUDGET_GROUPS_AFTER = [("lokal-evaluering", "Lokal evaluering")]


def choices(catalogue: dict) -> dict[str, list[tuple[object, str]]]:
    """Each marker's values with the text the editor shows for them, in the catalogue's order."""
    areas = [(a["id"], a["navn"]) for a in catalogue.get("indsatsomraader") or []]
    round_text = catalogue.get("navn", str(catalogue.get("pulje", "")))
    if catalogue.get("regulativ"):
        round_text += f" ({catalogue['regulativ']})"
    indicators = [(i["id"], f"**{i['tekst']}** ({i.get('enhed', '')}; {i.get('datakilde', '')}). "
                            f"Mål: {goal['tekst'].rstrip('.')}.")
                  for goal in catalogue.get("maal") or [] for i in goal.get("indikatorer") or []]
    return {
        "pulje": [(str(catalogue.get("pulje", "")), round_text)],
        "indsatsomraader": areas,
        "indikatorer": indicators,
        "budgetgrupper": BUDGET_GROUPS_BEFORE + [(a, f"{n}. {name}") for n, (a, name) in enumerate(areas, 1)]
                         + BUDGET_GROUPS_AFTER,
        "udgiftstyper": [(t["nr"], f"**{t['nr']}. {t['navn']}** – {t.get('beskrivelse', '')}".rstrip(" –"))
                         for t in catalogue.get("udgiftstyper") or []],
    }


def round_schema(schema: dict, catalogue: dict) -> dict:
    """`schema` for the round `catalogue` describes; the schema itself is left as it is."""
    result = copy.deepcopy(schema)
    _fill(result, choices(catalogue), catalogue)
    return result


def every_round_schema(schema: dict, catalogues: dict[str, dict]) -> dict:
    """`schema` with the ids of every round as `enum`, for the editor: one editor schema serves the
    sets of all rounds, so a value is offered when some round has it (the text says which round
    when not all do). The round's required fields and left-out sections are the CLI's to check:
    they differ between rounds, and the editor must not refuse a set of another round."""
    result = copy.deepcopy(schema)
    _fill(result, merged_choices(catalogues), None)
    return result


def merged_choices(catalogues: dict[str, dict]) -> dict[str, list[tuple[object, str]]]:
    """Each marker's values over all rounds, newest round first."""
    rounds = sorted(catalogues, reverse=True)
    per_round = {r: choices(catalogues[r]) for r in rounds}
    merged: dict[str, list[tuple[object, str]]] = {}
    for marker in (per_round[rounds[0]] if rounds else {}):
        seen: dict[object, tuple[str, list[str]]] = {}
        for r in rounds:
            for value, text in per_round[r].get(marker, []):
                seen.setdefault(value, (text, []))[1].append(r)
        merged[marker] = [(value, text if len(found) == len(rounds) or marker == "pulje"
                           else f"{text} (pulje {', '.join(sorted(found))})")
                          for value, (text, found) in seen.items()]
    return merged


def _fill(node, lists: dict, catalogue: dict | None) -> None:
    if isinstance(node, list):
        for item in node:
            _fill(item, lists, catalogue)
        return
    if not isinstance(node, dict):
        return
    marker = node.get("x-katalog")
    if marker == "faste-indikatorer" and catalogue is not None:
        count = len(lists["indikatorer"])
        if count:
            node["minItems"], node["maxItems"] = 1, count
    elif isinstance(marker, str) and lists.get(marker):
        node["enum"] = [value for value, _ in lists[marker]]
        node["markdownEnumDescriptions"] = [text for _, text in lists[marker]]
    form = node.get("x-katalog-formular")
    if isinstance(form, str) and catalogue is not None:
        fields = (catalogue.get("formular") or {}).get(form) or {}
        if fields.get("paakraevet"):
            node["required"] = list(fields["paakraevet"])
        for name in fields.get("uden") or []:
            node.get("properties", {}).pop(name, None)
            if name in node.get("required", []):
                node["required"] = [r for r in node["required"] if r != name]
    for value in node.values():
        _fill(value, lists, catalogue)
