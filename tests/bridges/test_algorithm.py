"""The bridge's pairing (crosspaths.matching.bridges): never within a team, only with
common working hours, rotating until every cross pair met once, and 0 hard-rule
problems over random rosters."""

from __future__ import annotations

from datetime import timedelta
from itertools import product

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosspaths.matching import PastGroup, Rules, hard_rule_problems
from crosspaths.matching.bridges import bridge_match, bridge_record, coverage, cross_pairs
from tests.matching.helpers import ON, person, rosters

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _team(prefix: str, n: int, **kw: object) -> list:  # type: ignore[type-arg]
    return [person(f"{prefix}{k}", **kw) for k in range(n)]


def _sides(people, label):  # type: ignore[no-untyped-def]
    return {p.id: label for p in people}


def test_it_pairs_only_across_teams_one_to_one() -> None:
    berlin = _team("b", 3)
    lisbon = _team("l", 3, timezone="Europe/Lisbon")
    result = bridge_match(
        berlin + lisbon, sides={**_sides(berlin, "Berlin"), **_sides(lisbon, "Lisbon")}, on=ON
    )
    assert len(result.groups) == 3
    for g in result.groups:
        assert len(g.members) == 2
        assert {m[0] for m in g.members} == {"b", "l"}
        assert g.reasons[0].code == "team_bridge"
        assert g.reasons[0].params == {"teams": ["Berlin", "Lisbon"]}
    assert result.left_out == []


def test_the_larger_side_sits_out_and_goes_first_next_round() -> None:
    small = _team("s", 2)
    big = _team("g", 3)
    sides = {**_sides(small, "Small"), **_sides(big, "Big")}
    first = bridge_match(small + big, sides=sides, on=ON)
    assert len(first.groups) == 2
    [out] = first.left_out
    assert out.code == "other_side_full"
    # Next round the one who sat out has waited: they are placed.
    waited = [person(p.id, waited_rounds=1) if p.id == out.person_id else p for p in small + big]
    history = [PastGroup(ON, g.members) for g in first.groups]
    second = bridge_match(waited, sides=sides, bridge_history=history, on=ON + timedelta(7))
    assert out.person_id in {m for g in second.groups for m in g.members}


def test_people_without_common_hours_are_reported_not_matched() -> None:
    tokyo = _team("t", 2, timezone="Asia/Tokyo", location="Tokyo")
    new_york = _team("n", 2, timezone="America/New_York", location="New York")
    berlin = _team("b", 1)
    sides = {**_sides(tokyo, "Tokyo"), **_sides(new_york, "New York"), **_sides(berlin, "Berlin")}
    result = bridge_match(tokyo + new_york + berlin, sides=sides, on=ON)
    for g in result.groups:
        assert {m[0] for m in g.members} != {"t", "n"}
    codes = {x.person_id: x.code for x in result.left_out}
    # Tokyo (00-08 UTC) overlaps neither New York (14-22) nor Berlin (08-16): reported.
    # Berlin and New York overlap two hours: one pair, the other New Yorker sits out.
    assert [sorted(g.members) for g in result.groups] in ([["b0", "n0"]], [["b0", "n1"]])
    assert codes["t0"] == codes["t1"] == "no_time_overlap"
    assert sorted(codes.values()).count("other_side_full") == 1


def test_a_person_with_nobody_in_reach_gets_the_engines_reason() -> None:
    tokyo = _team("t", 1, timezone="Asia/Tokyo")
    new_york = _team("n", 1, timezone="America/New_York")
    result = bridge_match(
        tokyo + new_york, sides={**_sides(tokyo, "T"), **_sides(new_york, "N")}, on=ON
    )
    assert result.groups == []
    assert {x.code for x in result.left_out} == {"no_time_overlap"}


def test_someone_outside_the_bridges_teams_is_left_out() -> None:
    a, b, c = person("a"), person("b"), person("c")
    result = bridge_match([a, b, c], sides={"a": "A", "b": "B"}, on=ON)
    assert [(x.person_id, x.code) for x in result.left_out] == [("c", "not_in_bridge")]


