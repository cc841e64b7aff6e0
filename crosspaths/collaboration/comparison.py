"""Who is compared with whom: the pairs that met in a round and, for each, comparison
pairs drawn from the same round, with their interactions before and after.

A pair *met* when they were in one group of a round and a member of that group said
"we met" (the check-in; the insights count a meeting the same way). Groups nobody
answered for are left out: whether they met is unknown. Comparison pairs are two people
eligible in the same round (in a group, or left out) who were not in one group with
each other in any round up to the end of the window, drawn at random from the same
*stratum* as the pair that met: the same pair of departments, the same pair of
locations and the same pair of tenure bands. People who opted out are in no pair.
When the round held pairs out for measurement (``Round.holdout_percent``, the engine's
``crosspaths.matching.holdout``), comparison pairs are taken from the held-out pairs of
the stratum first: they were kept apart at random on purpose, the fairest comparison
there is; the random draw fills up what they do not cover.

A round counts when its W weeks before and W weeks after (the round's own week first)
all lie within the weeks the organization has imported.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations, islice

import numpy as np
from django.db.models import Max, Min

from crosspaths import clock
from crosspaths.matching.holdout import held_out, person_hashes
from crosspaths.meetings.models import CheckIn
from crosspaths.people.models import Organization, Person
from crosspaths.programs.models import LeftOut, MatchMember, Round

from .models import CollaborationOptOut, Interaction

PER_PAIR = 5  # comparison pairs drawn per pair that met
ATTEMPTS = 10  # draws per wanted comparison pair before giving up
EPOCH = date(2000, 1, 3)  # a Monday: weeks are counted from it
WEEK_BITS = 16  # a week number fits in 16 bits (1,250 years)


def tenure_band(start: date | None, on: date) -> int:
    """0 unknown, 1 under a year, 2 one to three years, 3 longer."""
    if start is None:
        return 0
    years = (on - start).days / 365.25
    return 1 if years < 1 else 2 if years < 3 else 3


def week_number(day: date) -> int:
    return (day - EPOCH).days // 7


@dataclass
class Sample:
    """One cluster per pair that met (arrays in the same order)."""

    weeks: int
    t_before: list[float] = field(default_factory=list)
    t_after: list[float] = field(default_factory=list)
    c_before: list[float] = field(default_factory=list)
    c_after: list[float] = field(default_factory=list)
    departments: list[tuple[int, int]] = field(default_factory=list)
    members: list[tuple[int, int]] = field(default_factory=list)  # the pair that met
    comparison_pairs: int = 0
    people: set[int] = field(default_factory=set)
    rounds: int = 0
    no_comparison: int = 0  # pairs that met for whom no comparison pair was found
    held_out_pairs: int = 0  # comparison pairs the round held out for measurement
    held_out_drawn: list[tuple[int, int, int]] = field(default_factory=list)  # (round, a, b)


@dataclass(frozen=True)
class _Person:
    department: int
    location: int
    tenure: int


def imported_weeks(organization: Organization) -> tuple[date, date] | None:
    span = Interaction.objects.filter(organization=organization).aggregate(
        first=Min("period_start"), last=Max("period_start")
    )
    return (span["first"], span["last"]) if span["first"] else None


def payoff_sample(
    *, organization: Organization, weeks: int, per_pair: int = PER_PAIR, seed: int = 17
) -> Sample:
    """The pairs that met, their comparison pairs and everyone's interactions."""
    sample = Sample(weeks=weeks)
    span = imported_weeks(organization)
    if span is None:
        return sample
    first, last = week_number(span[0]), week_number(span[1])
    holdout: dict[int, int] = {}
    rounds: list[tuple[int, date]] = []
    for pk, day, percent in Round.objects.filter(
        organization=organization, status__in=[Round.Status.PUBLISHED, Round.Status.CLOSED]
    ).values_list("pk", "date", "holdout_percent"):
        if week_number(day) - weeks >= first and week_number(day) + weeks - 1 <= last:
            rounds.append((pk, day))
            holdout[pk] = percent
    if not rounds:
        return sample
    opted_out = set(
        CollaborationOptOut.objects.filter(organization=organization).values_list(
            "person_id", flat=True
        )
    )
    people = _people(organization)
    ever = _ever_matched(organization, max(d for _pk, d in rounds) + timedelta(weeks=weeks))
    rng = random.Random(seed)
    queries: list[tuple[int, int, int]] = []  # (a, b, round week) for the outcome lookup
    clusters: list[tuple[int, int, int]] = []  # (first query, comparison count, met pair)
    for round_pk, day in sorted(rounds, key=lambda r: r[1]):
        groups, eligible = _round_members(organization, round_pk, opted_out)
        met = _met_groups(organization, round_pk)
        cells: dict[tuple[int, int, int], list[int]] = defaultdict(list)
        for pk in sorted(eligible):
            p = people.get(pk)
            if p is not None:
                cells[(p.department, p.location, p.tenure)].append(pk)
        week = week_number(day)
        counted = False
        held = (
            _HeldOut(cells, pk=round_pk, percent=holdout[round_pk]) if holdout[round_pk] else None
        )
        for match_pk, members in groups.items():
            if match_pk not in met:
                continue
            for a, b in combinations(sorted(members), 2):
                if a not in people or b not in people:
                    continue
                first_held = held.pairs(a, b, people, ever, per_pair, rng) if held else []
                drawn = first_held + _draw(
                    a, b, people, cells, ever, day, per_pair - len(first_held), rng, first_held
                )
                sample.held_out_pairs += len(first_held)
                sample.held_out_drawn.extend((round_pk, x, y) for x, y in first_held)
                if not drawn:
                    sample.no_comparison += 1
                    continue
                clusters.append((len(queries), len(drawn), len(sample.departments)))
                queries.append((a, b, week))
                queries.extend((x, y, week) for x, y in drawn)
                sample.departments.append(
                    tuple(sorted((people[a].department, people[b].department)))  # type: ignore[arg-type]  # two department ids, sorted
                )
                sample.members.append((a, b))
                sample.people.update((a, b))
                sample.comparison_pairs += len(drawn)
                counted = True
        sample.rounds += counted
    before, after = _outcomes(organization, queries, weeks, max(people, default=0) + 1)
    if clusters:
        starts = np.array([start for start, _count, _i in clusters])
        counts = np.array([count for _start, count, _i in clusters])
        # Sums over each cluster's comparison rows: reduceat over [start + 1, start + 1 +
        # count) pairs, every other result (a zero appended for the last bound).
        bounds = np.column_stack([starts + 1, starts + 1 + counts]).ravel()
        for values, treated, compared in (
            (before, sample.t_before, sample.c_before),
            (after, sample.t_after, sample.c_after),
        ):
            padded = np.append(values, 0.0)
            treated.extend(values[starts].tolist())
            compared.extend((np.add.reduceat(padded, bounds)[::2] / counts).tolist())
    return sample


