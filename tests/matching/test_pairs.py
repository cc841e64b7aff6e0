"""Pairs, hand-built: the cases the product promises, and the exact optimum on small rosters."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
import rustworkx as rx

from crosspaths.matching import PastGroup, Rules, Weights, match
from crosspaths.matching.features import build_cohort
from crosspaths.matching.pairs import SCALE, PairSettings, _edge_weights
from crosspaths.matching.rules import dense_block

from .helpers import ALICE, BOB, CHIDI, ON, person


def _pairs(result):  # type: ignore[no-untyped-def]
    return {frozenset(g.members) for g in result.groups}


def test_it_never_pairs_a_manager_with_a_report():
    result = match([ALICE, BOB, CHIDI, person("dana")], on=ON)
    assert frozenset({"alice", "bob"}) not in _pairs(result)
    assert result.metrics["placed"] == 4


def test_it_never_pairs_a_blocked_pair_either_way():
    people = [person(x) for x in "abcd"]
    for blocked in ([("a", "b"), ("c", "d")], [("b", "a"), ("d", "c")]):
        result = match(people, blocked=blocked, on=ON)
        assert _pairs(result) & {frozenset("ab"), frozenset("cd")} == set()
        assert result.metrics["placed"] == 4


def test_it_never_repeats_a_pair_within_the_cooldown_but_may_after_it():
    people = [person("a"), person("b")]
    recent = [PastGroup(date=ON - timedelta(weeks=3), members=("a", "b"))]
    result = match(people, history=recent, on=ON)
    assert result.groups == []
    assert {x.code for x in result.left_out} == {"no_valid_partner"}
    old = [PastGroup(date=ON - timedelta(weeks=13), members=("a", "b"))]
    assert _pairs(match(people, history=old, on=ON)) == {frozenset("ab")}


def test_it_counts_every_two_members_of_a_past_group_as_met():
    people = [person(x) for x in "abcd"]
    history = [PastGroup(date=ON - timedelta(weeks=1), members=("a", "b", "c"))]
    result = match(people, history=history, on=ON)
    # Only d can meet any of a, b, c: one pair, two left out.
    assert len(result.groups) == 1 and "d" in result.groups[0].members
    assert result.metrics["placed"] == 2


def test_it_makes_one_trio_when_the_count_is_odd():
    people = [person(f"p{k}") for k in range(7)]
    result = match(people, on=ON)
    assert sorted(len(g.members) for g in result.groups) == [2, 2, 3]
    assert result.left_out == []


def test_it_reports_the_odd_one_out_when_no_trio_is_allowed():
    # e may meet only a; c and d may not meet, so b-c-d is no trio either.
    people = [person(x) for x in "abcde"]
    blocked = [("e", "b"), ("e", "c"), ("e", "d"), ("c", "d")]
    result = match(people, blocked=blocked, on=ON)
    assert result.metrics["placed"] == 4
    (out,) = result.left_out
    assert out.person_id in "cd" and out.code == "odd_one_out"
    assert "odd one out" in out.text


def test_it_never_pairs_people_without_a_common_language():
    people = [
        person("de1", languages=frozenset({"de"})),
        person("en1", languages=frozenset({"en"})),
        person("de2", languages=frozenset({"de"})),
        person("en2", languages=frozenset({"en"})),
    ]
    assert _pairs(match(people, on=ON)) == {frozenset({"de1", "de2"}), frozenset({"en1", "en2"})}


def test_it_reports_the_only_german_only_speaker_instead_of_crashing():
    people = [
        person(
            "hans",
            name="Hans",
            languages=frozenset({"de"}),
            location="Tokyo",
            timezone="Asia/Tokyo",
        ),
        person("yui", location="Tokyo", timezone="Asia/Tokyo", languages=frozenset({"ja", "en"})),
        person("ken", location="Tokyo", timezone="Asia/Tokyo", languages=frozenset({"ja", "en"})),
    ]
    result = match(people, rules=Rules(mode="in-person"), on=ON)
    assert _pairs(result) == {frozenset({"yui", "ken"})}
    (out,) = result.left_out
    assert (out.person_id, out.code) == ("hans", "no_shared_language")
    assert out.text == "the only German-only speaker in Tokyo"


def test_it_never_pairs_time_zones_fourteen_hours_apart():
    ny = [person(f"ny{k}", location="New York", timezone="America/New_York") for k in range(2)]
    tokyo = [person(f"tk{k}", location="Tokyo", timezone="Asia/Tokyo") for k in range(2)]
    result = match(ny + tokyo, on=ON)
    assert _pairs(result) == {frozenset({"ny0", "ny1"}), frozenset({"tk0", "tk1"})}


def test_it_says_who_has_no_colleague_with_shared_hours():
    people = [
        person("ana", name="Ana", location="Tokyo", timezone="Asia/Tokyo"),
        person("ben", location="New York", timezone="America/New_York"),
        person("cy", location="New York", timezone="America/New_York"),
    ]
    result = match(people, on=ON)
    (out,) = result.left_out
    assert out.person_id == "ana" and out.code == "no_time_overlap"
    assert "Ana" in out.text and "Asia/Tokyo" in out.text


def test_it_keeps_in_person_pairs_in_one_location():
    people = [person(f"b{k}") for k in range(2)] + [
        person(f"m{k}", location="Munich") for k in range(2)
    ]
    result = match(people, rules=Rules(mode="in-person"), on=ON)
    assert _pairs(result) == {frozenset({"b0", "b1"}), frozenset({"m0", "m1"})}


def test_it_makes_the_fewest_same_department_pairs_when_one_department_holds_60_percent():
    people = [person(f"big{k}", department="Big") for k in range(60)]
    people += [person(f"s{k}", department=f"Small{k % 4}") for k in range(40)]
    result = match(people, on=ON, seed=3)
    # 40 others each meet someone from Big; the other 20 from Big must pair up: 10.
    assert result.metrics["same_department_pairs"] == 10
    assert result.metrics["placed"] == 100


def test_it_puts_the_most_tenured_member_first_as_organizer():
    result = match([BOB, CHIDI], on=ON)
    assert result.groups[0].members == ("chidi", "bob")  # Chidi started in 2019, Bob 2020


def test_it_explains_each_pair_with_translatable_reasons():
    result = match([CHIDI, ALICE], on=ON)
    (g,) = result.groups
    codes = {r.code: r for r in g.reasons}
    assert codes["different_departments"].params == {"departments": ["Engineering", "People"]}
    assert "first_meeting" in codes
    assert all(r.text for r in g.reasons)


def _roster(n: int, seed: int):  # type: ignore[no-untyped-def]
    rnd = np.random.default_rng(seed)
    places = [
        ("Berlin", "Europe/Berlin"),
        ("New York", "America/New_York"),
        ("Tokyo", "Asia/Tokyo"),
    ]
    people = []
    for k in range(n):
        loc, tz = places[int(rnd.integers(0, 3))]
        people.append(
            person(
                f"p{k}",
                department=f"D{int(rnd.integers(0, 6))}",
                team=f"T{int(rnd.integers(0, 3))}",
                location=loc,
                timezone=tz,
                level=int(rnd.integers(1, 7)),
                languages=frozenset(
                    [["en"], ["en", "de"], ["de"], ["en", "ja"]][int(rnd.integers(0, 4))]
                ),
                interests=frozenset(rnd.choice(["a", "b", "c", "d", "e"], size=2).tolist()),
                manager_id=f"p{int(rnd.integers(0, k))}" if k and rnd.random() < 0.3 else "",
            )
        )
    history = [
        PastGroup(ON - timedelta(weeks=int(rnd.integers(1, 30))), (f"p{a}", f"p{b}"))
        for a, b in rnd.integers(0, n, size=(n, 2)).tolist()
        if a != b
    ]
    return people, history


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_it_reaches_at_least_99_5_percent_of_the_exact_optimum(seed):
    people, history = _roster(240, seed)
    c = build_cohort(people, history=history, rules=Rules(), weights=Weights(), on=ON)
    idx = np.arange(c.n)
    score, valid = dense_block(c, idx)
    weight = _edge_weights(c, idx[:, None], idx[None, :], score)
    a, b = np.nonzero(np.triu(valid, 1))
    g = rx.PyGraph()
    g.add_nodes_from(range(c.n))
    g.add_edges_from(list(zip(a.tolist(), b.tolist(), weight[a, b].tolist(), strict=True)))
    exact = rx.max_weight_matching(g, max_cardinality=True, weight_fn=int)
    best = sum(int(weight[x, y]) for x, y in exact) / SCALE
    # Small blocks force the block-and-repair machinery to work across blocks.
    result = match(
        people,
        history=history,
        on=ON,
        seed=seed,
        pair_settings=PairSettings(block_size=120, workers=1, odd_ones_in_trios=False),
    )
    assert len(result.groups) == len(exact)  # as many placed as the maximum matching
    got = sum(g.score for g in result.groups)
    assert got >= 0.995 * best


def test_who_waited_longest_is_not_the_one_left_out():
    # Every two share a language, no three do: one of them must wait again.
    people = [
        person("a", languages=frozenset({"de", "en"})),
        person("b", languages=frozenset({"en", "ja"}), waited_rounds=2),
        person("c", languages=frozenset({"ja", "de"})),
    ]
    result = match(people, on=ON)
    assert "b" in result.groups[0].members
    assert len(result.left_out) == 1


def test_worker_processes_give_the_same_pairs_as_one_process():
    people, history = _roster(200, 5)
    serial = match(
        people, history=history, on=ON, pair_settings=PairSettings(block_size=20, workers=1)
    )
    forked = match(
        people, history=history, on=ON, pair_settings=PairSettings(block_size=20, workers=2)
    )
    assert [g.members for g in serial.groups] == [g.members for g in forked.groups]


def test_it_says_when_nobody_shares_both_a_language_and_working_hours():
    people = [
        person("ana", name="Ana", languages=frozenset({"ja"}), timezone="Asia/Tokyo"),
        person("jp", languages=frozenset({"ja"}), timezone="America/New_York"),
        person("en1", timezone="Asia/Tokyo"),
        person("en2", timezone="Asia/Tokyo"),
    ]
    result = match(people, on=ON)
    codes = {x.person_id: (x.code, x.text) for x in result.left_out}
    assert codes["ana"] == (
        "no_shared_language_and_hours",
        "no colleague shares a language and working hours with Ana",
    )


def test_it_names_the_only_speaker_of_a_language_in_a_virtual_round():
    people = [person("hans", name="Hans", languages=frozenset({"de"})), person("a"), person("b")]
    (out,) = match(people, on=ON).left_out
    assert out.text == "Hans is the only German-only speaker this round"
