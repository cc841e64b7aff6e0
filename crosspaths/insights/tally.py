"""Count one round: from its groups, answers and people to the figures of every scope.

Pure functions over plain data (no Django), so the rules are easy to test by hand and the
benchmark can reuse them. Definitions, in one place:

- An *encounter* is a pair of people in the same group (a group of four is six pairs).
- A group *happened* when any member answered "we met"; it *did not happen* when members
  answered and none said so; otherwise it is *unanswered*. A *no-show* is one "it did
  not happen" answer.
- A *scope* is the whole organization (``None``) or one location. A location's scope
  holds the groups and encounters with at least one person from that location.
- Departments are keys; ``0`` means "no department". Encounters involving someone
  without a department count as encounters but in neither the cross- nor the
  same-department share, nor in any department's E-I index.
"""

# The minus sign in the E-I formula is meant.
# ruff: noqa: RUF002

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

Pair = tuple[int, int]
Scope = int | None


def pairs_of(group: Iterable[int]) -> list[Pair]:
    """Every encounter of a group, each pair ordered (lower id first)."""
    return [(a, b) if a < b else (b, a) for a, b in combinations(sorted(set(group)), 2)]


def group_outcome(answers: Sequence[bool]) -> str:
    """'happened', 'not_happened' or 'unanswered' (see the module docstring)."""
    if any(answers):
        return "happened"
    return "not_happened" if answers else "unanswered"


@dataclass
class Cell:
    """Encounters between two departments in one scope."""

    people: set[int] = field(default_factory=set)
    encounters: int = 0
    happened: int = 0
    new_connections: int = 0


@dataclass
class DepartmentTally:
    """One department's E-I inputs in one scope; ``people`` are its own members."""

    people: set[int] = field(default_factory=set)
    external: int = 0
    internal: int = 0

    @property
    def ei_index(self) -> float | None:
        return ei_index(self.external, self.internal)


def ei_index(external: int, internal: int) -> float | None:
    """Krackhardt and Stern's E-I index: (E − I) / (E + I), from −1 (only within the
    group) to +1 (only outside it); None without encounters. E and I are counted by
    ``tally_round`` below (encounters with people of other departments and within)."""
    if external + internal == 0:
        return None
    return (external - internal) / (external + internal)


@dataclass
class ScopeTally:
    people: set[int] = field(default_factory=set)
    matches: int = 0
    happened: int = 0
    not_happened: int = 0
    unanswered: int = 0
    answers: int = 0
    no_shows: int = 0
    ratings: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])
    encounters: int = 0
    cross_department: int = 0
    same_department: int = 0
    new_connections: int = 0
    new_connections_met: int = 0
    cells: dict[Pair, Cell] = field(default_factory=lambda: defaultdict(Cell))
    departments: dict[int, DepartmentTally] = field(
        default_factory=lambda: defaultdict(DepartmentTally)
    )


@dataclass(frozen=True)
class Answer:
    met: bool
    rating: int | None = None


def tally_round(
    *,
    groups: Mapping[int, Sequence[int]],
    answers: Mapping[int, Sequence[Answer]],
    department: Mapping[int, int],
    location: Mapping[int, int | None],
    new_pairs: set[Pair],
) -> dict[Scope, ScopeTally]:
    """Figures of one round per scope. ``groups`` maps a group (match) id to its members,
    ``answers`` a group id to its members' check-ins, ``new_pairs`` are the encounters
    that are the pair's first ever."""
    scopes: dict[Scope, ScopeTally] = defaultdict(ScopeTally)
    for group_id, members in groups.items():
        group_answers = answers.get(group_id, ())
        outcome = group_outcome([a.met for a in group_answers])
        group_scopes: set[Scope] = {None, *(location.get(p) for p in members)}
        for scope in group_scopes:
            s = scopes[scope]
            s.people.update(members)
            s.matches += 1
            setattr(s, outcome, getattr(s, outcome) + 1)
            s.answers += len(group_answers)
            for a in group_answers:
                if not a.met:
                    s.no_shows += 1
                elif a.rating is not None and 1 <= a.rating <= 5:
                    s.ratings[a.rating - 1] += 1
        for pair in pairs_of(members):
            _count_pair(scopes, pair, department, location, pair in new_pairs, outcome)
    return dict(scopes)


