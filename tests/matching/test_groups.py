"""Groups of three or more: sizes, group-level rules, better than random."""

from __future__ import annotations

import random
from datetime import timedelta

from crosspaths.matching import PastGroup, Rules, match

from .helpers import ON, person


def test_it_makes_groups_of_four_with_the_fewest_groups_of_five():
    people = [person(f"p{k}", department=f"D{k % 5}") for k in range(22)]
    result = match(people, rules=Rules(size=4), on=ON)
    assert sorted(len(g.members) for g in result.groups) == [4, 4, 4, 5, 5]
    assert result.left_out == []


def test_it_uses_groups_of_three_when_groups_of_five_cannot_absorb_the_rest():
    people = [person(f"p{k}") for k in range(7)]
    result = match(people, rules=Rules(size=4), on=ON)
    assert sorted(len(g.members) for g in result.groups) == [3, 4]


def test_every_group_shares_one_language_not_just_every_pair():
    # de+en, en+ja and ja+de: every pair shares a language, no trio shares one.
    people = [
        person("a", languages=frozenset({"de", "en"})),
        person("b", languages=frozenset({"en", "ja"})),
        person("c", languages=frozenset({"ja", "de"})),
        person("d", languages=frozenset({"de", "en", "ja"})),
        person("e", languages=frozenset({"de", "en"})),
        person("f", languages=frozenset({"en", "de"})),
    ]
    by_id = {p.id: p for p in people}
    result = match(people, rules=Rules(size=3), on=ON)
    for g in result.groups:
        common = frozenset.intersection(*(by_id[m].languages for m in g.members))
        assert common, g.members
    assert result.metrics["hard_rule_violations"] == 0


def test_virtual_groups_have_a_common_working_hour():
    places = [
        ("Europe/Berlin", "Berlin"),
        ("America/New_York", "New York"),
        ("Asia/Tokyo", "Tokyo"),
    ]
    people = [
        person(
            f"p{k}", timezone=places[k % 3][0], location=places[k % 3][1], department=f"D{k % 4}"
        )
        for k in range(24)
    ]
    result = match(people, rules=Rules(size=4), on=ON)
    assert result.metrics["hard_rule_violations"] == 0
    assert result.metrics["placed"] == 24


def test_in_person_groups_stay_in_one_location():
    people = [person(f"b{k}") for k in range(8)] + [
        person(f"m{k}", location="Munich") for k in range(8)
    ]
    result = match(people, rules=Rules(size=4, mode="in-person"), on=ON)
    for g in result.groups:
        assert len({m[0] for m in g.members}) == 1


def test_it_has_fewer_repeats_and_same_department_pairs_than_random_groups():
    rnd = random.Random(7)
    people = [person(f"p{k}", department=f"D{rnd.randrange(6)}") for k in range(200)]
    ids = [p.id for p in people]
    history = []
    for week in range(1, 13):
        rnd.shuffle(ids)
        history += [
            PastGroup(ON - timedelta(weeks=week + 12), tuple(ids[k : k + 4]))
            for k in range(0, 200, 4)
        ]
    result = match(people, history=history, rules=Rules(size=4), on=ON)
    # Random groups of 4 from 6 departments: about 1/6 of 300 pairs share one.
    assert result.metrics["same_department_pairs"] < 15
    assert result.metrics["repeats"] < 10
    assert result.metrics["placed"] == 200


def test_people_without_a_time_zone_fit_any_virtual_group():
    people = [person(f"n{k}", timezone="") for k in range(3)]
    people.append(person("tk", location="Tokyo", timezone="Asia/Tokyo"))
    result = match(people, rules=Rules(size=4), on=ON)
    assert result.metrics["placed"] == 4


def test_it_reports_who_cannot_join_any_group():
    people = [person(f"b{k}") for k in range(6)]
    people.append(person("hans", name="Hans", languages=frozenset({"de"})))
    result = match(people, rules=Rules(size=3, mode="in-person"), on=ON)
    (out,) = result.left_out
    assert (out.person_id, out.code) == ("hans", "no_shared_language")
    assert out.text == "the only German-only speaker in Berlin"
    assert sorted(len(g.members) for g in result.groups) == [3, 3]
