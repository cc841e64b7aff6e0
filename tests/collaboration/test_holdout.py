"""A program's measurement hold-out: the round records it, the engine never matches a
held-out pair in that round, and "Does it pay off?" takes held-out pairs as comparison
pairs first."""

from __future__ import annotations

from datetime import date
from itertools import combinations

import pytest

from crosspaths.collaboration.comparison import payoff_sample
from crosspaths.collaboration.models import Interaction
from crosspaths.collaboration.services import collaboration_configure
from crosspaths.matching.holdout import held_out, person_hashes
from crosspaths.meetings.models import CheckIn
from crosspaths.people.models import Department, Location, Person
from crosspaths.programs.models import Enrollment, MatchMember, Program, Round
from crosspaths.programs.services import round_draft

pytestmark = pytest.mark.django_db
ON = date(2026, 11, 30)  # a Monday after the tests' frozen today


def is_held_out(a: int, b: int, rnd: Round) -> bool:
    h = person_hashes([str(a), str(b)])
    return bool(held_out(h[0], h[1], share=rnd.holdout_percent / 100, seed=rnd.pk))


@pytest.fixture
def program(cast):
    """Forty people in two departments, all in one office, enrolled in a coffee program
    that holds out 30 % of the pairs."""
    depts = [Department.objects.create(organization=cast.org, name=n) for n in ("Ops", "Legal")]
    office = Location.objects.create(organization=cast.org, name="Hamburg")
    people = Person.objects.bulk_create(
        Person(
            organization=cast.org,
            email=f"h{i}@acme.test",
            name=f"Held {i}",
            external_id=f"H{i}",
            department=depts[i % 2],
            location=office,
            start_date=date(2020, 1, 1),
        )
        for i in range(40)
    )
    program = Program.objects.create(
        organization=cast.org, name="Coffee", format="virtual_coffee", holdout_percent=30
    )
    Enrollment.objects.bulk_create(
        Enrollment(organization=cast.org, program=program, person=p) for p in people
    )
    return program


def groups_of(rnd: Round) -> dict[int, list[int]]:
    groups: dict[int, list[int]] = {}
    for match, person in MatchMember.objects.filter(round=rnd).values_list("match_id", "person_id"):
        groups.setdefault(match, []).append(person)
    return groups


def test_the_round_records_the_hold_out_and_never_matches_a_held_out_pair(program):
    rnd = round_draft(program=program, on=ON)
    assert rnd.holdout_percent == 30
    groups = groups_of(rnd)
    assert len(groups) >= 15  # holding pairs out still places (nearly) everyone
    pairs = [pair for members in groups.values() for pair in combinations(members, 2)]
    assert not [pair for pair in pairs if is_held_out(*pair, rnd)]
    # ... while about 30 % of all pairs of the round's people were held out.
    people = sorted({p for members in groups.values() for p in members})
    held = [pair for pair in combinations(people, 2) if is_held_out(*pair, rnd)]
    assert 0.2 < len(held) / len(list(combinations(people, 2))) < 0.4


def test_without_a_hold_out_nothing_is_held_out(program):
    Program.objects.filter(pk=program.pk).update(holdout_percent=0)
    program.refresh_from_db()
    rnd = round_draft(program=program, on=ON)
    assert rnd.holdout_percent == 0


def test_held_out_pairs_are_taken_as_comparison_pairs_first(program, cast):
    collaboration_configure(organization=cast.org, enabled=True)
    rnd = round_draft(program=program, on=ON)
    Round.objects.filter(pk=rnd.pk).update(status=Round.Status.CLOSED)
    for members in groups_of(rnd).values():
        member = MatchMember.objects.filter(round=rnd, person_id=members[0]).get()
        CheckIn.objects.create(organization=cast.org, member=member, met=True)
    a, b = sorted(Person.objects.filter(external_id__in=["H0", "H1"]).values_list("pk", flat=True))
    for week in (date(2026, 11, 16), date(2026, 12, 7)):  # the weeks imported: 2 before, 2 after
        Interaction.objects.create(
            organization=cast.org,
            period_start=week,
            person_a_id=a,
            person_b_id=b,
            channel="chat",
            count=1,
        )
    sample = payoff_sample(organization=cast.org, weeks=2)
    assert sample.rounds == 1
    assert sample.comparison_pairs > 0
    # Nearly all comparison pairs are held-out pairs (30 % of each stratum's pairs are).
    assert sample.held_out_pairs >= 0.8 * sample.comparison_pairs
    matched = {frozenset(p) for g in groups_of(rnd).values() for p in combinations(g, 2)}
    for round_pk, x, y in sample.held_out_drawn:
        assert round_pk == rnd.pk
        assert is_held_out(x, y, rnd)
        assert frozenset((x, y)) not in matched
