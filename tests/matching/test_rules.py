"""The rule kernel (``rules.py``): its vectorised forms agree with its scalar form, the
search's graded form agrees with it, and it agrees with the independent checker."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosspaths.matching import Rules, Weights, hard_rule_problems, match
from crosspaths.matching.features import build_cohort
from crosspaths.matching.groups import _block_arrays, _State
from crosspaths.matching.pairs import trio_ok
from crosspaths.matching.rules import (
    block_pair_ok,
    group_ok,
    groups_ok,
    hours_ok,
    hours_shortfall,
    language_ok,
    language_shortfall,
    may_join,
    pair_ok,
    speaks,
    table_of,
)

from .helpers import ON, rosters

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MODES = st.sampled_from(["virtual", "in-person"])


@st.composite
def roster_with_groups(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    """A random roster and random groups of 1 to 6 of its people (overlapping freely)."""
    people, history, blocked = draw(rosters(min_size=2, max_size=20))
    n = len(people)
    groups = draw(
        st.lists(
            st.lists(st.integers(0, n - 1), min_size=1, max_size=min(6, n), unique=True),
            min_size=1,
            max_size=25,
        )
    )
    return people, history, blocked, groups


@FAST
@given(roster_with_groups(), MODES, st.integers(2, 5))
def test_the_kernel_agrees_with_the_independent_checker_on_random_groups(data, mode, size):  # type: ignore[no-untyped-def]
    people, history, blocked, groups = data
    rules = Rules(size=size, mode=mode)
    c = build_cohort(
        people, history=history, blocked=blocked, rules=rules, weights=Weights(), on=ON
    )
    kernel = groups_ok(c, table_of(groups, c.n)).tolist()
    for g, ok in zip(groups, kernel, strict=True):
        members = [people[k] for k in g]
        problems = hard_rule_problems(members, history=history, blocked=blocked, rules=rules, on=ON)
        assert ok == (problems == []), ([p.id for p in members], problems)


@FAST
@given(roster_with_groups(), MODES, st.integers(2, 5))
def test_the_vectorised_forms_agree_with_the_scalar_form(data, mode, size):  # type: ignore[no-untyped-def]
    people, history, blocked, groups = data
    rules = Rules(size=size, mode=mode)
    c = build_cohort(
        people, history=history, blocked=blocked, rules=rules, weights=Weights(), on=ON
    )
    table = table_of(groups, c.n)
    at_once = groups_ok(c, table).tolist()
    assert at_once == [group_ok(c, g) for g in groups]
    # A person joining: the table form against the scalar check of the bigger group.
    p = groups[0][0]
    joined = may_join(c, np.int64(p), table).tolist()  # type: ignore[arg-type]
    assert joined == [group_ok(c, [*g, p]) for g in groups]
    # The dense block is the pair rule on every pair.
    idx = np.arange(c.n, dtype=np.int64)
    a, b = np.meshgrid(idx, idx, indexing="ij")
    assert (block_pair_ok(c, idx) == pair_ok(c, a, b)).all()
    assert (block_pair_ok(c, idx, group_level=True) == pair_ok(c, a, b, group_level=True)).all()
    for g in groups:
        arr = np.asarray(g, dtype=np.int64)
        # Language: counted per language (the search) or as a bitmask AND (the check).
        counted = language_shortfall(speaks(c, arr).sum(axis=0), arr.size) == 0
        assert bool(counted) == bool(language_ok(np.bitwise_and.reduce(c.lang[arr], axis=0)))
        # Hours: the group's common window is long enough iff every pair's is (equal
        # working windows), so the pairwise form the search uses is exact.
        whole = hours_ok(c.start_utc[arr].max(), c.end_utc[arr].min(), rules)
        i, j = np.triu_indices(arr.size, 1)
        pairwise = hours_ok(
            np.maximum(c.start_utc[arr[i]], c.start_utc[arr[j]]),
            np.minimum(c.end_utc[arr[i]], c.end_utc[arr[j]]),
            rules,
        ).all()
        assert bool(whole) == bool(pairwise)
        if arr.size == 3:
            assert bool(trio_ok(c, arr[:1], arr[1:2], arr[2:])[0]) == group_ok(c, g)


@FAST
@given(roster_with_groups(), MODES, st.integers(3, 5))
def test_the_searchs_graded_cost_is_zero_exactly_for_groups_the_kernel_accepts(data, mode, size):  # type: ignore[no-untyped-def]
    people, history, blocked, groups = data
    rules = Rules(size=size, mode=mode)
    c = build_cohort(
        people, history=history, blocked=blocked, rules=rules, weights=Weights(), on=ON
    )
    groups = [g for g in groups if 2 <= len(g) <= size + 1]
    if not groups:
        return
    blk = _block_arrays(c, np.arange(c.n, dtype=np.int64))
    state = _State(blk, table_of(groups, c.n))  # block index == cohort index, dummy == n
    breaking = set(state.rule_breaking())
    kernel = groups_ok(c, table_of(groups, c.n)).tolist()
    assert [k not in breaking for k in range(len(groups))] == kernel
    for k, g in enumerate(groups):
        arr = np.asarray(g, dtype=np.int64)
        graded = state.cost[k] == 0
        lang = language_ok(np.bitwise_and.reduce(c.lang[arr], axis=0))
        hours = (
            mode == "in-person"
            or hours_shortfall(c.start_utc[arr].max(), c.end_utc[arr].min(), rules) == 0
        )
        assert bool(graded) == bool(lang and hours)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rosters(max_size=30), MODES, st.integers(2, 5))
def test_no_group_the_engine_makes_has_a_problem_the_independent_checker_finds(roster, mode, size):  # type: ignore[no-untyped-def]
    people, history, blocked = roster
    rules = Rules(size=size, mode=mode)
    result = match(people, history=history, blocked=blocked, rules=rules, on=ON)
    by_id = {p.id: p for p in people}
    for g in result.groups:
        members = [by_id[m] for m in g.members]
        assert (
            hard_rule_problems(members, history=history, blocked=blocked, rules=rules, on=ON) == []
        )


def test_the_independent_checker_does_not_use_the_kernel():
    import ast
    from pathlib import Path

    import crosspaths.matching.check as check

    tree = ast.parse(Path(check.__file__).read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert imported.isdisjoint({"rules", "features", "groups", "pairs", "engine"}), imported


@given(
    st.lists(st.integers(-(10**6), 10**6), min_size=1, max_size=50),
    st.lists(st.integers(0, 10**6), min_size=1, max_size=50),
    st.integers(0, 600),
)
def test_the_graded_hours_rule_is_zero_exactly_where_the_hours_rule_holds(starts, lengths, need):  # type: ignore[no-untyped-def]
    k = min(len(starts), len(lengths))
    start = np.asarray(starts[:k], dtype=np.int64)
    end = start + np.asarray(lengths[:k], dtype=np.int64)
    rules = Rules(min_overlap_minutes=need)
    assert ((hours_shortfall(start, end, rules) == 0) == hours_ok(start, end, rules)).all()
    assert [bool(hours_ok(int(s), int(e), rules)) for s, e in zip(start, end, strict=True)] == (
        hours_ok(start, end, rules).tolist()
    )
