"""The Crosspaths matching engine: pure functions over plain data, no Django.

Public API: ``match(people, history=..., blocked=..., rules=..., weights=..., on=..., seed=...)``
returns a ``Result``; ``hard_rule_problems`` checks a hand-edited group and
``explain_group`` scores and explains one. See ``types.py`` for the data,
``cli.py`` for the file contract and docs/matching.md for the design.
"""

from .check import hard_rule_problems
from .engine import match
from .explain import explain_group
from .groups import plan_sizes
from .types import Group, LeftOut, PastGroup, Person, Reason, Result, Rules, Weights

__all__ = [
    "Group",
    "LeftOut",
    "PastGroup",
    "Person",
    "Reason",
    "Result",
    "Rules",
    "Weights",
    "explain_group",
    "hard_rule_problems",
    "match",
    "plan_sizes",
]
