"""Properties of ``match`` over random rosters: every hard rule, exactly-once placement,
determinism per seed, the group-size rule, and nobody left out who could be placed."""

from __future__ import annotations

import numpy as np
import rustworkx as rx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosspaths.matching import Rules, hard_rule_problems, match, plan_sizes
from crosspaths.matching.features import build_cohort
from crosspaths.matching.rules import pair_ok
from crosspaths.matching.types import Weights

from .helpers import ON, rosters

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_round(people, history, blocked, rules, seed=0):  # type: ignore[no-untyped-def]
    result = match(people, history=history, blocked=blocked, rules=rules, on=ON, seed=seed)
    by_id = {p.id: p for p in people}
    for g in result.groups:
        problems = hard_rule_problems(
            [by_id[m] for m in g.members], history=history, blocked=blocked, rules=rules, on=ON
        )
        assert problems == [], (g.members, problems)
    placed = [m for g in result.groups for m in g.members]
    left = [x.person_id for x in result.left_out]
    assert sorted(placed + left) == sorted(p.id for p in people)
    assert len(set(placed)) == len(placed)
    assert result.metrics["hard_rule_violations"] == 0
    assert all(x.text and x.code for x in result.left_out)
    if rules.size == 2:
        assert result.metrics["dropped_by_final_check"] == 0
    return result


@FAST
@given(rosters(), st.sampled_from(["virtual", "in-person"]))
def test_pairs_never_break_a_hard_rule_and_place_everyone_exactly_once(roster, mode):  # type: ignore[no-untyped-def]
    people, history, blocked = roster
    _check_round(people, history, blocked, Rules(size=2, mode=mode))


@FAST
@given(rosters(max_size=30), st.sampled_from([3, 4]), st.sampled_from(["virtual", "in-person"]))
def test_groups_never_break_a_hard_rule_and_place_everyone_exactly_once(roster, size, mode):  # type: ignore[no-untyped-def]
    people, history, blocked = roster
    result = _check_round(people, history, blocked, Rules(size=size, mode=mode))
    assert all(2 <= len(g.members) <= size + 1 for g in result.groups)


@FAST
@given(rosters(), st.integers(0, 3))
def test_it_gives_the_same_groups_for_the_same_input_and_seed(roster, seed):  # type: ignore[no-untyped-def]
    people, history, blocked = roster
    a = match(people, history=history, blocked=blocked, on=ON, seed=seed)
    b = match(people, history=history, blocked=blocked, on=ON, seed=seed)
    assert [g.members for g in a.groups] == [g.members for g in b.groups]
    assert a.left_out == b.left_out


@FAST
@given(rosters(min_size=2))
def test_it_leaves_nobody_out_whom_a_maximum_matching_would_place(roster):  # type: ignore[no-untyped-def]
    people, history, blocked = roster
    rules = Rules()
    c = build_cohort(
        people, history=history, blocked=blocked, rules=rules, weights=Weights(), on=ON
    )
    a, b = np.triu_indices(c.n, 1)
    ok = pair_ok(c, a.astype(np.int64), b.astype(np.int64))
    g = rx.PyGraph()
    g.add_nodes_from(range(c.n))
    g.add_edges_from_no_data(list(zip(a[ok].tolist(), b[ok].tolist(), strict=True)))
    most = 2 * len(rx.max_weight_matching(g, max_cardinality=True))
    result = match(people, history=history, blocked=blocked, rules=rules, on=ON)
    assert result.metrics["placed"] >= most


@given(st.integers(0, 400), st.integers(2, 8))
def test_group_sizes_follow_the_rule_for_every_count(n, size):  # type: ignore[no-untyped-def]
    sizes = plan_sizes(n, size)
    assert sum(sizes) == (n if n >= 2 else 0)
    assert all(s >= 2 for s in sizes)
    q, r = divmod(n, size)
    if n >= 2 and r == 0:
        assert set(sizes) == {size}
    elif n >= 2 and r <= q:  # groups of size+1 possible: exactly r of them
        assert sorted(sizes) == [size] * (q - r) + [size + 1] * r
    elif n >= 2 and size >= 3 and size - r <= q + 1:  # else the fewest of size-1
        assert sizes.count(size - 1) == size - r
        assert set(sizes) <= {size - 1, size}


def test_leftovers_get_a_new_group_from_members_that_full_groups_can_spare():
    from crosspaths.matching.leftovers import place_leftovers

    from .helpers import person

    people = [person(f"p{k}") for k in range(11)]
    c = build_cohort(people, rules=Rules(size=4), weights=Weights(), on=ON)
    groups = place_leftovers(c, [list(range(5)), list(range(5, 10))], [10])
    assert sorted(len(g) for g in groups) == [3, 4, 4]
    assert sorted(m for g in groups for m in g) == list(range(11))
