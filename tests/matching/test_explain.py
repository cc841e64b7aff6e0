"""hard_rule_problems and explain_group: what the HR console shows for hand edits."""

from __future__ import annotations

from datetime import date, timedelta

from crosspaths.matching import PastGroup, Rules, explain_group, hard_rule_problems

from .helpers import ALICE, BOB, CHIDI, ON, person


def _codes(problems):  # type: ignore[no-untyped-def]
    return [p.code for p in problems]


def test_a_valid_group_has_no_problems():
    assert hard_rule_problems([ALICE, CHIDI], on=ON) == []


def test_it_names_the_manager_and_the_report():
    (p,) = hard_rule_problems([ALICE, BOB], on=ON)
    assert p.code == "manager_and_report"
    assert p.text == "Alice is Bob's manager"
    assert p.params == {"manager": "alice", "report": "bob"}


def test_it_names_a_blocked_pair_in_either_direction():
    (p,) = hard_rule_problems([ALICE, CHIDI], blocked=[("chidi", "alice")], on=ON)
    assert p.code == "blocked_pair" and "Alice" in p.text and "Chidi" in p.text


def test_it_says_when_two_people_met_within_the_cooldown():
    met = ON - timedelta(weeks=2)
    history = [PastGroup(date=met, members=("alice", "chidi", "zed"))]
    (p,) = hard_rule_problems([ALICE, CHIDI], history=history, on=ON)
    assert p.code == "met_recently"
    assert met.isoformat() in p.text and "12-week" in p.text


def test_it_checks_a_common_language_for_the_whole_group():
    people = [
        person("a", languages=frozenset({"de", "en"})),
        person("b", languages=frozenset({"en", "ja"})),
        person("c", languages=frozenset({"ja", "de"})),
    ]
    assert _codes(hard_rule_problems(people, rules=Rules(size=3), on=ON)) == ["no_shared_language"]


def test_it_reports_working_hours_that_do_not_overlap():
    ny = person("ny", name="Nia", timezone="America/New_York", location="New York")
    tk = person("tk", name="Taro", timezone="Asia/Tokyo", location="Tokyo")
    (p,) = hard_rule_problems([ny, tk], on=ON)
    assert p.code == "no_time_overlap"
    assert "Nia" in p.text and "Taro" in p.text and "0 minutes" in p.text


def test_in_person_groups_must_share_a_location_and_sizes_are_checked():
    munich = person("m", location="Munich")
    codes = _codes(hard_rule_problems([CHIDI, munich], rules=Rules(mode="in-person"), on=ON))
    assert codes == ["different_locations"]
    assert _codes(hard_rule_problems([CHIDI], on=ON)) == ["group_too_small"]
    five = [person(f"p{k}") for k in range(4)]
    assert _codes(hard_rule_problems(five, on=ON)) == ["group_too_large"]


def test_it_explains_and_scores_a_hand_made_group():
    new = person(
        "new",
        name="Nora",
        department="Sales",
        start_date=ON - timedelta(days=20),
        interests=frozenset({"chess"}),
    )
    old = person(
        "old",
        name="Olaf",
        department="Legal",
        start_date=date(2010, 1, 1),
        interests=frozenset({"chess", "tea"}),
    )
    score, reasons = explain_group([new, old], on=ON)
    codes = {r.code: r for r in reasons}
    assert codes["shared_interests"].params == {"interests": ["chess"]}
    assert codes["new_hire_welcome"].params == {"new_hires": ["Nora"], "tenured": ["Olaf"]}
    assert "first_meeting" in codes and "different_departments" in codes
    # 10 departments + 5 never met + 2 teams? (no teams) + 1 interest + 1 new hire.
    assert score == 10 + 5 + 1 + 1


def test_organizer_orders_match_organizer_order_per_group():
    """The array version orders every group as the per-group one does (start date,
    then longest wait, then roster order first; the rest in roster order), and sorts
    the groups by their organizer's roster position."""
    import random

    from crosspaths.matching.explain import organizer_order, organizer_orders

    rnd = random.Random(7)
    people = [
        person(
            f"p{k:02d}",
            start_date=rnd.choice([None, date(2020, 1, 1), date(2021, 6, 1), date(2024, 3, 1)]),
            waited_rounds=rnd.choice([0, 0, 1, 2]),
        )
        for k in range(40)
    ]
    order = list(range(40))
    rnd.shuffle(order)
    groups = [
        order[k : k + s]
        for k, s in zip(range(0, 40, 4), [2, 3, 4, 4, 3, 2, 4, 3, 4, 4], strict=True)
    ]
    groups = [g for g in groups if g]
    position = {p.id: k for k, p in enumerate(people)}
    expected = [organizer_order([people[x] for x in g], position) for g in groups]
    expected.sort(key=lambda g: position[g[0].id])
    assert [[people[x] for x in g] for g in organizer_orders(groups, people)] == expected
    assert organizer_orders([], people) == []


def test_round_reasons_give_each_group_what_group_reasons_gives():
    """The per-combination words of a whole round equal the per-group function's,
    for groups of 2 to 4 with shared departments, teams, places, levels, interests,
    new hires, tenured people and people who waited (both modes)."""
    import random

    from crosspaths.matching.explain import group_reasons, round_reasons
    from crosspaths.matching.features import build_cohort
    from crosspaths.matching.metrics import group_scores
    from crosspaths.matching.types import Weights

    rnd = random.Random(11)
    people = [
        person(
            f"p{k:02d}",
            name=rnd.choice(["", f"Name {k}"]),
            department=rnd.choice(["", "Sales", "Legal", "Ops"]),
            team=rnd.choice(["", "A", "B"]),
            location=rnd.choice(["", "Berlin", "Tokyo"]),
            level=rnd.choice([None, 1, 2, 4, 6]),
            start_date=rnd.choice([None, ON - timedelta(days=10), date(2020, 1, 1)]),
            interests=frozenset(rnd.sample(["chess", "go", "tea", "jazz"], rnd.randint(0, 3))),
            waited_rounds=rnd.choice([0, 0, 0, 2]),
        )
        for k in range(60)
    ]
    order = list(range(60))
    rnd.shuffle(order)
    groups, pos = [], 0
    while pos < 60:
        size = rnd.choice([2, 3, 4])
        groups.append(order[pos : pos + size])
        pos += size
    groups = [g for g in groups if len(g) >= 2]
    history = [PastGroup(date=ON - timedelta(weeks=30), members=("p00", "p01", "p02", "p03"))]
    for mode in ("virtual", "in-person"):
        rules = Rules(size=3, mode=mode)
        c = build_cohort(people, history=history, rules=rules, weights=Weights(), on=ON)
        _, first = group_scores(c, groups)
        got = round_reasons(c, groups, first.tolist(), rules=rules, weights=Weights(), on=ON)
        expected = [
            group_reasons(
                [people[x] for x in g], first_meeting=bool(f), rules=rules, weights=Weights(), on=ON
            )
            for g, f in zip(groups, first.tolist(), strict=True)
        ]
        assert got == expected
