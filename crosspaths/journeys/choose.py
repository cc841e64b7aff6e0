"""Who a new hire meets in a week of their journey: plain data in, one colleague out.

No Django here (the hypothesis test runs it on generated rosters). The order of
preference is a sort; the hard rules are not re-implemented: every candidate, in
order, is put to ``hard_rule_problems`` (the engine's independent checker) and the
first one it finds nothing wrong with is chosen, so a journey meeting can never break
a rule the weekly rounds keep.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from crosspaths.matching.check import hard_rule_problems
from crosspaths.matching.types import PastGroup, Person, Rules

BUDDY = "buddy"
INTRO = "intro"

# Why nobody was found (codes; the service turns them into sentences).
NOBODY_ELIGIBLE = "nobody_eligible"
EVERYONE_BREAKS_A_RULE = "everyone_breaks_a_rule"


@dataclass
class Loads:
    """How busy colleagues and departments are with journeys: meetings in the recent
    past (spread the load) and this week (the cap)."""

    recent: dict[str, int] = field(default_factory=dict)  # person id -> meetings
    this_week: dict[str, int] = field(default_factory=dict)  # person id -> meetings
    departments: dict[str, int] = field(default_factory=dict)  # department -> meetings

    def add(self, person: Person) -> None:
        self.recent[person.id] = self.recent.get(person.id, 0) + 1
        self.this_week[person.id] = self.this_week.get(person.id, 0) + 1
        dept = person.department
        self.departments[dept] = self.departments.get(dept, 0) + 1


@dataclass(frozen=True)
class Choice:
    colleague: Person | None
    missed: str = ""  # NOBODY_ELIGIBLE or EVERYONE_BREAKS_A_RULE when nobody


def tenured(person: Person, *, on: date, min_days: int) -> bool:
    """At the company at least ``min_days`` on ``on`` (an unknown start date is not)."""
    return person.start_date is not None and person.start_date <= on - timedelta(days=min_days)


def _tiebreak(a: str, b: str) -> int:
    """A stable, per-pair random order, so equal candidates are not always the same
    (lowest id) colleague."""
    return int.from_bytes(hashlib.blake2b(f"{a}:{b}".encode(), digest_size=8).digest(), "big")


def candidates_in_order(
    new_hire: Person,
    colleagues: Iterable[Person],
    *,
    kind: str,
    visited: frozenset[str],
    loads: Loads,
    cap: int,
    on: date,
    min_tenure_days: int,
) -> Iterator[Person]:
    """The colleagues a step may take, best first.

    Both kinds: someone else, from a department that is not the new hire's, under the
    weekly cap. Buddy: at the company at least ``min_tenure_days``; the same location
    first, then the fewest recent journey meetings. Introduction: a department the
    journey has not visited; the departments that had the fewest journey meetings
    first (spread over the organization), then the least busy colleague. Equal ones in
    a per-pair random order.

    Lazy: colleagues are grouped by the preference that decides (a few groups), and
    only the groups the caller reaches are put in their random order, so a step at
    10,000 people hashes one group instead of everyone."""
    tiers: dict[tuple[int, int], list[Person]] = {}
    for c in colleagues:
        if c.id == new_hire.id or not c.department or c.department == new_hire.department:
            continue
        if loads.this_week.get(c.id, 0) >= cap:
            continue
        if kind == BUDDY:
            if not tenured(c, on=on, min_days=min_tenure_days):
                continue
            first = int(bool(new_hire.location) and c.location != new_hire.location)
        else:
            if c.department in visited:
                continue
            first = loads.departments.get(c.department, 0)
        tiers.setdefault((first, loads.recent.get(c.id, 0)), []).append(c)
    for key in sorted(tiers):
        yield from sorted(tiers[key], key=lambda c: _tiebreak(new_hire.id, c.id))


def choose_colleague(
    new_hire: Person,
    colleagues: Sequence[Person],
    *,
    kind: str,
    visited: frozenset[str] = frozenset(),
    loads: Loads,
    cap: int = 1,
    on: date,
    min_tenure_days: int = 365,
    history: Sequence[PastGroup] = (),
    blocked: Iterable[tuple[str, str]] = (),
    rules: Rules = Rules(),  # noqa: B008 - frozen dataclass
) -> Choice:
    """The best colleague for this week whom ``hard_rule_problems`` finds nothing
    wrong with (manager, blocked, cooldown, language, working hours, ...)."""
    ordered = candidates_in_order(
        new_hire,
        colleagues,
        kind=kind,
        visited=visited,
        loads=loads,
        cap=cap,
        on=on,
        min_tenure_days=min_tenure_days,
    )
    mine = [g for g in history if new_hire.id in g.members]
    blocked_mine = [pair for pair in blocked if new_hire.id in pair]
    anyone = False
    for c in ordered:
        anyone = True
        if not hard_rule_problems(
            [new_hire, c], history=mine, blocked=blocked_mine, rules=rules, on=on
        ):
            return Choice(c)
    return Choice(None, EVERYONE_BREAKS_A_RULE if anyone else NOBODY_ELIGIBLE)
