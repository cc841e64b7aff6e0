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

from typing import Any

import numpy as np
import numpy.typing as npt

from .features import Cohort, IntArray
from .metrics import group_scores
from .rules import block_pair_ok, groups_ok, table_of

EXACT_MAX_PEOPLE = 30  # a class of at most this many people is solved exactly
MAX_CANDIDATES = 40_000  # more candidate groups than this: leave the search's answer
# Branch-and-bound nodes, not seconds, bound each programme, so the answer does not
# depend on the machine's load (match stays deterministic); the time limits are only
# a safety net.
MOST_NODES = 5_000  # the most-people programme (measured: well under 1 s)
SCORE_NODES = 200  # then the best score among those: the incumbent after this many
SAFETY_SECONDS = 30.0


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
    # scipy is imported here, not at the top: loading scipy.optimize costs ~0.5 s of
    # CPU and ~35 MB (measured in bench/matching.py) and only small rounds with
    # someone left out come here.
    from scipy.optimize import LinearConstraint
    from scipy.sparse import csc_array

    scores, _ = group_scores(c, cands)
    lengths = np.asarray([len(g) for g in cands], dtype=np.float64)
    pos = {int(p): k for k, p in enumerate(members.tolist())}
    rows = [pos[m] for g in cands for m in g]
    cols = [k for k, g in enumerate(cands) for _ in g]
    packing = LinearConstraint(
        csc_array((np.ones(len(rows)), (rows, cols)), shape=(members.size, len(cands))), 0, 1
    )
    # Most people placed, the score a tie-break worth under half a person in total.
    # Proving the score part optimal too took seconds (HiGHS, 23 people), so the
    # relative gap lets the score be short of its best by up to half a person's worth,
    # never a person: a solution placing one fewer is at least 0.5 below the optimum.
    weight = 0.5 * scores / (float(np.maximum(scores, 0).sum()) + 1.0)
    gap = 0.4 / (members.size + 1)
    x = _solve(-(lengths + weight), [packing], gap=gap, nodes=MOST_NODES)
    if x is None:
        return None
    return [cands[k] for k in np.flatnonzero(x > 0.5).tolist()]


def _solve(
    cost: npt.NDArray[np.float64],
    constraints: list[Any],
    *,
    gap: float,
    nodes: int,
) -> npt.NDArray[np.float64] | None:
    """A 0/1 programme: the best solution found within ``nodes``, or None."""
    from scipy.optimize import Bounds, milp

    res = milp(
        cost,
        integrality=np.ones(cost.size),
        bounds=Bounds(0, 1),
        constraints=constraints,
        options={"node_limit": nodes, "time_limit": SAFETY_SECONDS, "mip_rel_gap": gap},
    )
    if res.x is None or res.status not in (0, 1):
        return None
    return np.asarray(res.x, dtype=np.float64)


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
