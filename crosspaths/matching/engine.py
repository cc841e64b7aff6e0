"""``match``: one round, from people to groups with reasons, left-out reasons and metrics."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date

import numpy as np

from .exact import improve_small_classes
from .explain import left_out_reasons, organizer_orders, round_reasons
from .features import PastRows, build_cohort
from .groups import GroupSettings, hopeless, match_groups
from .leftovers import drop_rule_breakers, place_leftovers
from .metrics import group_scores, round_metrics
from .pairs import PairSettings, match_pairs
from .types import Group, LeftOut, PastGroup, Person, Result, Rules, Weights


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: the engine and the readers create millions
    of small containers and no cycles, and collections triggered by allocation alone
    cost several seconds at 100,000 people. Restores the previous state.

    Yields
    ------
    None
        Inside the block the collector is off; afterwards it is as before.

    Notes
    -----
    O(1). Nested use is safe (the inner block leaves it off).
    """
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
    history: Sequence[PastGroup] | PastRows = (),
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

    Parameters
    ----------
    people : sequence of Person
        This round's participants, ids unique; their order is the roster order
        (ties for organizer, the order of OUT.csv).
    history : sequence of PastGroup, or PastRows
        Earlier groups (any size; people not in ``people`` are ignored), as values or
        as the history file's columns (``files.read_history_rows``).
    blocked : iterable of (str, str)
        Pairs of ids never to put together, either order.
    rules : Rules
        Group size, mode, cooldown and the other hard rules' knobs.
    weights : Weights
        How much each soft preference counts.
    on : date
        The round's date (cooldown, new hires, time-zone offsets).
    seed : int
        Seed of every random choice; the same input and seed give the same groups.
    pair_settings, group_settings : PairSettings, GroupSettings, optional
        The solvers' knobs (tests and benchmarks); None takes the defaults.

    Returns
    -------
    Result
        ``groups`` (members organizer first, score, reasons), ``left_out`` (each with
        a code and a sentence), ``metrics`` (the REPORT.json figures) and ``timings``.

    Raises
    ------
    ValueError
        When ``rules.size`` is below 2 or two people share an id.

    Notes
    -----
    Pairs: random blocks of 300 matched exactly (blossom, O(B^3) per block), so
    about O(n x 300^2) overall, in worker processes when CPUs allow. Groups of 3+:
    local search on blocks of about 1,200, O(rounds x n) swap evaluations. Reading
    the cohort, reasons and metrics are O(n + history rows). See docs/matching.md.
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
    history: Sequence[PastGroup] | PastRows,
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
        out = hopeless(c, eligible, max(2, rules.size - 1))
        timings["groups_filter"] = time.perf_counter() - t1
        pool = np.setdiff1d(eligible, out)
        groups = match_groups(c, pool, rng, group_settings, timings)
    t2 = time.perf_counter()
    groups, dropped = drop_rule_breakers(c, groups)
    # Whoever the search could not place may still fit a group with room to spare, or
    # a new group: placing people comes before group sizes.
    in_group = np.zeros(c.n, dtype=bool)
    for g in groups:
        in_group[g] = True
    unplaced = np.flatnonzero(~in_group).tolist()
    groups = place_leftovers(c, groups, unplaced)
    if rules.size >= 3:
        # Small classes with someone still out: the exact search (see exact.py).
        t_exact = time.perf_counter()
        groups = improve_small_classes(c, groups)
        timings["groups_exact"] = time.perf_counter() - t_exact
    placed = np.zeros(c.n, dtype=bool)
    for g in groups:
        placed[g] = True
    # cohort index == roster position (build_cohort numbers people in order)
    index_groups = organizer_orders(groups, people)
    scores, first = group_scores(c, index_groups)
    reasons = round_reasons(c, index_groups, first.tolist(), rules=rules, weights=weights, on=on)
    result_groups = [
        Group(members=tuple([ids[x] for x in g]), score=round(s, 2), reasons=r)
        for g, s, r in zip(index_groups, scores.tolist(), reasons, strict=True)
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
    metrics = round_metrics(c, index_groups, scores, left, c.n)
    # People the final rule check took out of a rule-breaking group (0 when the
    # search found a valid arrangement for everyone it placed).
    metrics["dropped_by_final_check"] = len(dropped)
    timings["total"] = time.perf_counter() - t0
    metrics["timings"] = {k: round(v, 4) for k, v in timings.items()}
    return Result(groups=result_groups, left_out=left, metrics=metrics, timings=timings)
