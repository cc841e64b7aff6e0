"""The event mixer: seat everyone at tables for several rotations, new faces each time.

A one-off event (a townhall, an offsite) seats its attendees at tables of about
``table_size`` for ``rounds`` rotations. What it optimises, in this order:

1. the hard pair rules of the kernel that apply to a table (``rules.pair_ok`` at
   group level: never a manager with their report, never a blocked pair); the
   language, working-hours and location rules are about *arranging* a meeting and
   do not apply to people who are in one room already;
2. as few pairs as possible sitting together twice (the social golfer problem);
3. departments mixed at each table (fewest same-department pairs).

How: an affine construction gives zero repeats outright whenever the number of
tables allows it (see ``_multipliers``), with people dealt like cards in department
order so each table starts mixed; then a local search swaps two people of one
rotation between tables to remove any rule break and any repeat (a penalty per
repeated pair), and finally to lower the same-department pairs. Deterministic for
a given seed: no time budget, only counted iterations.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from .features import build_cohort
from .rules import pair_ok
from .types import Person, Rules, Weights

_RULE = 1_000_000  # a broken hard rule outweighs any number of repeats
_REPEAT = 1_000  # a pair together again outweighs any department mixing
_SAME_DEPARTMENT = 1
_ON = date(2000, 1, 3)  # the kernel wants a date; no date-dependent rule applies here


@dataclass
class MixerPlan:
    """``rounds[r][t]`` lists the ids at table ``t`` (0-based) of rotation ``r``."""

    rounds: list[list[list[str]]]
    metrics: dict[str, Any] = field(default_factory=dict)

    def seats(self) -> list[tuple[int, int, str]]:
        """``(round, table, person_id)`` rows, both numbered from 1 (the CSV's rows)."""
        return [
            (r + 1, t + 1, pid)
            for r, tables in enumerate(self.rounds)
            for t, members in enumerate(tables)
            for pid in members
        ]


def table_sizes(n: int, table_size: int) -> list[int]:
    """Table sizes for ``n`` people: all ``table_size`` when it divides ``n``, else the
    fewest tables of ``table_size`` ± 1. Sizes never differ by more than one, so with
    few people (fewer than ``K * (K - 1)``) a remainder too large for K ± 1 is spread
    as evenly as it goes; up to ``K + 1`` people sit at one table."""
    if n <= 0:
        return []
    if table_size < 2:
        raise ValueError("a table seats at least 2 people")
    options = {max(1, n // table_size), max(1, -(-n // table_size))}

    def cost(tables: int) -> tuple[int, int]:
        sizes = _even(n, tables)
        return max(abs(s - table_size) for s in sizes), sum(s != table_size for s in sizes)

    return _even(n, min(sorted(options), key=cost))


def _even(n: int, tables: int) -> list[int]:
    """``n`` people over ``tables`` tables, larger tables first."""
    q, r = divmod(n, tables)
    return [q + 1] * r + [q] * (tables - r)


def _multipliers(tables: int, rows: int, rounds: int) -> list[int]:
    """Shift per rotation: person (row a, column b) sits at table ``(b + m_r * a) % T``.

    Two people of rows a != a' meet in rotations r and s only when
    ``(m_r - m_s) * (a - a')`` is a multiple of T, so multipliers whose differences
    never make that happen give zero repeats by construction. Picked greedily; when
    the tables are too few for that, the local search removes what is left.
    """
    chosen = [0]
    candidate = 1
    while len(chosen) < rounds:
        for m in list(range(candidate, tables)) + list(range(1, candidate)):
            if m in chosen:
                continue
            if all((m - c) * d % tables for c in chosen for d in range(1, rows)):
                chosen.append(m)
                candidate = m + 1
                break
        else:
            chosen.append(len(chosen) % max(1, tables))
    return chosen


@dataclass
class _Search:
    """The plan under search: ``table[r][p]`` and ``members[r][t]`` (people as indexes),
    how often each pair sits together (``meet``), each table's department counts,
    and per person the people they must not sit with (``apart``)."""

    dept: list[int]
    apart: list[set[int]]
    table: list[list[int]]
    members: list[list[list[int]]]
    meet: list[dict[int, int]]
    depts: list[list[dict[int, int]]]
    rng: random.Random
    cost: int = 0

    @property
    def n(self) -> int:
        return len(self.dept)

    def department_delta(self, r: int, p: int, q: int) -> int:
        """Change of same-department pairs when ``p`` and ``q`` swap tables in ``r``."""
        dp, dq = self.dept[p], self.dept[q]
        if dp == dq:
            return 0
        at_a, at_b = self.depts[r][self.table[r][p]], self.depts[r][self.table[r][q]]
        delta = 0
        if dp >= 0:
            delta += at_b.get(dp, 0) - (at_a.get(dp, 0) - 1)
        if dq >= 0:
            delta += at_a.get(dq, 0) - (at_b.get(dq, 0) - 1)
        return delta * _SAME_DEPARTMENT

    def pair_delta(self, r: int, p: int, q: int) -> int:
        """Change of the repeat and rule-break penalties when ``p`` and ``q`` swap."""
        delta = 0
        mp, mq, ap, aq = self.meet[p], self.meet[q], self.apart[p], self.apart[q]
        for x in self.members[r][self.table[r][p]]:
            if x != p:
                delta += (_REPEAT if x in mq else 0) - (_REPEAT if mp.get(x, 0) >= 2 else 0)
                if ap or aq:
                    delta += (_RULE if x in aq else 0) - (_RULE if x in ap else 0)
        for y in self.members[r][self.table[r][q]]:
            if y != q:
                delta += (_REPEAT if y in mp else 0) - (_REPEAT if mq.get(y, 0) >= 2 else 0)
                if ap or aq:
                    delta += (_RULE if y in ap else 0) - (_RULE if y in aq else 0)
        return delta

    def swap_delta(self, r: int, p: int, q: int) -> int:
        """Change of the total cost when ``p`` and ``q`` swap tables in rotation ``r``."""
        return self.pair_delta(r, p, q) + self.department_delta(r, p, q)

    def swap(self, r: int, p: int, q: int) -> None:
        a, b = self.table[r][p], self.table[r][q]
        self.cost += self.swap_delta(r, p, q)
        self._leave(r, p, a)
        self._leave(r, q, b)
        self.join(r, p, b)
        self.join(r, q, a)

    def _leave(self, r: int, p: int, t: int) -> None:
        self.members[r][t].remove(p)
        for x in self.members[r][t]:
            _bump(self.meet, p, x, -1)
        if self.dept[p] >= 0:
            self.depts[r][t][self.dept[p]] -= 1

    def join(self, r: int, p: int, t: int) -> None:
        """Seat ``p`` at table ``t`` of rotation ``r`` (the cost is not updated)."""
        for x in self.members[r][t]:
            _bump(self.meet, p, x, 1)
        self.members[r][t].append(p)
        self.table[r][p] = t
        d = self.dept[p]
        if d >= 0:
            self.depts[r][t][d] = self.depts[r][t].get(d, 0) + 1

    def total(self) -> int:
        """The cost from scratch: rule breaks, repeats, same-department pairs."""
        cost = 0
        for p, met in enumerate(self.meet):
            for x, c in met.items():
                if p < x:
                    cost += _REPEAT * (c - 1) + (_RULE * c if x in self.apart[p] else 0)
        for tables in self.depts:
            for counts in tables:
                cost += _SAME_DEPARTMENT * sum(c * (c - 1) // 2 for c in counts.values())
        return cost

    def troubled(self) -> list[tuple[int, int]]:
        """(rotation, person) pairs sitting with someone they must not, or again."""
        return [
            (r, p)
            for r in range(len(self.members))
            for p in range(self.n)
            if self._in_trouble(r, p)
        ]

    def _in_trouble(self, r: int, p: int) -> bool:
        mp, ap = self.meet[p], self.apart[p]
        return any(
            x != p and (mp.get(x, 0) >= 2 or x in ap) for x in self.members[r][self.table[r][p]]
        )

    def repair(self, steps: int, patience: int) -> None:
        """Tabu search on troubled seats: each step moves one troubled person by the
        best swap in a sample of the same rotation, worse or not, never back to a
        table they left recently; the best plan seen is what remains. It stops early
        once ``patience`` steps found nothing better (repeats a plan cannot avoid, e.g.
        more people at a table than there are tables)."""
        best, best_table = self.cost, [row[:] for row in self.table]
        lowest, since = self.cost, 0
        tabu: dict[tuple[int, int, int], int] = {}
        todo: list[tuple[int, int]] = []
        for step in range(steps):
            if self.cost < lowest:
                lowest, since = self.cost, step
            elif step - since > patience:
                break
            if not todo:
                todo = self.troubled()
                if not todo:
                    break
            r, p = todo.pop(self.rng.randrange(len(todo)))
            if not self._in_trouble(r, p):
                continue
            move, move_q = None, -1
            for q in self._sample(r, p, 64):
                if tabu.get((r, p, self.table[r][q]), -1) >= step:
                    continue
                d = self.swap_delta(r, p, q)
                if move is None or d < move:
                    move, move_q = d, q
            if move is None:
                continue
            if move >= 0 and self.cost < best:
                best, best_table = self.cost, [row[:] for row in self.table]
            tenure = 5 + self.rng.randrange(10)
            tabu[(r, p, self.table[r][p])] = step + tenure
            tabu[(r, move_q, self.table[r][move_q])] = step + tenure
            self.swap(r, p, move_q)
            todo.append((r, p))
            todo.append((r, move_q))
        if self.cost > best:
            self.reseat(best_table)

    def reseat(self, table: list[list[int]]) -> None:
        """Start over from ``table[r][p]``."""
        for r, tables in enumerate(self.members):
            for t in range(len(tables)):
                tables[t] = []
                self.depts[r][t] = {}
        for m in self.meet:
            m.clear()
        for r, row in enumerate(table):
            for p, t in enumerate(row):
                self.join(r, p, t)
        self.cost = self.total()

    def mix(self, steps: int, patience: int) -> None:
        """Swaps that lower the same-department pairs, kept only when they add no
        repeat and break no rule: each step takes one person who shares a table with
        their department and the best swap among a sample of the same rotation. It
        stops once ``patience`` such steps in a row found nothing (as when departments
        are already spread as evenly as their sizes allow)."""
        rounds, n = len(self.members), self.n
        idle = 0
        for _ in range(steps):
            if idle > patience:
                return
            r, p = self.rng.randrange(rounds), self.rng.randrange(n)
            d = self.dept[p]
            if d < 0 or self.depts[r][self.table[r][p]].get(d, 0) < 2:
                continue
            best, best_q = 0, -1
            for q in self._sample(r, p, 24):
                gain = self.department_delta(r, p, q)
                if gain < best and (total := gain + self.pair_delta(r, p, q)) < best:
                    best, best_q = total, q
            if best_q >= 0:
                self.swap(r, p, best_q)
                idle = 0
            else:
                idle += 1

    def _sample(self, r: int, p: int, k: int) -> list[int]:
        mine = self.table[r][p]
        if self.n <= k:
            return [q for q in range(self.n) if self.table[r][q] != mine]
        picks = (self.rng.randrange(self.n) for _ in range(k))
        return [q for q in picks if self.table[r][q] != mine]


def _bump(meet: list[dict[int, int]], p: int, x: int, by: int) -> None:
    for u, v in ((p, x), (x, p)):
        c = meet[u].get(v, 0) + by
        if c:
            meet[u][v] = c
        else:
            meet[u].pop(v, None)


def _apart_sets(people: Sequence[Person], blocked: Iterable[tuple[str, str]]) -> list[set[int]]:
    """Per person, who the kernel forbids at their table: it is asked about every
    manager link and blocked pair (the only pairs its group-level rule can refuse
    when there is no history)."""
    rules = Rules(size=2, mode="virtual", cooldown_weeks=0)
    c = build_cohort(people, blocked=blocked, rules=rules, weights=Weights(), on=_ON)
    n = c.n
    has = c.manager >= 0
    i = np.concatenate([np.flatnonzero(has), c.blocked_keys // max(1, n)])
    j = np.concatenate([c.manager[has], c.blocked_keys % max(1, n)])
    out: list[set[int]] = [set() for _ in range(n)]
    if i.size:
        refused = ~pair_ok(c, i, j, group_level=True)
        for u, v in zip(i[refused].tolist(), j[refused].tolist(), strict=True):
            out[u].add(v)
            out[v].add(u)
    return out


def _construct(
    dept: list[int], sizes: list[int], rounds: int, rng: random.Random
) -> list[list[int]]:
    """``table[r][p]`` by the affine construction, people dealt in department order."""
    n, tables = len(dept), len(sizes)
    order = list(range(n))
    rng.shuffle(order)
    counts: dict[int, int] = {}
    for d in dept:
        counts[d] = counts.get(d, 0) + 1
    order.sort(key=lambda p: (-counts[dept[p]], dept[p]))
    rows = sizes[0] if sizes else 0
    mults = _multipliers(tables, rows, rounds)
    table = [[0] * n for _ in range(rounds)]
    for pos, p in enumerate(order):
        a, b = divmod(pos, tables)
        for r in range(rounds):
            table[r][p] = (b + mults[r] * a) % tables
    return table


def mix(
    people: Sequence[Person],
    *,
    table_size: int,
    rounds: int,
    blocked: Iterable[tuple[str, str]] = (),
    seed: int = 0,
) -> MixerPlan:
    """Seat ``people`` at tables of about ``table_size`` for ``rounds`` rotations (see the
    module docstring for what is optimised). Everyone is seated exactly once per
    rotation; the metrics say how well it went, ``rule_breaks`` included (non-zero
    only when no seating can keep the rules, e.g. a manager and report at one table)."""
    if rounds < 1:
        raise ValueError("an event has at least one rotation")
    t0 = time.perf_counter()
    n = len(people)
    sizes = table_sizes(n, table_size)
    rng = random.Random(seed)
    codes: dict[str, int] = {}
    dept = [codes.setdefault(p.department, len(codes)) if p.department else -1 for p in people]
    table = _construct(dept, sizes, rounds, rng)
    search = _Search(
        dept=dept,
        apart=_apart_sets(people, blocked),
        table=[row[:] for row in table],
        members=[[[] for _ in sizes] for _ in range(rounds)],
        meet=[{} for _ in range(n)],
        depts=[[{} for _ in sizes] for _ in range(rounds)],
        rng=rng,
    )
    search.reseat(table)
    patience = 500 + n * rounds
    search.repair(steps=max(20 * n * rounds, 3_000), patience=patience)
    search.mix(steps=max(3 * n * rounds, 2_000), patience=300)
    if search.troubled():
        search.repair(steps=max(20 * n * rounds, 3_000), patience=patience)
    if len(sizes) == 2 and search.cost >= _RULE:
        _seat_two_tables_exactly(search, sizes, patience)
    plan = MixerPlan(
        rounds=[[[people[p].id for p in sorted(g)] for g in tables] for tables in search.members]
    )
    plan.metrics = plan_metrics(plan, people, blocked=blocked)
    plan.metrics["seconds"] = round(time.perf_counter() - t0, 3)
    return plan


def _seat_two_tables_exactly(search: _Search, sizes: list[int], patience: int) -> None:
    """Two tables and a rule still broken: the swap search can miss a seating that keeps
    the rules, because with two tables the rules are a balanced two-colouring. Each
    rotation that breaks a rule is reseated by an exact one (``two_table_split``) when
    one exists, then the search lowers repeats and mixes departments again, which never
    brings a break back (a break outweighs any number of repeats). When no split exists
    the break is certain, not a miss, and the plan reports it."""
    table = [row[:] for row in search.table]
    changed = False
    for r, tables in enumerate(search.members):
        if not any(search.apart[p] & set(members) for members in tables for p in members):
            continue
        split = two_table_split(search.apart, sizes, search.rng)
        if split is not None:
            table[r] = split
            changed = True
    if not changed:
        return
    search.reseat(table)
    n, rounds = search.n, len(table)
    search.repair(steps=max(20 * n * rounds, 3_000), patience=patience)
    search.mix(steps=max(3 * n * rounds, 2_000), patience=300)


def two_table_split(
    apart: Sequence[set[int]], sizes: Sequence[int], rng: random.Random
) -> list[int] | None:
    """A seating at two tables of ``sizes`` where nobody sits with anyone in their
    ``apart`` set, as ``table[p]`` (0 or 1), or None when none exists.

    Exact: the people who must be apart form a graph that has to be two-coloured (None
    if it has an odd cycle); each connected part can go either way round, so the
    question is whether some choice of sides adds up to ``sizes[0]`` at table 0, a
    subset sum over the parts solved with one bitset per part (O(n^2 / 64)). Parts are
    taken in a random order, so another seed gives another split."""
    n = len(apart)
    colour = [-1] * n
    parts: list[tuple[list[int], list[int]]] = []
    for start in range(n):
        if colour[start] >= 0:
            continue
        colour[start] = 0
        sides: tuple[list[int], list[int]] = ([start], [])
        stack = [start]
        while stack:
            p = stack.pop()
            for q in apart[p]:
                if colour[q] < 0:
                    colour[q] = 1 - colour[p]
                    sides[colour[q]].append(q)
                    stack.append(q)
                elif colour[q] == colour[p]:
                    return None
        parts.append(sides)
    rng.shuffle(parts)
    reach = [1]  # bit s of reach[i]: the first i parts can put s people at table 0
    for a, b in parts:
        reach.append((reach[-1] << len(a)) | (reach[-1] << len(b)))
    target = sizes[0]
    if not reach[-1] >> target & 1:
        return None
    table = [1] * n
    for i in range(len(parts), 0, -1):
        a, b = parts[i - 1]
        first, second = (a, b) if rng.random() < 0.5 else (b, a)
        at_zero = (
            first if target >= len(first) and reach[i - 1] >> (target - len(first)) & 1 else second
        )
        for p in at_zero:
            table[p] = 0
        target -= len(at_zero)
    return table


def plan_metrics(
    plan: MixerPlan, people: Sequence[Person], *, blocked: Iterable[tuple[str, str]] = ()
) -> dict[str, Any]:
    """The figures of a plan, computed from the plan itself: repeated pairs, kernel
    rule breaks (every pair at every table asked again), department mixing."""
    index = {p.id: k for k, p in enumerate(people)}
    dept = [p.department for p in people]
    together: dict[tuple[int, int], int] = {}
    distinct: list[int] = []
    same = 0
    rules = Rules(size=2, mode="virtual", cooldown_weeks=0)
    c = build_cohort(people, blocked=blocked, rules=rules, weights=Weights(), on=_ON)
    ii: list[int] = []
    jj: list[int] = []
    for tables in plan.rounds:
        for ids in tables:
            group = sorted(index[x] for x in ids)
            distinct.append(len({dept[p] for p in group if dept[p]}))
            for k, u in enumerate(group):
                for v in group[k + 1 :]:
                    together[(u, v)] = together.get((u, v), 0) + 1
                    same += bool(dept[u]) and dept[u] == dept[v]
                    ii.append(u)
                    jj.append(v)
    breaks: list[tuple[str, str]] = []
    if ii:
        bad = ~pair_ok(c, np.asarray(ii), np.asarray(jj), group_level=True)
        breaks = [(people[ii[k]].id, people[jj[k]].id) for k in np.flatnonzero(bad).tolist()]
    sizes = sorted({len(ids) for tables in plan.rounds for ids in tables})
    return {
        "people": len(people),
        "rounds": len(plan.rounds),
        "tables": len(plan.rounds[0]) if plan.rounds else 0,
        "table_sizes": sizes,
        "repeated_pairs": sum(1 for v in together.values() if v >= 2),
        "rule_breaks": len(breaks),
        "rule_break_pairs": breaks[:20],
        "same_department_pairs": same,
        "mean_departments_per_table": round(sum(distinct) / len(distinct), 2) if distinct else 0,
    }


def plan_csv(plan: MixerPlan) -> str:
    """PLAN.csv: ``round,table,person_id``, one row per seat, both numbered from 1."""
    lines = ["round,table,person_id"]
    for r, t, pid in plan.seats():
        cell = '"' + pid.replace('"', '""') + '"' if any(ch in pid for ch in ',"\r\n') else pid
        lines.append(f"{r},{t},{cell}")
    return "\r\n".join(lines) + "\r\n"
