"""The mentoring assignment (crosspaths/mentoring/assign.py), without Django."""

from __future__ import annotations

from itertools import product

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosspaths.matching.check import hard_rule_problems
from crosspaths.matching.types import Rules
from crosspaths.mentoring.assign import (
    GapRule,
    Mentor,
    chains,
    in_reporting_line,
    mentor_assign,
    score_table,
    seats,
)
from tests.matching.helpers import ON, person, rosters


def test_a_mentor_takes_no_more_mentees_than_their_capacity() -> None:
    mentors = [Mentor(person("m", level=6), capacity=2)]
    mentees = [person(f"e{k}", level=4) for k in range(4)]
    result = mentor_assign(mentors, mentees, managers={}, on=ON)
    assert len(result.pairs) == 2
    assert [u.code for u in result.unplaced] == ["mentors_full", "mentors_full"]


def test_it_keeps_the_level_gap_within_the_range() -> None:
    mentors = [Mentor(person("near", level=5)), Mentor(person("far", level=9))]
    mentees = [person("e", level=4)]
    result = mentor_assign(mentors, mentees, managers={}, gap=GapRule(1, 2), on=ON)
    assert [(p.mentor_id, p.mentee_id) for p in result.pairs] == [("near", "e")]
    alone = mentor_assign(mentors[1:], mentees, managers={}, gap=GapRule(1, 2), on=ON)
    assert [u.code for u in alone.unplaced] == ["level_gap"]
    assert "1 to 2 levels" in alone.unplaced[0].text


def test_a_mentor_is_never_above_the_mentee_in_the_reporting_line() -> None:
    # skip-level: the mentee's manager's manager, who is not even a participant's manager
    boss = Mentor(person("boss", level=7))
    mentee = person("e", level=5, manager_id="lead")
    managers = {"lead": "boss", "e": "lead"}
    result = mentor_assign([boss], [mentee], managers=managers, on=ON)
    assert result.pairs == []
    assert result.unplaced[0].code == "reporting_line"


def test_a_mentee_is_never_the_mentors_manager_chain_downwards_either() -> None:
    mentor = Mentor(person("m", level=3, manager_id="x"))
    mentee = person("x", level=1)  # (odd, but roster data is roster data)
    result = mentor_assign([mentor], [mentee], managers={}, on=ON)
    assert result.pairs == []


def test_chains_survive_a_loop_in_the_roster() -> None:
    above = chains({"a": "b", "b": "a", "c": "a"})
    assert above["c"] == frozenset({"a", "b"})
    assert in_reporting_line("c", "b", above)


def test_the_next_cycle_does_not_repeat_a_pair() -> None:
    mentors = [Mentor(person("m1", level=5)), Mentor(person("m2", level=5))]
    mentees = [person("e", level=3, interests=frozenset({"chess"}))]
    mentors[0] = Mentor(person("m1", level=5, interests=frozenset({"chess"})))
    first = mentor_assign(mentors, mentees, managers={}, on=ON)
    assert first.pairs[0].mentor_id == "m1"
    second = mentor_assign(mentors, mentees, managers={}, past_pairs=[("m1", "e")], on=ON)
    assert second.pairs[0].mentor_id == "m2"


def test_it_prefers_the_mentor_with_more_shared_interests() -> None:
    mentors = [
        Mentor(person("one", level=5, interests=frozenset({"chess"}))),
        Mentor(person("two", level=5, interests=frozenset({"chess", "tea"}))),
    ]
    mentees = [person("e", level=3, interests=frozenset({"chess", "tea", "go"}))]
    result = mentor_assign(mentors, mentees, managers={}, on=ON)
    assert result.pairs[0].mentor_id == "two"
    assert result.pairs[0].shared_interests == ("chess", "tea")


def test_without_mentors_every_mentee_is_told_why() -> None:
    result = mentor_assign([], [person("e", level=1)], managers={}, on=ON)
    assert [(u.mentee_id, u.code) for u in result.unplaced] == [("e", "no_mentors")]


