"""The figures of a round (Result.metrics, REPORT.json) and each group's score."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .features import BoolArray, Cohort, FloatArray, IntArray, contains, pair_keys, pair_scores
from .rules import groups_ok, table_of
from .types import LeftOut


def group_pairs(t: IntArray, dummy: int) -> tuple[IntArray, IntArray, IntArray]:
    """Every within-group pair of a padded table: (group index, i, j)."""
    width = t.shape[1]
    a, b = np.triu_indices(width, 1)
    gi = np.repeat(np.arange(t.shape[0]), a.size)
    i = t[:, a].ravel()
    j = t[:, b].ravel()
    real = (i != dummy) & (j != dummy)
    return gi[real], i[real], j[real]


def group_rule_breaks(c: Cohort, groups: Sequence[Sequence[int]]) -> BoolArray:
    """Per group: does it break any hard rule? (The kernel over all groups at once.)"""
    if not groups:
        return np.zeros(0, dtype=bool)
    return ~groups_ok(c, table_of([list(g) for g in groups], c.n))


def group_scores(c: Cohort, groups: Sequence[Sequence[int]]) -> tuple[FloatArray, BoolArray]:
    """Each group's score (its pairs' scores plus its members' waiting bonus) and whether
    its members meet for the first time, vectorised over all groups."""
    dummy = c.n
    if not groups:
        return np.zeros(0), np.zeros(0, dtype=bool)
    t = table_of([list(g) for g in groups], dummy)
    gi, i, j = group_pairs(t, dummy)
    met = contains(c.met_keys, pair_keys(i, j, c.n))
    s = pair_scores(c, i, j, met=met)
    scores = np.bincount(gi, weights=s, minlength=len(groups))
    bonus = np.concatenate([c.node_bonus, [0.0]])[t].sum(axis=1)
    met_any = np.bincount(gi, weights=met.astype(float), minlength=len(groups)) > 0
    return np.asarray(scores + bonus), np.asarray(~met_any)


def round_metrics(
    c: Cohort,
    groups: list[list[int]],
    scores: FloatArray,
    left: list[LeftOut],
    eligible: int,
) -> dict[str, Any]:
    """The figures of a round (see docs/matching.md for each key)."""
    dummy = c.n
    t = table_of(groups, dummy) if groups else np.zeros((0, 2), dtype=np.int64)
    _, i, j = group_pairs(t, dummy)
    met = contains(c.met_keys, pair_keys(i, j, c.n))

    def share(codes: IntArray) -> float | None:
        known = (codes[i] >= 0) & (codes[j] >= 0)
        if not known.any():
            return None
        return round(float((codes[i] != codes[j])[known].mean()), 4)

    sizes: dict[str, int] = {}
    for g in groups:
        sizes[str(len(g))] = sizes.get(str(len(g)), 0) + 1
    placed = sum(len(g) for g in groups)
    # Repeats a random grouping of the same sizes would make, on average.
    history_pairs = 0
    if c.met_keys.size and placed >= 2:
        in_round = np.zeros(c.n, dtype=bool)
        in_round[t[t != dummy]] = True
        history_pairs = int((in_round[c.met_keys // c.n] & in_round[c.met_keys % c.n]).sum())
    together = sum(len(g) * (len(g) - 1) for g in groups)
    expected = history_pairs * together / (placed * (placed - 1)) if placed >= 2 else 0.0
    same_dept = (c.dept[i] >= 0) & (c.dept[i] == c.dept[j])
    objective = float(scores.sum())
    return {
        "people": eligible,
        "placed": placed,
        "left_out": [{"id": x.person_id, "code": x.code, "reason": x.text} for x in left],
        "groups": len(groups),
        "group_sizes": dict(sorted(sizes.items(), key=lambda kv: int(kv[0]))),
        "pairs_in_groups": int(i.size),
        "repeats": int(met.sum()),
        "repeats_avoided": round(max(0.0, expected - float(met.sum())), 1),
        "same_department_pairs": int(same_dept.sum()),
        "cross_department_share": share(c.dept),
        "cross_location_share": share(c.loc),
        "cross_team_share": share(c.team),
        "objective": round(objective, 2),
        "mean_score": round(objective / len(groups), 3) if groups else 0.0,
        "hard_rule_violations": int(group_rule_breaks(c, groups).sum()),
    }