def _people(organization: Organization) -> dict[int, _Person]:
    """Department, location and tenure band of everyone (as of today; the roster keeps
    no history). Departments and locations are keys, 0 for none."""
    today = clock.today()
    return {
        pk: _Person(dept or 0, loc or 0, tenure_band(start, today))
        for pk, dept, loc, start in Person.objects.filter(organization=organization).values_list(
            "pk", "department_id", "location_id", "start_date"
        )
    }


def _round_members(
    organization: Organization, round_pk: int, opted_out: set[int]
) -> tuple[dict[int, list[int]], set[int]]:
    groups: dict[int, list[int]] = defaultdict(list)
    for match_pk, person_pk in MatchMember.objects.filter(
        organization=organization, round_id=round_pk
    ).values_list("match_id", "person_id"):
        if person_pk not in opted_out:
            groups[match_pk].append(person_pk)
    eligible = {pk for members in groups.values() for pk in members}
    eligible.update(
        pk
        for pk in LeftOut.objects.filter(organization=organization, round_id=round_pk).values_list(
            "person_id", flat=True
        )
        if pk not in opted_out
    )
    return groups, eligible


def _met_groups(organization: Organization, round_pk: int) -> set[int]:
    return set(
        CheckIn.objects.filter(
            organization=organization, met=True, member__round_id=round_pk
        ).values_list("member__match_id", flat=True)
    )


def _pair_code(a: int, b: int) -> int:
    return (min(a, b) << 32) | max(a, b)


def _ever_matched(organization: Organization, until: date) -> set[int]:
    """Every pair ever in one group in a round up to ``until``, as pair codes."""
    by_match: dict[int, list[int]] = defaultdict(list)
    for match_pk, person_pk in MatchMember.objects.filter(
        organization=organization, round__date__lte=until
    ).values_list("match_id", "person_id"):
        by_match[match_pk].append(person_pk)
    return {_pair_code(a, b) for members in by_match.values() for a, b in combinations(members, 2)}


def _draw(
    a: int,
    b: int,
    people: dict[int, _Person],
    cells: dict[tuple[int, int, int], list[int]],
    ever: set[int],
    day: date,
    wanted: int,
    rng: random.Random,
    taken: list[tuple[int, int]] = [],  # noqa: B006 - read only
) -> list[tuple[int, int]]:
    """Up to ``wanted`` comparison pairs for the pair (a, b) from their strata, none of
    them one of ``taken``."""
    pa, pb = people[a], people[b]
    cell_a = cells.get((pa.department, pa.location, pa.tenure), [])
    cell_b = cells.get((pb.department, pb.location, pb.tenure), [])
    drawn: set[int] = {_pair_code(x, y) for x, y in taken}
    out: list[tuple[int, int]] = []
    for _attempt in range(wanted * ATTEMPTS):
        if len(out) >= wanted or not cell_a or not cell_b:
            break
        x = cell_a[int(rng.random() * len(cell_a))]  # random.choice, without its overhead
        y = cell_b[int(rng.random() * len(cell_b))]
        code = _pair_code(x, y)
        if x == y or code in ever or code in drawn:
            continue
        drawn.add(code)
        out.append((min(x, y), max(x, y)))
    return out


