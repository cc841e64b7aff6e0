"""The measurement hold-out: a round's held-out pairs are never in one group (pairs and
groups, both engine paths), the choice of pairs is stable and about the share asked
for, and the independent checker names a held-out pair."""

from __future__ import annotations

from itertools import combinations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosspaths.matching import Person, Rules, hard_rule_problems, match
from crosspaths.matching.holdout import held_out, person_hashes

from .helpers import ON, rosters

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _is_held_out(a: str, b: str, rules: Rules) -> bool:
    h = person_hashes([a, b])
    return bool(held_out(h[0], h[1], share=rules.holdout_share, seed=rules.holdout_seed))


@FAST
@given(rosters(), st.sampled_from([2, 3]), st.sampled_from([0.2, 0.5]), st.integers(1, 10**6))
def test_held_out_pairs_are_never_in_one_group(roster, size, share, seed):  # type: ignore[no-untyped-def]
    people, history, blocked = roster
    rules = Rules(size=size, holdout_share=share, holdout_seed=seed)
    result = match(people, history=history, blocked=blocked, rules=rules, on=ON, seed=seed)
    by_id = {p.id: p for p in people}
    for g in result.groups:
        for a, b in combinations(g.members, 2):
            assert not _is_held_out(a, b, rules), (a, b)
        problems = hard_rule_problems(
            [by_id[m] for m in g.members], history=history, blocked=blocked, rules=rules, on=ON
        )
        assert problems == [], problems
    placed = sorted(m for g in result.groups for m in g.members)
    left = sorted(x.person_id for x in result.left_out)
    assert sorted(placed + left) == sorted(p.id for p in people)


def test_about_the_share_asked_for_is_held_out_and_the_same_every_time():
    ids = [str(i) for i in range(400)]
    h = person_hashes(ids)
    a, b = np.triu_indices(len(ids), 1)
    mask = held_out(h[a], h[b], share=0.1, seed=42)
    assert 0.09 < mask.mean() < 0.11
    assert np.array_equal(mask, held_out(h[b], h[a], share=0.1, seed=42))  # symmetric
    assert np.array_equal(mask, held_out(person_hashes(ids)[a], h[b], share=0.1, seed=42))
    other = held_out(h[a], h[b], share=0.1, seed=43)
    assert 0.15 < (mask != other).mean() < 0.2  # another round holds other pairs out
    assert not held_out(h[a], h[b], share=0.0, seed=42).any()


def test_a_round_that_holds_everything_out_places_nobody_and_says_so():
    people = [Person(id=str(i), name=f"P{i}", department=f"D{i % 3}") for i in range(10)]
    result = match(people, rules=Rules(holdout_share=1.0, holdout_seed=7), on=ON)
    assert result.groups == []
    assert len(result.left_out) == 10


def test_the_checker_names_a_held_out_pair():
    people = [Person(id=str(i), name=f"P{i}") for i in range(40)]
    rules = Rules(holdout_share=0.5, holdout_seed=3)
    pair = next((p, q) for p, q in combinations(people, 2) if _is_held_out(p.id, q.id, rules))
    problems = hard_rule_problems(list(pair), rules=rules, on=ON)
    assert [p.code for p in problems] == ["held_out_pair"]
    assert "held out of this round for measurement" in problems[0].text
