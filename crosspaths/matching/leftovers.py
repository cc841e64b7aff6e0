"""After the search: take apart any group that breaks a rule, then place whoever is
still without a group where every rule holds. Placing people comes before sizes."""

from __future__ import annotations

import numpy as np

from .features import Cohort, pair_scores
from .rules import group_ok, groups_ok, may_join, pair_ok, problem_count, table_of


def drop_rule_breakers(c: Cohort, groups: list[list[int]]) -> tuple[list[list[int]], list[int]]:
    """Take people out of rule-breaking groups until each group keeps every rule.

    Removes, one at a time, the member whose leaving fixes the most; a group that
    cannot be fixed down to two people is dissolved. The search only leaves such
    groups when the people in them have no valid arrangement in their block.
    """
    if not groups:
        return groups, []
    ok = groups_ok(c, table_of(groups, c.n))
    dropped: list[int] = []
    for k in np.flatnonzero(~ok).tolist():
        g = list(groups[k])
        while len(g) >= 2 and not group_ok(c, g):
            best = min(g, key=lambda m: problem_count(c, [x for x in g if x != m]))
            g.remove(best)
            dropped.append(best)
        if len(g) < 2 or not group_ok(c, g):
            dropped.extend(g)
            g = []
        groups[k] = g
    return [g for g in groups if g], dropped


def place_leftovers(c: Cohort, groups: list[list[int]], unplaced: list[int]) -> list[list[int]]:
    """Put unplaced people into groups with room (up to size + 1) where every rule
    holds, best score first; then make new groups of at least max(2, size - 1) from
    those still unplaced who may all meet. Never breaks a rule."""
    if not unplaced:
        return groups
    size = c.rules.size
    others = set(unplaced)
    for p in unplaced:
        if not groups:
            break
        t = table_of(groups, c.n)
        ok = may_join(c, np.int64(p), t)  # type: ignore[arg-type]  # a numpy scalar where the rule takes an array: it broadcasts
        if not ok.any():
            continue
        real = t != c.n
        safe = np.where(real, t, 0)
        gain = np.where(real, pair_scores(c, np.full(t.shape, p), safe), 0.0).sum(axis=1)
        k = int(np.argmax(np.where(ok, gain, -np.inf)))
        groups[k] = [*groups[k], p]
        others.discard(p)
    smallest = max(2, size - 1)
    rest = [p for p in unplaced if p in others]
    # Then a new group around each one, taking members from groups that can spare
    # them (a group minus a member keeps every rule, so only the new group is checked).
    for p in list(rest):
        if not groups:
            break
        t = table_of(groups, c.n)
        real = t != c.n
        spare = real.sum(axis=1) - smallest
        safe = np.where(real, t, 0)
        fits = real & pair_ok(c, np.int64(p), safe) & (spare[:, None] > 0)  # type: ignore[arg-type]  # a numpy scalar where the rule takes an array: it broadcasts
        if fits.sum() < smallest - 1:
            continue
        gain = pair_scores(c, np.full(t.shape, p), safe)
        rows, cols = np.nonzero(fits)
        gains = gain[rows, cols]
        group, taken, left = [p], [], spare.copy()
        open_ = np.ones(rows.size, dtype=bool)
        while len(group) < smallest and open_.any():
            # From the group that can spare most, the best-scoring member that fits.
            rank = np.where(open_ & (left[rows] > 0), left[rows] * 1e6 + gains, -np.inf)
            k = int(np.argmax(rank))
            if not np.isfinite(rank[k]):
                break
            open_[k] = False
            g, m = int(rows[k]), int(t[rows[k], cols[k]])
            if may_join(c, np.int64(m), table_of([group], c.n))[0]:  # type: ignore[arg-type]  # a numpy scalar where the rule takes an array: it broadcasts
                group.append(m)
                taken.append((g, m))
                left[g] -= 1
        if len(group) < smallest:
            continue
        for g, m in taken:
            groups[g] = [x for x in groups[g] if x != m]
        groups.append(group)
        rest.remove(p)
    while len(rest) >= smallest:
        group = [rest[0]]
        for q in rest[1:]:
            if len(group) == size:
                break
            if may_join(c, np.int64(q), table_of([group], c.n))[0]:  # type: ignore[arg-type]  # a numpy scalar where the rule takes an array: it broadcasts
                group.append(q)
        if len(group) >= smallest:
            groups.append(group)
            rest = [p for p in rest if p not in group]
        else:
            rest = rest[1:]
    return groups
