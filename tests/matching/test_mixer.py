"""The event mixer engine: everyone once per rotation, table sizes, rules, no repeats."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date
from itertools import combinations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.rosters import make_roster
from crosspaths.matching import Person
from crosspaths.matching.mixer import (
    MixerPlan,
    _apart_sets,
    mix,
    plan_csv,
    table_sizes,
    two_table_split,
)

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ON = date(2025, 11, 24)


def _repeats(plan: MixerPlan) -> int:
    seen = Counter(
        frozenset(pair) for tables in plan.rounds for ids in tables for pair in combinations(ids, 2)
    )
    return sum(1 for v in seen.values() if v >= 2)


@st.composite
def events(
    draw: st.DrawFn, managers: bool = True
) -> tuple[list[Person], int, int, list[tuple[str, str]]]:
    """A roster with departments (and managers unless ``managers=False``), a table size,
    rotations, and blocked pairs forming a matching (each person in at most one). Without
    managers a seating that keeps the rules always exists once there are two tables;
    with managers it may not (a manager with many reports and only two tables)."""
    k = draw(st.integers(2, 8))
    n = draw(st.integers(2 * k + 2, 60))
    depts = draw(st.integers(1, 6))
    people: list[Person] = []
    for i in range(n):
        boss = draw(st.one_of(st.none(), st.integers(0, i - 1))) if i and managers else None
        people.append(
            Person(
                id=f"p{i}",
                department=f"D{draw(st.integers(0, depts - 1))}",
                manager_id="" if boss is None else f"p{boss}",
            )
        )
    order = draw(st.permutations(range(n)))
    pairs = draw(st.integers(0, n // 4))
    blocked = [(f"p{order[2 * j]}", f"p{order[2 * j + 1]}") for j in range(pairs)]
    return people, k, draw(st.integers(1, 4)), blocked


@FAST
@given(events(), st.integers(0, 3))
def test_it_seats_everyone_once_per_rotation_at_tables_of_k_or_one_off(event, seed):  # type: ignore[no-untyped-def]
    people, k, rounds, blocked = event
    plan = mix(people, table_size=k, rounds=rounds, blocked=blocked, seed=seed)
    assert len(plan.rounds) == rounds
    ids = sorted(p.id for p in people)
    for tables in plan.rounds:
        assert sorted(x for t in tables for x in t) == ids
        sizes = [len(t) for t in tables]
        assert sorted(sizes) == sorted(table_sizes(len(people), k))
        assert max(sizes) - min(sizes) <= 1
        if len(people) >= k * (k - 1):  # then K+1 tables for the remainder always fit
            assert all(abs(s - k) <= 1 for s in sizes)


def _together(plan: MixerPlan, people: list[Person], blocked: list[tuple[str, str]]) -> int:
    """Pairs the rules keep apart (blocked, manager and report) that share a table."""
    apart = {frozenset(b) for b in blocked}
    apart |= {frozenset((p.id, p.manager_id)) for p in people if p.manager_id}
    return sum(
        1
        for tables in plan.rounds
        for ids in tables
        for pair in combinations(ids, 2)
        if frozenset(pair) in apart
    )


@FAST
@given(events(managers=False), st.integers(0, 3))
def test_it_never_seats_a_blocked_pair_together_when_a_seating_exists(event, seed):  # type: ignore[no-untyped-def]
    people, k, rounds, blocked = event
    plan = mix(people, table_size=k, rounds=rounds, blocked=blocked, seed=seed)
    assert _together(plan, people, blocked) == 0
    assert plan.metrics["rule_breaks"] == 0


@FAST
@given(events(), st.integers(0, 3))
def test_a_pair_kept_apart_at_one_table_is_always_reported(event, seed):  # type: ignore[no-untyped-def]
    # With managers, a seating that keeps every rule may not exist (one table, or two
    # tables and a manager with more reports than fit at the other); the plan then says
    # how many pairs break a rule, and the CLI exits 1 writing nothing.
    people, k, rounds, blocked = event
    plan = mix(people, table_size=k, rounds=rounds, blocked=blocked, seed=seed)
    assert plan.metrics["rule_breaks"] == _together(plan, people, blocked)


def _rule_keeping_split_exists(people: list[Person], blocked: list[tuple[str, str]]) -> bool:
    """Brute force over every way to fill the first of two tables."""
    ids = [p.id for p in people]
    apart = {frozenset(b) for b in blocked}
    apart |= {frozenset((p.id, p.manager_id)) for p in people if p.manager_id}
    first = table_sizes(len(people), (len(people) + 1) // 2)[0]
    for chosen in combinations(ids, first):
        rest = set(ids) - set(chosen)
        if not any(
            frozenset(pair) in apart for side in (chosen, rest) for pair in combinations(side, 2)
        ):
            return True
    return False


def _keeps_rules(people: list[Person], blocked: list[tuple[str, str]], split: list[int]) -> bool:
    """A seating at two tables (``split[p]`` is 0 or 1) of the right sizes that seats no
    pair the rules keep apart: the certificate checked without the code under test."""
    apart = {frozenset(b) for b in blocked}
    apart |= {frozenset((p.id, p.manager_id)) for p in people if p.manager_id}
    sides = [[p.id for p, t in zip(people, split, strict=True) if t == s] for s in (0, 1)]
    sizes = table_sizes(len(people), (len(people) + 1) // 2)
    return sorted(map(len, sides)) == sorted(sizes) and not any(
        frozenset(pair) in apart for side in sides for pair in combinations(side, 2)
    )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.integers(0, 3))
def test_at_two_tables_it_breaks_a_rule_only_when_no_seating_keeps_them(data, seed):  # type: ignore[no-untyped-def]
    # The gap this closes: a few managers with many reports at two tables, where the
    # swap search missed rule-keeping seatings (6 in 3,000 random events of 10-60).
    n = data.draw(st.integers(4, 40))
    people = [
        Person(
            id=f"p{i}",
            department=f"D{data.draw(st.integers(0, 3))}",
            manager_id=(
                f"p{data.draw(st.integers(0, min(i, 3) - 1))}"
                if i and data.draw(st.booleans())
                else ""
            ),
        )
        for i in range(n)
    ]
    blocked = [
        (f"p{a}", f"p{b}")
        for a, b in data.draw(
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3)
        )
        if a != b
    ]
    k = (n + 1) // 2
    assert len(table_sizes(n, k)) == 2
    rounds = data.draw(st.integers(1, 3))
    plan = mix(people, table_size=k, rounds=rounds, blocked=blocked, seed=seed)
    split = two_table_split(_apart_sets(people, blocked), table_sizes(n, k), random.Random(seed))
    if split is not None:
        assert _keeps_rules(people, blocked, split)
        assert plan.metrics["rule_breaks"] == 0
    else:
        assert plan.metrics["rule_breaks"] > 0
        if n <= 16:
            assert not _rule_keeping_split_exists(people, blocked)


def test_two_table_split_finds_the_one_balanced_seating_a_star_allows():
    # A manager with 5 reports among 10 people: the only rule-keeping seating puts the
    # manager with the 4 others and the 5 reports at the other table.
    people = [Person(id="m", department="A")]
    people += [Person(id=f"r{i}", department="B", manager_id="m") for i in range(5)]
    people += [Person(id=f"o{i}", department="C") for i in range(4)]
    for seed in range(5):
        plan = mix(people, table_size=5, rounds=2, seed=seed)
        assert plan.metrics["rule_breaks"] == 0
        for tables in plan.rounds:
            reports = next(t for t in tables if "r0" in t)
            assert sorted(reports) == [f"r{i}" for i in range(5)]


def test_table_sizes_use_the_fewest_tables_off_k():
    assert table_sizes(200, 8) == [8] * 25
    assert table_sizes(203, 8) == [9] * 3 + [8] * 22  # 3 tables of 9, not 5 of 7
    assert table_sizes(197, 8) == [8] * 22 + [7] * 3  # 3 tables of 7, not 5 of 9
    assert table_sizes(9, 8) == [9]
    assert table_sizes(0, 8) == []


def test_it_seats_200_at_tables_of_8_for_3_rotations_with_no_repeat():
    people = make_roster(200, seed=3, on=ON)
    plan = mix(people, table_size=8, rounds=3, seed=1)
    assert _repeats(plan) == 0 == plan.metrics["repeated_pairs"]
    assert plan.metrics["rule_breaks"] == 0


def test_it_seats_1000_at_tables_of_10_for_4_rotations_with_no_repeat():
    people = make_roster(1000, seed=3, on=ON)
    plan = mix(people, table_size=10, rounds=4, seed=1)
    assert _repeats(plan) == 0 == plan.metrics["repeated_pairs"]
    assert plan.metrics["rule_breaks"] == 0


def test_it_mixes_departments_about_as_well_as_their_sizes_allow():
    # 4 departments of 10 at 10 tables of 4: every table can have all four.
    people = [Person(id=f"p{i}", department=f"D{i % 4}") for i in range(40)]
    plan = mix(people, table_size=4, rounds=3, seed=0)
    assert plan.metrics["mean_departments_per_table"] >= 3.9
    assert _repeats(plan) == 0


def test_it_is_the_same_plan_for_the_same_seed_and_another_for_another():
    people = make_roster(120, seed=3, on=ON)
    a = mix(people, table_size=6, rounds=3, seed=5).rounds
    assert a == mix(people, table_size=6, rounds=3, seed=5).rounds
    assert a != mix(people, table_size=6, rounds=3, seed=6).rounds


def test_it_reports_a_break_it_cannot_avoid_with_one_table():
    people = [Person(id="boss"), Person(id="report", manager_id="boss"), Person(id="x")]
    plan = mix(people, table_size=4, rounds=1)
    assert plan.metrics["rule_breaks"] == 1
    assert plan.metrics["rule_break_pairs"] == [("boss", "report")]


def test_plan_csv_quotes_ids_a_spreadsheet_would_split():
    plan = MixerPlan(rounds=[[["a,b", "c"]]])
    assert plan_csv(plan) == 'round,table,person_id\r\n1,1,"a,b"\r\n1,1,c\r\n'
