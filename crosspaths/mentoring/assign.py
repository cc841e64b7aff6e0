"""Mentors and mentees: an asymmetric assignment (no Django here; NumPy and SciPy only).

Each mentee gets at most one mentor; a mentor takes up to their capacity (1-3). The
hard rules are the engine's pair rules (``matching.rules.pair_ok``: not the other's
manager, not blocked, not met within the cooldown, a shared language, enough common
working hours) plus two of mentoring's own:

* the mentor's level minus the mentee's lies within ``[gap_min, gap_max]`` (both
  levels known);
* the mentor is not in the mentee's reporting line, up or down the whole manager
  chain (a skip-level manager is no mentor either), and the two never were a
  mentoring pair before (``past_pairs``).

Among the assignments that place the most mentees it takes one of highest score: the
engine's soft preferences (different department, location, team, never met, new hire
with a tenured colleague) plus ``interest_weight`` per shared interest, less a small
``load_step`` for every second and third mentee of one mentor, so mentees spread over
mentors when that costs nothing else. It is one ``linear_sum_assignment`` on mentees x
mentor seats (each mentor repeated by capacity); placing a mentee is worth more than
any score difference, so the count comes first. A mentee without a mentor gets the
reason that stopped them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from crosspaths.matching.features import build_cohort, contains, pair_keys, pair_scores
from crosspaths.matching.rules import hours_ok, language_ok
from crosspaths.matching.types import PastGroup, Person, Rules, Weights

MAX_CAPACITY = 3


@dataclass(frozen=True)
class Mentor:
    person: Person
    capacity: int = 1


@dataclass(frozen=True)
class Pair:
    mentor_id: str
    mentee_id: str
    score: float
    shared_interests: tuple[str, ...]


@dataclass(frozen=True)
class Unplaced:
    """A mentee without a mentor this cycle; ``code`` is stable (translated by the app),
    ``text`` is an English sentence for logs."""

    mentee_id: str
    code: str
    text: str


@dataclass(frozen=True)
class Assignment:
    pairs: list[Pair]
    unplaced: list[Unplaced]


@dataclass(frozen=True)
class GapRule:
    """Levels a mentor may be above a mentee: ``gap_min <= mentor - mentee <= gap_max``."""

    gap_min: int = 1
    gap_max: int = 3


def chains(managers: Mapping[str, str]) -> dict[str, frozenset[str]]:
    """Everyone above each person (the manager chain up to the top; cycles in bad roster
    data end the walk instead of looping)."""
    out: dict[str, frozenset[str]] = {}
    for person in managers:
        seen: list[str] = []
        boss = managers.get(person, "")
        while boss and boss not in seen and boss != person:
            seen.append(boss)
            boss = managers.get(boss, "")
        out[person] = frozenset(seen)
    return out


def in_reporting_line(a: str, b: str, above: Mapping[str, frozenset[str]]) -> bool:
    """Whether ``a`` and ``b`` share a reporting line: one is above the other."""
    return b in above.get(a, frozenset()) or a in above.get(b, frozenset())


# Why a mentee cannot have a mentor, most telling first (the first that stops every
# mentor is the reason given).
_REASONS = (
    ("level_unknown", "has no level on record, so no level gap can be checked"),
    ("level_gap", "no mentor is {lo} to {hi} levels above them"),
    ("reporting_line", "every mentor at the right level is in their reporting line"),
    ("paired_before", "every suitable mentor was their mentor in an earlier cycle"),
    ("blocked_or_met", "every suitable mentor is blocked or met them recently"),
    ("no_shared_language", "no suitable mentor shares a language with them"),
    ("no_time_overlap", "no suitable mentor's working hours overlap theirs enough"),
)


def mentor_assign(
    mentors: Sequence[Mentor],
    mentees: Sequence[Person],
    *,
    managers: Mapping[str, str],
    gap: GapRule = GapRule(),
    history: Iterable[PastGroup] = (),
    blocked: Iterable[tuple[str, str]] = (),
    past_pairs: Iterable[tuple[str, str]] = (),
    rules: Rules = Rules(),  # noqa: B008
    weights: Weights = Weights(),  # noqa: B008
    on: date,
    interest_weight: float = 4.0,
    load_step: float = 0.25,
) -> Assignment:
    """The best assignment of ``mentees`` to ``mentors`` (see the module docstring).
    ``managers`` maps every person of the organization to their manager (the chain
    may pass through people who take no part)."""
    if not mentees:
        return Assignment([], [])
    if not mentors:
        return Assignment(
            [], [Unplaced(p.id, "no_mentors", "nobody has joined as a mentor") for p in mentees]
        )
    feasible, why = pair_table(
        mentors, mentees, managers=managers, gap=gap, history=history, blocked=blocked,
        past_pairs=past_pairs, rules=rules, on=on,
    )  # fmt: skip
    score = score_table(
        mentors, mentees, history=history, rules=rules, weights=weights, on=on,
        interest_weight=interest_weight,
    )  # fmt: skip
    seat_mentor, seat_rank = seats(mentors)
    value = score[:, seat_mentor] - load_step * seat_rank[None, :]
    ok = feasible[:, seat_mentor]
    # Placing one more mentee outweighs any difference in score.
    big = 1.0 + 2.0 * float(np.abs(value).max(initial=0.0)) * len(mentees)
    cost = np.where(ok, -(big + value), 0.0)
    rows, cols = linear_sum_assignment(cost)
    pairs: list[Pair] = []
    placed: set[int] = set()
    for r, s in zip(rows.tolist(), cols.tolist(), strict=True):
        if ok[r, s]:
            m = int(seat_mentor[s])
            placed.add(r)
            shared = tuple(sorted(mentees[r].interests & mentors[m].person.interests))
            pairs.append(Pair(mentors[m].person.id, mentees[r].id, float(score[r, m]), shared))
    unplaced = [_unplaced(mentees[r], why[r], gap) for r in range(len(mentees)) if r not in placed]
    return Assignment(sorted(pairs, key=lambda p: (p.mentor_id, p.mentee_id)), unplaced)


def seats(mentors: Sequence[Mentor]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Each mentor repeated by capacity (clipped to 1-3): the seat's mentor and its rank
    (0 for a mentor's first mentee)."""
    caps = [min(max(m.capacity, 1), MAX_CAPACITY) for m in mentors]
    mentor = np.repeat(np.arange(len(mentors)), caps)
    rank = np.concatenate([np.arange(c) for c in caps]) if caps else np.empty(0, np.int64)
    return mentor.astype(np.int64), rank.astype(np.int64)