class _HeldOut:
    """The pairs a round held out for measurement, found per stratum: the hash of the
    engine's rule against every member of the other cell, for a few members of one."""

    SCAN = 32  # members of a's cell tried per pair that met

    def __init__(self, cells: dict[tuple[int, int, int], list[int]], *, pk: int, percent: int):
        self.cells = cells
        self.share, self.seed = percent / 100, pk
        self.hashes: dict[tuple[int, int, int], tuple[list[int], np.ndarray]] = {}

    def _cell(self, key: tuple[int, int, int]) -> tuple[list[int], np.ndarray]:
        if key not in self.hashes:
            members = self.cells.get(key, [])
            self.hashes[key] = (members, person_hashes([str(pk) for pk in members]))
        return self.hashes[key]

    def pairs(
        self,
        a: int,
        b: int,
        people: dict[int, _Person],
        ever: set[int],
        wanted: int,
        rng: random.Random,
    ) -> list[tuple[int, int]]:
        pa, pb = people[a], people[b]
        xs, hx = self._cell((pa.department, pa.location, pa.tenure))
        ys, hy = self._cell((pb.department, pb.location, pb.tenure))
        if not xs or not ys:
            return []
        out: list[tuple[int, int]] = []
        seen: set[int] = set()
        for k in rng.sample(range(len(xs)), min(self.SCAN, len(xs))):
            x = xs[k]
            mask = held_out(hx[k], hy, share=self.share, seed=self.seed)
            for j in np.flatnonzero(mask).tolist():
                y = ys[j]
                code = _pair_code(x, y)
                if x == y or code in ever or code in seen:
                    continue
                seen.add(code)
                out.append((min(x, y), max(x, y)))
            if len(out) >= wanted * 4:
                break
        rng.shuffle(out)
        return out[:wanted]


def _outcomes(
    organization: Organization, queries: list[tuple[int, int, int]], weeks: int, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Interactions of each queried pair in the ``weeks`` before its round week and in
    the ``weeks`` from it on (all channels). Every row of the weeks concerned is read
    once; sums come from cumulative sums over rows sorted by (pair, week)."""
    n = len(queries)
    if not n:
        return np.zeros(0), np.zeros(0)
    q = np.array(queries, dtype=np.int64)
    q_code = np.minimum(q[:, 0], q[:, 1]) * size + np.maximum(q[:, 0], q[:, 1])
    lo_week, hi_week = int(q[:, 2].min()) - weeks, int(q[:, 2].max()) + weeks
    rows = Interaction.objects.filter(
        organization=organization,
        period_start__gte=EPOCH + timedelta(weeks=lo_week),
        period_start__lt=EPOCH + timedelta(weeks=hi_week),
    ).values_list("person_a_id", "person_b_id", "period_start", "count")
    keys: list[np.ndarray] = []
    counts: list[np.ndarray] = []
    week_of: dict[date, int] = {}
    iterator = rows.iterator(chunk_size=50_000)
    while chunk := list(islice(iterator, 200_000)):
        arr = np.array(
            [(a, b, week_of.setdefault(d, week_number(d)), c) for a, b, d, c in chunk],
            dtype=np.int64,
        )
        keys.append(_key(arr[:, 0] * size + arr[:, 1], arr[:, 2]))
        counts.append(arr[:, 3])
    if not keys:
        return np.zeros(n), np.zeros(n)
    key = np.concatenate(keys)
    order = np.argsort(key, kind="stable")
    key = key[order]
    cum = np.concatenate([[0], np.cumsum(np.concatenate(counts)[order])])

    def total(start_week: np.ndarray, end_week: np.ndarray) -> np.ndarray:
        lo = np.searchsorted(key, _key(q_code, start_week), side="left")
        hi = np.searchsorted(key, _key(q_code, end_week), side="left")
        return (cum[hi] - cum[lo]).astype(np.float64)

    week = q[:, 2]
    return total(week - weeks, week), total(week, week + weeks)


def _key(code: np.ndarray, week: np.ndarray) -> np.ndarray:
    """A sortable key for (pair code, week). A pair code ``a * size + b`` (``size`` is
    the largest person key + 1) stays below 2**63 / 2**WEEK_BITS for person keys up
    to 11 million; weeks are offsets from EPOCH."""
    return (code << WEEK_BITS) | week