def test_it_rotates_until_every_cross_pair_met_once_then_starts_a_new_lap() -> None:
    a_side = _team("a", 3)
    b_side = _team("b", 4)
    sides = {**_sides(a_side, "A"), **_sides(b_side, "B")}
    people = a_side + b_side
    history: list[PastGroup] = []
    waited = dict.fromkeys(sides, 0)
    day = ON
    rounds = 0
    while coverage(sides, bridge_record(history))[0] < 12:
        roster = [person(p.id, waited_rounds=waited[p.id]) for p in people]
        result = bridge_match(roster, sides=sides, bridge_history=history, on=day, seed=rounds)
        for g in result.groups:
            assert frozenset(g.members) not in bridge_record(history), "repeat before lap end"
            history.append(PastGroup(day, g.members))
        for x in result.left_out:
            waited[x.person_id] += 1
        for g in result.groups:
            for m in g.members:
                waited[m] = 0
        day += timedelta(days=7)
        rounds += 1
        assert rounds <= 8
    # 3 x 4 = 12 cross pairs, 3 a round: four rounds are the minimum.
    assert rounds == 4
    assert coverage(sides, bridge_record(history)) == (12, 12)
    # The next lap: every pair has met once, so pairs repeat now, met longest ago first.
    nxt = bridge_match(people, sides=sides, bridge_history=history, on=day)
    assert len(nxt.groups) == 3
    earliest = {frozenset(h.members) for h in history if h.date == ON}
    assert {frozenset(g.members) for g in nxt.groups} == earliest


def test_coverage_counts_only_cross_pairs_of_current_members() -> None:
    sides = {"a": "A", "b": "A", "c": "B"}
    assert cross_pairs(sides) == [("a", "c"), ("b", "c")]
    record = bridge_record([PastGroup(ON, ("a", "c")), PastGroup(ON, ("x", "c"))])
    assert coverage(sides, record) == (1, 2)


def test_it_never_pairs_a_manager_with_a_report_across_teams() -> None:
    boss = person("boss", team="A")
    report = person("rep", manager_id="boss")
    result = bridge_match([boss, report], sides={"boss": "A", "rep": "B"}, on=ON)
    assert result.groups == []
    assert {x.code for x in result.left_out} == {"no_valid_partner"}


@FAST
@given(rosters(min_size=2, max_size=24), st.integers(2, 4), st.integers(0, 3))
def test_every_pair_keeps_every_hard_rule_and_never_stays_within_a_team(  # type: ignore[no-untyped-def]
    roster, teams, seed
):
    people, history, blocked = roster
    sides = {p.id: f"T{int(p.id[1:]) % teams}" for p in people}
    rules = Rules(size=2, mode="virtual")
    result = bridge_match(
        people,
        sides=sides,
        bridge_history=history,
        history=history,
        blocked=blocked,
        rules=rules,
        on=ON,
        seed=seed,
    )
    by_id = {p.id: p for p in people}
    for g in result.groups:
        assert len(g.members) == 2
        assert sides[g.members[0]] != sides[g.members[1]]
        members = [by_id[m] for m in g.members]
        assert (
            hard_rule_problems(members, history=history, blocked=blocked, rules=rules, on=ON) == []
        )
    placed = [m for g in result.groups for m in g.members]
    assert sorted(placed + [x.person_id for x in result.left_out]) == sorted(by_id)
    assert result.metrics["dropped_by_final_check"] == 0
    # Maximum cardinality: nobody reported "other side full" could still have been
    # paired with another left-out person on a different side.
    left = {x.person_id for x in result.left_out if x.code == "other_side_full"}
    for a, b in product(sorted(left), repeat=2):
        if a < b and sides[a] != sides[b]:
            assert hard_rule_problems(
                [by_id[a], by_id[b]], history=history, blocked=blocked, rules=rules, on=ON
            ), (a, b)
