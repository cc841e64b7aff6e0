"""Exact grouping for small rounds: nobody left out whom some valid arrangement places.

The local search in ``groups.py`` can strand someone in a small, tightly constrained
roster (a language only three people share, a time zone at the edge) where a
deeper rearrangement would place them. Below ``EXACT_MAX_PEOPLE`` people a class is
small enough to solve exactly: every valid group of ``max(2, size - 1)`` to
``size + 1`` members is listed (cliques of the pair rules, then the kernel's group
check), and a set-packing integer programme (``scipy.optimize.milp``, HiGHS) picks
disjoint groups placing the most people, then with the highest score.
"""

from __future__ import annotations

import numpy as np

from .features import Cohort, IntArray
from .metrics import group_scores
from .rules import block_pair_ok, groups_ok, table_of

EXACT_MAX_PEOPLE = 30  # a class of at most this many people is solved exactly
MAX_CANDIDATES = 40_000  # more candidate groups than this: leave the search's answer
TIME_LIMIT = 20.0  # seconds for one programme (measured worst: 6.6 s for a whole round)
NODES = 2000  # branch-and-bound nodes for the people-then-score programme


def candidate_groups(c: Cohort, members: IntArray, lo: int, hi: int) -> list[list[int]] | None:
    """Every group of ``lo``..``hi`` of ``members`` that keeps every hard rule, or None
    when there are more than ``MAX_CANDIDATES`` cliques to look at.

    Every pair of a valid group keeps the pair rules and, on its own, the language
    and hours rules, so groups are grown as cliques of that pair graph; the group
    rules (a language common to all, one common window) are then checked by the
    kernel on all of them at once.
    """
    adj = block_pair_ok(c, members)
    b = members.size
    nbrs = [set(np.flatnonzero(adj[k]).tolist()) for k in range(b)]
    found: list[list[int]] = []

    def grow(group: list[int], cand: set[int]) -> bool:
        if len(group) >= lo:
            found.append(group)
            if len(found) > MAX_CANDIDATES:
                return False
        if len(group) == hi:
            return True
        return all(grow([*group, k], {x for x in cand if x > k} & nbrs[k]) for k in sorted(cand))

    for k in range(b):
        if not grow([k], {x for x in nbrs[k] if x > k}):
            return None
    if not found:
        return []
    groups = [[int(members[k]) for k in g] for g in found]
    keep = groups_ok(c, table_of(groups, c.n))
    return [g for g, ok in zip(groups, keep.tolist(), strict=True) if ok]


def exact_groups(c: Cohort, members: IntArray) -> list[list[int]] | None:
    """Disjoint valid groups of ``members`` placing the most people, then scoring
    highest; None when the class is too large or the solver gives no proven answer."""
    size = c.rules.size
    if members.size > EXACT_MAX_PEOPLE or members.size < 2:
        return None
    cands = candidate_groups(c, members, max(2, size - 1), size + 1)
    if cands is None:
        return None
    if not cands:
        return []
    # scipy is imported here: loading it costs every CLI run ~0.5 s of CPU and ~35 MB
    # (bench/matching.py --quick), and only small rounds with someone left out come here.
    from scipy.optimize import Bounds, LinearConstraint, milp  # noqa: PLC0415 - start-up cost
    from scipy.sparse import csc_array  # noqa: PLC0415 - start-up cost, as above

    scores, _ = group_scores(c, cands)
    lengths = np.asarray([len(g) for g in cands], dtype=np.float64)
    pos = {int(p): k for k, p in enumerate(members.tolist())}
    rows = [pos[m] for g in cands for m in g]
    cols = [k for k, g in enumerate(cands) for _ in g]
    incidence = csc_array((np.ones(len(rows)), (rows, cols)), shape=(members.size, len(cands)))
    packing = LinearConstraint(incidence, 0, 1)
    common = {"integrality": np.ones(len(cands)), "bounds": Bounds(0, 1)}
    # One programme for both: one more person placed outweighs any difference in score.
    # A node limit (not only a clock) ends it, so the answer does not depend on load.
    big = float(np.maximum(scores, 0).max()) * (members.size // 2 + 1) + 1.0
    res = milp(
        -(big * lengths + scores),
        constraints=packing,
        options={"node_limit": NODES, "time_limit": TIME_LIMIT, "mip_rel_gap": 0.0},
        **common,
    )
    if res.status == 0 and res.x is not None:
        return [cands[k] for k in np.flatnonzero(res.x > 0.5).tolist()]
    # Not proven: the most people placed from a count-only programme, which has few
    # distinct values and is proven quickly; the first programme's best packing is kept
    # when it places as many (it scores better).
    found = None if res.x is None else np.flatnonzero(res.x > 0.5).tolist()
    count = milp(-lengths, constraints=packing, options={"time_limit": TIME_LIMIT}, **common)
    if count.status != 0 or count.x is None:
        return None if found is None else [cands[k] for k in found]
    best = np.flatnonzero(count.x > 0.5).tolist()
    if found is not None and lengths[found].sum() >= lengths[best].sum():
        best = found
    return [cands[k] for k in best]


def improve_small_classes(c: Cohort, groups: list[list[int]]) -> list[list[int]]:
    """For each small class (a location in person, everyone virtually) in which someone
    has no group, replace its groups by the exact answer when that places more people."""
    placed = np.zeros(c.n, dtype=bool)
    for g in groups:
        placed[g] = True
    if c.mode == "in-person":
        classes = [np.flatnonzero(c.loc == v) for v in np.unique(c.loc)]
    else:
        classes = [np.arange(c.n, dtype=np.int64)]
    for members in classes:
        if members.size > EXACT_MAX_PEOPLE or placed[members].all():
            continue
        better = exact_groups(c, members.astype(np.int64))
        if better is None or sum(map(len, better)) <= int(placed[members].sum()):
            continue
        inside = set(members.tolist())
        groups = [g for g in groups if g[0] not in inside] + better
    return groups
