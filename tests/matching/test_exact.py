"""Small, tight rosters (issue 16, point 9): in groups of 3-4, nobody is left out whom
a valid group could take. Judged by the independent checker, not by the kernel."""

from __future__ import annotations

import datetime
import os
from itertools import combinations

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csc_array

from crosspaths.matching import PastGroup, Person, Rules, hard_rule_problems, match

from .helpers import ON, rosters


def left_out_with_a_valid_group(
    people: list[Person],
    history: list[PastGroup],
    blocked: list[tuple[str, str]],
    rules: Rules,
    left: list[str],
) -> list[str]:
    """Left-out people for whom some group of max(2, size-1)..size+1 keeps every rule
    (looked at alone, ignoring everyone else's group), by exhaustive search over
    cliques of ``hard_rule_problems``-valid pairs."""

    def ok(members: list[Person]) -> bool:
        return not hard_rule_problems(members, history=history, blocked=blocked, rules=rules, on=ON)

    lo, hi = max(2, rules.size - 1), rules.size + 1
    by_id = {p.id: p for p in people}
    out = []
    for pid in left:
        me = by_id[pid]
        partners = [q for q in people if q.id != pid and ok([me, q])]
        found = False
        for k in range(lo - 1, hi):
            for others in combinations(partners, k):
                if ok([me, *others]):
                    found = True
                    break
            if found:
                break
        if found:
            out.append(pid)
    return out


def most_placeable(
    people: list[Person],
    history: list[PastGroup],
    blocked: list[tuple[str, str]],
    rules: Rules,
) -> int:
    """The most people any arrangement of disjoint groups of size-1..size+1 places:
    every such group ``hard_rule_problems`` accepts (grown member by member; a group
    breaking a rule other than its size has no valid superset), then the largest
    set packing by an integer programme."""

    def problems(members: list[Person]) -> set[str]:
        found = hard_rule_problems(members, history=history, blocked=blocked, rules=rules, on=ON)
        return {r.code for r in found} - {"group_too_small"}

    lo, hi = max(2, rules.size - 1), rules.size + 1
    n = len(people)
    groups: list[list[int]] = []

    def grow(group: list[int]) -> None:
        if len(group) >= lo:
            groups.append(group)
        if len(group) == hi:
            return
        for j in range(group[-1] + 1, n):
            if not problems([people[k] for k in (*group, j)]):
                grow([*group, j])

    for k in range(n):
        grow([k])
    if not groups:
        return 0
    rows = [k for g in groups for k in g]
    cols = [c for c, g in enumerate(groups) for _ in g]
    packing = csc_array((np.ones(len(rows)), (rows, cols)), shape=(n, len(groups)))
    sizes = np.asarray([len(g) for g in groups], dtype=np.float64)
    res = milp(
        -sizes,
        integrality=np.ones(len(groups)),
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(packing, 0, 1),
        options={"mip_rel_gap": 0.0},
    )
    assert res.status == 0
    return round(-res.fun)


# The measurement of 2025-11 (docs/matching.md): hypothesis seed 12345, 300 rosters of
# 6-30 people, groups of 3-4, both modes; then 120 of 416 left-out people had a group.
# Two runs of 300 rosters drawn this way (hypothesis seed 12345, yet the draws differed:
# 5,339 and 5,349 people) through bench/small_rosters.py's judge found 0 people short
# of the optimum, with main's engine and this one. The roster once placing 23 of 24 here was most likely the
# exact step's 20 s time limit under load (one score-and-count programme, not proven in
# time, so no answer at all); the count is now proven on its own first (exact.py).
@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("CROSSPATHS_EXHAUSTIVE") != "1",
    reason="a 7-minute measurement, not part of the default run: CROSSPATHS_EXHAUSTIVE=1",
)
@seed(12345)
@settings(
    max_examples=300,
    deadline=None,
    database=None,
    phases=[Phase.generate],  # no shrinking: minutes on these rosters
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    rosters(min_size=6, max_size=30),
    st.sampled_from([3, 4]),
    st.sampled_from(["virtual", "in-person"]),
)
def test_small_tight_rosters_leave_out_only_people_no_arrangement_could_place(roster, size, mode):  # type: ignore[no-untyped-def]
    people, history, blocked = roster
    rules = Rules(size=size, mode=mode)
    result = match(people, history=history, blocked=blocked, rules=rules, on=ON)
    left = [x.person_id for x in result.left_out]
    if left_out_with_a_valid_group(people, history, blocked, rules, left):
        # Someone out could be in a group: only when placing them strands others, so
        # no arrangement of groups of size-1..size+1 places more (the engine may also
        # use a pair where a location has too few people for more).
        assert result.metrics["placed"] >= most_placeable(people, history, blocked, rules)


