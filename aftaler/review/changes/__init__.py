"""Changes: two versions of an agreement set → one change set at the level of the data.

Items are matched by their stable `id` (or, for rows keyed by a catalogue id, by that key), never
by position, so a reordered list is reported as "flyttet" and nothing else. Lists without keys
(a body's `opgaver`, baseline values) are compared as sequences. Text is compared word by word,
numbers old → new with the difference, and Markdown after rendering, so re-wrapped lines are not
a change. The budget's effect is computed from the budget model of both versions: per line,
group, year and financing source, and in total. Renderers live in review/report.py.

The modules, each with one job:

- sets.py       compare(), compare_sets(): sets paired by name, documents by what they are, each
                pair walked, ids named for the reports, the budget's effect added
- walk.py       two documents walked value by value into changes; ids removed in one list and
                added in another paired into moves
- matching.py   list items matched by key or as a sequence: reorderings, edited texts, item names
- values.py     single values compared: sameness, Markdown as read, word diffs, numeric differences
- budget.py     the budget's effect: lines, groups, years, financing sources and total, old → new
- staff.py      the staff effect: shares of staff time and their salary moved between areas
- activities.py the activity effect: an activity removed or added, and the money tied to it
- changeset.py  the change set's data classes and the operation names
"""
from .budget import budget_effect
from .changeset import (
                        ADDED,
                        CHANGED,
                        DELETED,
                        EQUAL,
                        INSERTED,
                        MOVED,
                        REMOVED,
                        UNCHANGED,
                        Amounts,
                        BudgetEffect,
                        BudgetGroupEffect,
                        BudgetLineEffect,
                        Change,
                        ChangeSet,
                        DocumentChanges,
                        SetChanges,
                        Words,
)
from .matching import ITEM_KEYS, NAME_KEYS, item_name
from .sets import KIND_ORDER, compare, compare_sets
from .values import plain_value, word_diff
from .walk import SEPARATOR

__all__ = [
    "ADDED", "CHANGED", "DELETED", "EQUAL", "INSERTED", "ITEM_KEYS", "KIND_ORDER", "MOVED", "NAME_KEYS", "REMOVED",
    "SEPARATOR", "UNCHANGED", "Amounts", "BudgetEffect", "BudgetGroupEffect", "BudgetLineEffect", "Change",
    "ChangeSet", "DocumentChanges", "SetChanges", "Words", "budget_effect", "compare", "compare_sets", "item_name",
    "plain_value", "word_diff",
]