def _count_pair(
    scopes: dict[Scope, ScopeTally],
    pair: Pair,
    department: Mapping[int, int],
    location: Mapping[int, int | None],
    new: bool,
    outcome: str,
) -> None:
    p, q = pair
    dp, dq = department.get(p, 0), department.get(q, 0)
    key = (dp, dq) if dp <= dq else (dq, dp)
    happened = outcome == "happened"
    for scope in {None, location.get(p), location.get(q)}:
        s = scopes[scope]
        s.encounters += 1
        s.new_connections += new
        s.new_connections_met += new and happened
        cell = s.cells[key]
        cell.people.update(pair)
        cell.encounters += 1
        cell.happened += happened
        cell.new_connections += new
        if dp and dq:
            if dp == dq:
                s.same_department += 1
                d = s.departments[dp]
                d.internal += 1
                d.people.update(pair)
            else:
                s.cross_department += 1
                for dept, person in ((dp, p), (dq, q)):
                    d = s.departments[dept]
                    d.external += 1
                    d.people.add(person)


@dataclass(frozen=True)
class Enrolled:
    """One enrollment as the participation figures need it."""

    person: int
    location: int | None
    enrolled: bool  # on the round's date
    paused: bool  # on the round's date


@dataclass
class Participation:
    enrolled: int = 0
    paused: int = 0
    matched: int = 0
    left_out: int = 0


def tally_participation(
    *,
    enrollments: Iterable[Enrolled],
    matched: Iterable[int],
    left_out: Iterable[int],
    location: Mapping[int, int | None],
) -> dict[Scope, Participation]:
    """A program's participation on a round's date per scope. Anyone in a group or left
    out of the round was evidently enrolled, whatever the enrollment's timestamps say
    (imported or re-joined enrollments). Unlike encounters, a person counts in the
    scope of their own location only (and the whole organization's)."""
    matched, left_out = set(matched), set(left_out)
    enrolled = {e.person for e in enrollments if e.enrolled} | matched | left_out
    paused = {e.person for e in enrollments if e.enrolled and e.paused} - matched
    where = dict(location)
    for e in enrollments:
        where.setdefault(e.person, e.location)
    out: dict[Scope, Participation] = defaultdict(Participation)
    for attr, people in (
        ("enrolled", enrolled),
        ("paused", paused),
        ("matched", matched),
        ("left_out", left_out),
    ):
        for person in people:
            for scope in {None, where.get(person)}:
                setattr(out[scope], attr, getattr(out[scope], attr) + 1)
    return dict(out)


# Reach histogram bars: (low, high); high None means "and more".
COLLEAGUE_BARS: tuple[tuple[int, int | None], ...] = (
    (0, 0),
    (1, 1),
    (2, 2),
    (3, 5),
    (6, 10),
    (11, 20),
    (21, 50),
    (51, None),
)
DEPARTMENT_BARS: tuple[tuple[int, int | None], ...] = (
    (0, 0),
    (1, 1),
    (2, 2),
    (3, 3),
    (4, 5),
    (6, 9),
    (10, None),
)


def bar_of(value: int, bars: Sequence[tuple[int, int | None]]) -> int:
    """The low end of the histogram bar ``value`` falls into."""
    for low, high in bars:
        if value >= low and (high is None or value <= high):
            return low
    raise ValueError(f"{value} is below every bar")


def histogram(values: Iterable[int], bars: Sequence[tuple[int, int | None]]) -> dict[int, int]:
    """People per bar (every bar present, empty ones as 0)."""
    counts = {low: 0 for low, _ in bars}
    for v in values:
        counts[bar_of(v, bars)] += 1
    return counts