def pair_table(
    mentors: Sequence[Mentor],
    mentees: Sequence[Person],
    *,
    managers: Mapping[str, str],
    gap: GapRule,
    history: Iterable[PastGroup],
    blocked: Iterable[tuple[str, str]],
    past_pairs: Iterable[tuple[str, str]],
    rules: Rules,
    on: date,
) -> tuple[npt.NDArray[np.bool_], list[str]]:
    """(mentees x mentors) may they be a pair, and per mentee the first rule in
    ``_REASONS`` that leaves them no mentor ("" when some mentor is possible)."""
    people = [m.person for m in mentors] + list(mentees)
    c = build_cohort(
        people, history=history, blocked=blocked, rules=replace(rules, size=2),
        weights=Weights(), on=on,
    )  # fmt: skip
    nm = len(mentors)
    i = np.arange(nm, len(people))[:, None]  # mentees
    j = np.arange(nm)[None, :]  # mentors
    level_known = c.has_level[i] & c.has_level[j]
    diff = c.level[j] - c.level[i]
    level = level_known & (diff >= gap.gap_min) & (diff <= gap.gap_max)
    above = chains({**managers, **{p.id: p.manager_id for p in people}})
    line = np.zeros(level.shape, dtype=bool)
    column = {m.person.id: k for k, m in enumerate(mentors)}
    row = {e.id: k for k, e in enumerate(mentees)}
    for r, e in enumerate(mentees):  # a mentor above the mentee
        for boss in above.get(e.id, ()):
            if boss in column:
                line[r, column[boss]] = True
    for k, m in enumerate(mentors):  # a mentee above the mentor
        for boss in above.get(m.person.id, ()):
            if boss in row:
                line[row[boss], k] = True
    repeat = np.zeros(level.shape, dtype=bool)
    for a, b in past_pairs:
        if a in row and b in column:
            repeat[row[a], column[b]] = True
        if b in row and a in column:
            repeat[row[b], column[a]] = True
    direct = (c.manager[i] == j) | (c.manager[j] == i)
    forbidden = contains(c.forbidden, pair_keys(np.broadcast_to(i, direct.shape),
                                                 np.broadcast_to(j, direct.shape), c.n))  # fmt: skip
    lang = language_ok(c.lang[i] & c.lang[j])
    hours = np.ones_like(lang)
    if rules.mode == "virtual":
        start = np.maximum(c.start_utc[i], c.start_utc[j])
        end = np.minimum(c.end_utc[i], c.end_utc[j])
        hours = hours_ok(start, end, c.rules)
    steps = [
        np.broadcast_to(c.has_level[i], level.shape),
        level,
        ~(line | direct),
        ~repeat,
        ~forbidden,
        lang,
        hours,
    ]
    feasible = np.ones(level.shape, dtype=bool)
    why = [""] * len(mentees)
    for (code, _text), step in zip(_REASONS, steps, strict=True):
        before_step = feasible.any(axis=1)
        feasible = feasible & step
        after_step = feasible.any(axis=1)
        for r in np.flatnonzero(before_step & ~after_step).tolist():
            why[r] = code
    return feasible, why


def score_table(
    mentors: Sequence[Mentor],
    mentees: Sequence[Person],
    *,
    history: Iterable[PastGroup],
    rules: Rules,
    weights: Weights,
    on: date,
    interest_weight: float,
) -> npt.NDArray[np.float64]:
    """(mentees x mentors) what a pair is worth. The level
    preference is off (the gap is a hard rule here) and shared interests count one by
    one instead of "any"."""
    people = [m.person for m in mentors] + list(mentees)
    soft = replace(weights, level_distance=0.0, shared_interest=0.0, waited=0.0)
    c = build_cohort(people, history=history, rules=replace(rules, size=2), weights=soft, on=on)
    nm = len(mentors)
    i = np.arange(nm, len(people))[:, None]
    j = np.arange(nm)[None, :]
    score = pair_scores(
        c, np.broadcast_to(i, (len(mentees), nm)), np.broadcast_to(j, (len(mentees), nm))
    )
    topics = {t: k for k, t in enumerate(sorted({t for p in people for t in p.interests}))}
    has = np.zeros((len(people), max(1, len(topics))), dtype=np.float64)
    for k, p in enumerate(people):
        has[k, [topics[t] for t in p.interests]] = 1.0
    overlap = has[nm:] @ has[:nm].T  # shared interests of each mentee and mentor
    return np.asarray(score + interest_weight * overlap)


def _unplaced(mentee: Person, code: str, gap: GapRule) -> Unplaced:
    if not code:
        return Unplaced(mentee.id, "mentors_full", "every suitable mentor is at capacity")
    text = dict(_REASONS)[code].format(lo=gap.gap_min, hi=gap.gap_max)
    return Unplaced(mentee.id, code, text)