def _brute_force(mentors, mentees, **kw):  # type: ignore[no-untyped-def]
    """The best (count placed, value) over every way to give each mentee a seat or none."""
    from crosspaths.mentoring.assign import pair_table

    feasible, _why = pair_table(
        mentors, mentees, managers={}, gap=GapRule(), history=(), blocked=(), past_pairs=(),
        rules=Rules(), on=ON,
    )  # fmt: skip
    score = score_table(
        mentors, mentees, history=(), rules=Rules(), weights=kw["weights"], on=ON,
        interest_weight=4.0,
    )  # fmt: skip
    best = (-1, float("-inf"))
    for choice in product([None, *range(len(mentors))], repeat=len(mentees)):
        load = [0] * len(mentors)
        value, ok = 0.0, True
        for e, m in enumerate(choice):
            if m is None:
                continue
            if not feasible[e, m] or load[m] >= mentors[m].capacity:
                ok = False
                break
            value += score[e, m] - 0.25 * load[m]
            load[m] += 1
        if ok:
            best = max(best, (sum(c is not None for c in choice), round(value, 6)))
    return best


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rosters(min_size=2, max_size=7), st.data())
def test_it_is_as_good_as_brute_force_on_tiny_rosters(roster, data) -> None:  # type: ignore[no-untyped-def]
    from crosspaths.matching.types import Weights

    people, _history, _blocked = roster
    split = data.draw(st.integers(1, len(people) - 1))
    caps = data.draw(st.lists(st.integers(1, 3), min_size=split, max_size=split))
    mentors = [Mentor(p, c) for p, c in zip(people[:split], caps, strict=True)]
    mentees = people[split:]
    result = mentor_assign(mentors, mentees, managers={}, on=ON)
    score = score_table(
        mentors, mentees, history=(), rules=Rules(), weights=Weights(), on=ON, interest_weight=4.0
    )
    index = {m.person.id: k for k, m in enumerate(mentors)}
    row = {e.id: k for k, e in enumerate(mentees)}
    load = [0] * len(mentors)
    value = 0.0
    for p in sorted(result.pairs, key=lambda p: p.mentor_id):
        m = index[p.mentor_id]
        value += score[row[p.mentee_id], m] - 0.25 * load[m]
        load[m] += 1
    assert (len(result.pairs), round(value, 6)) == _brute_force(mentors, mentees, weights=Weights())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rosters(min_size=2, max_size=24), st.data())
def test_every_pair_keeps_every_hard_rule_and_the_reporting_line(roster, data) -> None:  # type: ignore[no-untyped-def]
    people, history, blocked = roster
    split = data.draw(st.integers(1, len(people) - 1))
    caps = data.draw(st.lists(st.integers(1, 3), min_size=split, max_size=split))
    mentors = [Mentor(p, c) for p, c in zip(people[:split], caps, strict=True)]
    mentees = people[split:]
    managers = {p.id: p.manager_id for p in people}
    gap = GapRule(*sorted(data.draw(st.lists(st.integers(0, 4), min_size=2, max_size=2))))
    past = data.draw(
        st.lists(st.tuples(st.sampled_from(people).map(lambda p: p.id),
                           st.sampled_from(people).map(lambda p: p.id)), max_size=4)
    )  # fmt: skip
    result = mentor_assign(
        mentors, mentees, managers=managers, gap=gap, history=history, blocked=blocked,
        past_pairs=past, on=ON,
    )  # fmt: skip
    by_id = {p.id: p for p in people}
    above = chains(managers)
    load: dict[str, int] = {}
    for pair in result.pairs:
        mentor, mentee = by_id[pair.mentor_id], by_id[pair.mentee_id]
        assert hard_rule_problems([mentor, mentee], history=history, blocked=blocked, on=ON) == []
        assert not in_reporting_line(mentor.id, mentee.id, above)
        assert mentee.level is not None and mentor.level is not None
        assert gap.gap_min <= mentor.level - mentee.level <= gap.gap_max
        assert frozenset((mentor.id, mentee.id)) not in {frozenset(p) for p in past}
        load[mentor.id] = load.get(mentor.id, 0) + 1
    caps_by_id = {m.person.id: m.capacity for m in mentors}
    assert all(n <= caps_by_id[m] for m, n in load.items())
    placed = {p.mentee_id for p in result.pairs}
    assert placed.isdisjoint(u.mentee_id for u in result.unplaced)
    assert placed | {u.mentee_id for u in result.unplaced} == {e.id for e in mentees}
    assert all(u.code and u.text for u in result.unplaced)


def test_seats_repeat_each_mentor_by_capacity() -> None:
    mentor, rank = seats([Mentor(person("a"), 2), Mentor(person("b"), 9)])
    assert mentor.tolist() == [0, 0, 1, 1, 1]
    assert rank.tolist() == [0, 1, 0, 1, 2]