@seed(20261201)
@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    rosters(min_size=6, max_size=10),
    st.sampled_from([3, 4]),
    st.sampled_from(["virtual", "in-person"]),
)
def test_tiny_rosters_place_as_many_as_brute_force_finds(roster, size, mode):  # type: ignore[no-untyped-def]
    # The exact step against brute force (every valid group by the independent checker,
    # then the largest packing): on rosters this small every class is solved exactly,
    # so nobody is left out whom some arrangement would place.
    people, history, blocked = roster
    rules = Rules(size=size, mode=mode)
    result = match(people, history=history, blocked=blocked, rules=rules, on=ON)
    # (>=: where a location has too few people for size-1, the engine still makes a pair)
    assert result.metrics["placed"] >= most_placeable(people, history, blocked, rules)
    for g in result.groups:
        members = [p for p in people if p.id in g.members]
        assert not hard_rule_problems(members, history=history, blocked=blocked, rules=rules, on=ON)


def test_it_places_as_many_as_any_arrangement_where_the_search_alone_left_one_out():
    # Found by hypothesis against the search alone (before the exact step): 16 people,
    # groups of 4, virtual; one person was left out whom a rearrangement places.
    people = [
        Person(
            id="p0",
            name="P0",
            department="A",
            team="t1",
            location="New York",
            level=None,
            manager_id="",
            start_date=datetime.date(2025, 3, 14),
            timezone="America/New_York",
            languages=frozenset({"en"}),
            interests=frozenset(),
            waited_rounds=0,
        ),
        Person(
            id="p1",
            name="P1",
            department="A",
            team="t1",
            location="Berlin",
            level=None,
            manager_id="",
            start_date=datetime.date(2025, 11, 24),
            timezone="",
            languages=frozenset({"en"}),
            interests=frozenset({"tea", "running", "chess"}),
            waited_rounds=0,
        ),
        Person(
            id="p2",
            name="P2",
            department="A",
            team="t1",
            location="Berlin",
            level=None,
            manager_id="p0",
            start_date=datetime.date(2025, 2, 27),
            timezone="Europe/Berlin",
            languages=frozenset({"en"}),
            interests=frozenset({"tea", "running", "chess"}),
            waited_rounds=0,
        ),
        Person(
            id="p3",
            name="P3",
            department="A",
            team="t1",
            location="Berlin",
            level=None,
            manager_id="p0",
            start_date=datetime.date(2024, 7, 2),
            timezone="Europe/Berlin",
            languages=frozenset({"en"}),
            interests=frozenset({"chess"}),
            waited_rounds=0,
        ),
        Person(
            id="p4",
            name="P4",
            department="A",
            team="t1",
            location="Tokyo",
            level=None,
            manager_id="p0",
            start_date=datetime.date(2022, 2, 23),
            timezone="Asia/Tokyo",
            languages=frozenset({"en"}),
            interests=frozenset({"tea", "running", "chess"}),
            waited_rounds=0,
        ),
        Person(
            id="p5",
            name="P5",
            department="A",
            team="t1",
            location="Berlin",
            level=None,
            manager_id="p0",
            start_date=datetime.date(2022, 12, 20),
            timezone="Europe/Berlin",
            languages=frozenset({"en"}),
            interests=frozenset(),
            waited_rounds=0,
        ),
        Person(
            id="p6",
            name="P6",
            department="A",
            team="t1",
            location="Berlin",
            level=None,
            manager_id="",
            start_date=datetime.date(2024, 3, 15),
            timezone="Europe/Berlin",
            languages=frozenset({"en"}),
            interests=frozenset({"tea", "running", "chess"}),
            waited_rounds=0,
        ),
        Person(
            id="p7",
            name="P7",
            department="A",
            team="t1",
            location="Berlin",
            level=None,
            manager_id="",
            start_date=datetime.date(2025, 10, 6),
            timezone="Europe/Berlin",
            languages=frozenset({"en"}),
            interests=frozenset({"chess"}),
            waited_rounds=0,
        ),
        Person(
            id="p8",
            name="P8",
            department="A",
            team="t2",
            location="Berlin",
            level=3,
            manager_id="p0",
            start_date=datetime.date(2025, 1, 28),
            timezone="Europe/Berlin",
            languages=frozenset({"en"}),
            interests=frozenset(),
            waited_rounds=2,
        ),
        Person(
            id="p9",
            name="P9",
            department="C",
            team="t2",
            location="Berlin",
            level=None,
            manager_id="p5",
            start_date=datetime.date(2025, 6, 12),
            timezone="Europe/Berlin",
            languages=frozenset({"en", "de"}),
            interests=frozenset(),
            waited_rounds=0,
        ),
        Person(
            id="p10",
            name="P10",
            department="",
            team="t1",
            location="Tokyo",
            level=1,
            manager_id="",
            start_date=datetime.date(2025, 11, 24),
            timezone="Asia/Tokyo",
            languages=frozenset({"en"}),
            interests=frozenset({"tea", "running", "chess"}),
            waited_rounds=1,
        ),
        Person(
            id="p11",
            name="P11",
            department="C",
            team="t1",
            location="Berlin",
            level=1,
            manager_id="p6",
            start_date=datetime.date(2024, 1, 17),
            timezone="Europe/Berlin",
            languages=frozenset({"en", "ja"}),
            interests=frozenset({"tea", "running", "chess"}),
            waited_rounds=1,
        ),
        Person(
            id="p12",
            name="P12",
            department="B",
            team="t1",
            location="Berlin",
            level=5,
            manager_id="",
            start_date=datetime.date(2025, 2, 14),
            timezone="Europe/Berlin",
            languages=frozenset({"de"}),
            interests=frozenset({"tea", "running", "chess"}),
            waited_rounds=0,
        ),
        Person(
            id="p13",
            name="P13",
            department="A",
            team="t2",
            location="Berlin",
            level=3,
            manager_id="p3",
            start_date=datetime.date(2024, 11, 24),
            timezone="",
            languages=frozenset({"ja"}),
            interests=frozenset(),
            waited_rounds=2,
        ),
        Person(
            id="p14",
            name="P14",
            department="B",
            team="t2",
            location="Tokyo",
            level=1,
            manager_id="",
            start_date=datetime.date(2025, 11, 24),
            timezone="",
            languages=frozenset(),
            interests=frozenset(),
            waited_rounds=0,
        ),
        Person(
            id="p15",
            name="P15",
            department="C",
            team="",
            location="New York",
            level=3,
            manager_id="p6",
            start_date=datetime.date(2024, 7, 12),
            timezone="America/New_York",
            languages=frozenset(),
            interests=frozenset({"tea", "running"}),
            waited_rounds=0,
        ),
    ]
    history = [
        PastGroup(date=datetime.date(2025, 8, 25), members=("p3", "p6", "p8", "p15")),
        PastGroup(date=datetime.date(2025, 8, 25), members=("p6", "p4")),
        PastGroup(date=datetime.date(2025, 8, 4), members=("p9", "p10", "p0", "p2")),
        PastGroup(date=datetime.date(2025, 11, 3), members=("p11", "p6", "p5")),
        PastGroup(date=datetime.date(2025, 4, 28), members=("p10", "p4", "p7", "p3")),
        PastGroup(date=datetime.date(2025, 11, 17), members=("p9", "p1", "p14", "p6")),
        PastGroup(date=datetime.date(2025, 7, 7), members=("p9", "p15", "p3")),
        PastGroup(date=datetime.date(2025, 5, 12), members=("p5", "p8")),
        PastGroup(date=datetime.date(2025, 9, 29), members=("p3", "p5", "p15")),
        PastGroup(date=datetime.date(2025, 10, 6), members=("p5", "p13", "p11")),
        PastGroup(date=datetime.date(2025, 6, 9), members=("p13", "p2", "p6")),
        PastGroup(date=datetime.date(2025, 11, 10), members=("p13", "p3")),
        PastGroup(date=datetime.date(2025, 8, 18), members=("p14", "p6", "p11", "p1")),
    ]
    blocked = [("p12", "p11"), ("p6", "p5")]
    rules = Rules(size=4, mode="virtual")
    result = match(people, history=history, blocked=blocked, rules=rules, on=ON)
    assert result.metrics["placed"] == most_placeable(people, history, blocked, rules)
