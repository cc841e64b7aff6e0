"""``match``: one round, from people to groups with reasons, left-out reasons and metrics."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

import numpy as np

from .explain import group_reasons, left_out_reasons, organizer_order
from .features import (
    BoolArray,
    Cohort,
    FloatArray,
    IntArray,
    build_cohort,
    contains,
    pair_keys,
    pair_rules_ok,
    pair_scores,
)
from .groups import GroupSettings, match_groups
from .pairs import PairSettings, match_pairs
from .types import Group, LeftOut, PastGroup, Person, Result, Rules, Weights


def _table(groups: Sequence[Sequence[int]], dummy: int) -> IntArray:
    """Groups as a padded (groups, max size) table; ``dummy`` fills the gaps."""
    width = max((len(g) for g in groups), default=0)
    t = np.full((len(groups), width), dummy, dtype=np.int64)
    for k, g in enumerate(groups):
        t[k, : len(g)] = g
    return t


def _group_pairs(t: IntArray, dummy: int) -> tuple[IntArray, IntArray, IntArray]:
    """Every within-group pair of a padded table: (group index, i, j)."""
    width = t.shape[1]
    a, b = np.triu_indices(width, 1)
    gi = np.repeat(np.arange(t.shape[0]), a.size)
    i = t[:, a].ravel()
    j = t[:, b].ravel()
    real = (i != dummy) & (j != dummy)
    return gi[real], i[real], j[real]


def group_rule_breaks(c: Cohort, groups: Sequence[Sequence[int]]) -> BoolArray:
    """Per group: does it break any hard rule? (Vectorised over all groups.)"""
    if not groups:
        return np.zeros(0, dtype=bool)
    dummy = c.n
    t = _table(groups, dummy)
    gi, i, j = _group_pairs(t, dummy)
    bad = np.zeros(len(groups), dtype=bool)
    pair_bad = ~pair_rules_ok(c, i, j, group_level=True)
    np.logical_or.at(bad, gi[pair_bad], True)
    real = t != dummy
    lang = np.concatenate([c.lang, np.full((1, c.lang.shape[1]), ~np.uint64(0))])
    common = np.bitwise_and.reduce(lang[t], axis=1)
    bad |= ~np.any(common != 0, axis=-1)
    if c.mode == "virtual":
        start = np.where(real, np.concatenate([c.start_utc, [-(10**6)]])[t], -(10**6))
        end = np.where(real, np.concatenate([c.end_utc, [10**6]])[t], 10**6)
        bad |= end.min(axis=1) - start.max(axis=1) < c.rules.min_overlap_minutes
    sizes = real.sum(axis=1)
    bad |= sizes < 2
    return bad


def _hopeless(c: Cohort, eligible: IntArray, min_size: int) -> IntArray:
    """People who cannot be in any group of ``min_size``: too few colleagues in their
    class speak one of their languages, or share their working hours. Cheap counts,
    so it is a necessary condition only; the search handles the rest."""
    out: list[int] = []
    if c.mode == "in-person":
        classes = [eligible[c.loc[eligible] == v] for v in np.unique(c.loc[eligible])]
    else:
        classes = [eligible]
    nlang = max(1, len(c.language_names))
    bit = np.arange(nlang)
    for members in classes:
        words = c.lang[members][:, bit // 64]
        speaks = ((words >> (bit % 64).astype(np.uint64)) & np.uint64(1)).astype(np.int64)
        counts = speaks.sum(axis=0)
        best = np.where(speaks == 1, counts[None, :], 0).max(axis=1)
        bad = best < min_size
        if c.mode == "virtual":
            # Equal-length windows overlap enough iff their starts differ by at most
            # this; people without a time zone fit everyone.
            width = (
                c.rules.work_end_minute - c.rules.work_start_minute - c.rules.min_overlap_minutes
            )
            start = c.start_utc[members]
            known = c.end_utc[members] - start < 2 * (10**6)
            s = np.sort(start[known])
            lo = np.searchsorted(s, start - width, side="left")
            hi = np.searchsorted(s, start + width, side="right")
            fits = np.where(known, hi - lo, s.size) + int((~known).sum())
            bad |= fits < min_size
        out.extend(members[bad].tolist())
    return np.asarray(sorted(out), dtype=np.int64)


def _drop_rule_breakers(c: Cohort, groups: list[list[int]]) -> tuple[list[list[int]], list[int]]:
    """Take people out of rule-breaking groups until each group keeps every rule.

    Removes, one at a time, the member whose leaving fixes the most; a group that
    cannot be fixed down to two people is dissolved. The search only leaves such
    groups when the people in them have no valid arrangement in their block.
    """
    bad = group_rule_breaks(c, groups)
    dropped: list[int] = []
    for k in np.flatnonzero(bad).tolist():
        g = list(groups[k])
        while len(g) >= 2 and group_rule_breaks(c, [g])[0]:
            best = None
            for m in g:
                rest = [x for x in g if x != m]
                score = _problem_count(c, rest)
                if best is None or score < best[0]:
                    best = (score, m)
            assert best is not None
            g.remove(best[1])
            dropped.append(best[1])
        if len(g) < 2 or group_rule_breaks(c, [g])[0]:
            dropped.extend(g)
            g = []
        groups[k] = g
    return [g for g in groups if g], dropped


def _fits(c: Cohort, p: int, t: IntArray) -> BoolArray:
    """For each row of the padded group table ``t`` (dummy = c.n): may ``p`` join it?"""
    dummy = c.n
    real = t != dummy
    safe = np.where(real, t, 0)
    ok = np.where(real, pair_rules_ok(c, np.int64(p), safe, group_level=True), True).all(axis=1)  # type: ignore[arg-type]
    lang = np.concatenate([c.lang, np.full((1, c.lang.shape[1]), ~np.uint64(0))])
    common = np.bitwise_and.reduce(lang[t], axis=1) & c.lang[p]
    ok &= np.any(common != 0, axis=-1)
    if c.mode == "virtual":
        start = np.maximum(np.where(real, c.start_utc[safe], -(10**6)).max(axis=1), c.start_utc[p])
        end = np.minimum(np.where(real, c.end_utc[safe], 10**6).min(axis=1), c.end_utc[p])
        ok &= end - start >= c.rules.min_overlap_minutes
    return np.asarray(ok)


def _place_leftovers(c: Cohort, groups: list[list[int]], unplaced: list[int]) -> list[list[int]]:
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
        t = _table(groups, c.n)
        room = (t != c.n).sum(axis=1) < size + 1
        ok = room & _fits(c, p, t)
        if not ok.any():
            continue
        safe = np.where(t != c.n, t, 0)
        gain = np.where(t != c.n, pair_scores(c, np.full(t.shape, p), safe), 0.0).sum(axis=1)
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
        t = _table(groups, c.n)
        real = t != c.n
        spare = real.sum(axis=1) - smallest
        safe = np.where(real, t, 0)
        fits = real & pair_rules_ok(c, np.int64(p), safe) & (spare[:, None] > 0)  # type: ignore[arg-type]
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
            if _fits(c, m, _table([group], c.n))[0]:
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
            if _fits(c, q, _table([group], c.n))[0]:
                group.append(q)
        if len(group) >= smallest:
            groups.append(group)
            rest = [p for p in rest if p not in group]
        else:
            rest = rest[1:]
    return groups


def _problem_count(c: Cohort, g: list[int]) -> int:
    if len(g) < 2:
        return 0
    arr = np.asarray(g, dtype=np.int64)
    a, b = np.triu_indices(arr.size, 1)
    n = int((~pair_rules_ok(c, arr[a], arr[b], group_level=True)).sum())
    common = np.bitwise_and.reduce(c.lang[arr], axis=0)
    n += int(not np.any(common != 0))
    if c.mode == "virtual":
        n += int(c.end_utc[arr].min() - c.start_utc[arr].max() < c.rules.min_overlap_minutes)
    return n


def _metrics(
    c: Cohort,
    groups: list[list[int]],
    scores: FloatArray,
    left: list[LeftOut],
    eligible: int,
) -> dict[str, Any]:
    """The figures of a round (see docs/matching.md for each key)."""
    dummy = c.n
    t = _table(groups, dummy) if groups else np.zeros((0, 2), dtype=np.int64)
    _, i, j = _group_pairs(t, dummy)
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


def group_scores(c: Cohort, groups: Sequence[Sequence[int]]) -> tuple[FloatArray, BoolArray]:
    """Each group's score (its pairs' scores plus its members' waiting bonus) and whether
    its members meet for the first time, vectorised over all groups."""
    dummy = c.n
    if not groups:
        return np.zeros(0), np.zeros(0, dtype=bool)
    t = _table(groups, dummy)
    gi, i, j = _group_pairs(t, dummy)
    met = contains(c.met_keys, pair_keys(i, j, c.n))
    s = pair_scores(c, i, j, met=met)
    scores = np.bincount(gi, weights=s, minlength=len(groups))
    bonus = np.concatenate([c.node_bonus, [0.0]])[t].sum(axis=1)
    met_any = np.bincount(gi, weights=met.astype(float), minlength=len(groups)) > 0
    return np.asarray(scores + bonus), np.asarray(~met_any)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: the engine and the readers create millions
    of small containers and no cycles, and collections triggered by allocation alone
    cost several seconds at 100,000 people. Restores the previous state."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def match(
    people: Sequence[Person],
    *,
    history: Sequence[PastGroup] = (),
    blocked: Iterable[tuple[str, str]] = (),
    rules: Rules = Rules(),  # noqa: B008 - frozen dataclass, safe as a default
    weights: Weights = Weights(),  # noqa: B008
    on: date,
    seed: int = 0,
    pair_settings: PairSettings | None = None,
    group_settings: GroupSettings | None = None,
) -> Result:
    """Groups for one round: every hard rule kept, the weighted objective near its
    optimum, each person placed exactly once or reported with the reason.

    Deterministic for a given input and ``seed``. Members of each group come with
    the designated organizer first (see ``explain.organizer_order``).
    """
    with gc_paused():
        return _match(
            people,
            history=history,
            blocked=blocked,
            rules=rules,
            weights=weights,
            on=on,
            seed=seed,
            pair_settings=pair_settings,
            group_settings=group_settings,
        )


def _match(
    people: Sequence[Person],
    *,
    history: Sequence[PastGroup],
    blocked: Iterable[tuple[str, str]],
    rules: Rules,
    weights: Weights,
    on: date,
    seed: int,
    pair_settings: PairSettings | None,
    group_settings: GroupSettings | None,
) -> Result:
    if rules.size < 2:
        raise ValueError("the group size must be at least 2")
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    ids = [p.id for p in people]
    if len(set(ids)) != len(ids):
        raise ValueError("person ids must be unique")
    c = build_cohort(people, history=history, blocked=blocked, rules=rules, weights=weights, on=on)
    timings["prepare"] = time.perf_counter() - t0
    rng = np.random.default_rng(seed)
    eligible = np.arange(c.n, dtype=np.int64)
    groups: list[list[int]]
    if rules.size == 2:
        outcome = match_pairs(c, eligible, rng, pair_settings, timings)
        groups = [list(g) for g in outcome.groups]
    else:
        t1 = time.perf_counter()
        hopeless = _hopeless(c, eligible, max(2, rules.size - 1))
        timings["groups_filter"] = time.perf_counter() - t1
        pool = np.setdiff1d(eligible, hopeless)
        groups = match_groups(c, pool, rng, group_settings, timings)
    t2 = time.perf_counter()
    groups, dropped = _drop_rule_breakers(c, groups)
    # Whoever the search could not place may still fit a group with room to spare, or
    # a new group: placing people comes before group sizes.
    unplaced = sorted(set(range(c.n)) - {m for g in groups for m in g})
    groups = _place_leftovers(c, groups, unplaced)
    placed = np.zeros(c.n, dtype=bool)
    for g in groups:
        placed[g] = True
    position = {p.id: k for k, p in enumerate(people)}
    ordered = [organizer_order([people[x] for x in g], position) for g in groups]
    ordered.sort(key=lambda g: position[g[0].id])
    index_groups = [[c.index[p.id] for p in g] for g in ordered]
    scores, first = group_scores(c, index_groups)
    result_groups = [
        Group(
            members=tuple(p.id for p in g),
            score=round(float(s), 2),
            reasons=group_reasons(g, first_meeting=bool(f), rules=rules, weights=weights, on=on),
        )
        for g, s, f in zip(ordered, scores.tolist(), first.tolist(), strict=True)
    ]
    timings["reasons"] = time.perf_counter() - t2
    t3 = time.perf_counter()
    left: list[LeftOut] = []
    missing = np.flatnonzero(~placed)
    for p, (code, text) in zip(
        missing.tolist(), left_out_reasons(c, missing, eligible), strict=True
    ):
        left.append(LeftOut(person_id=people[p].id, code=code, text=text))
    timings["left_out"] = time.perf_counter() - t3
    metrics = _metrics(c, index_groups, scores, left, c.n)
    # People the final rule check took out of a rule-breaking group (0 when the
    # search found a valid arrangement for everyone it placed).
    metrics["dropped_by_final_check"] = len(dropped)
    timings["total"] = time.perf_counter() - t0
    metrics["timings"] = {k: round(v, 4) for k, v in timings.items()}
    return Result(groups=result_groups, left_out=left, metrics=metrics, timings=timings)
