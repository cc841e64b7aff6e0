"""From the database to the engine's people, history and rules, in a few queries."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from crosspaths.matching.types import Weights
from crosspaths.people.models import BlockedPair, Location, Person
from crosspaths.programs.engine_input import engine_input_for
from crosspaths.programs.models import Enrollment, LeftOut, Match, MatchMember, Round

from .crowd import coffee, crowd, enroll

ON = date(2026, 11, 30)


@pytest.fixture
def program(cast):
    p = coffee(cast.org)
    enroll(p, [cast.alice, cast.bob, cast.chidi])
    return p


def ids(data):
    return sorted(p.id for p in data.people)


def past_round(program, day, groups, status="published", left_out=()):
    rnd = Round.objects.create(
        organization=program.organization, program=program, date=day, status=status
    )
    for group in groups:
        m = Match.objects.create(organization=program.organization, round=rnd)
        for person in group:
            MatchMember.objects.create(
                organization=program.organization, match=m, round=rnd, person=person
            )
    for person in left_out:
        LeftOut.objects.create(
            organization=program.organization, round=rnd, person=person, code="odd_one_out"
        )
    return rnd


def test_people_are_the_engines_plain_data(cast, program):
    data = engine_input_for(program, on=ON)
    bob = next(p for p in data.people if p.id == str(cast.bob.pk))
    assert bob.name == "Bob Brandt"
    assert bob.department == "People"
    assert bob.location == "Munich"
    assert bob.manager_id == str(cast.alice.pk)
    assert bob.languages == frozenset({"de"})
    assert bob.interests == frozenset({"chess", "cycling"})
    assert bob.start_date == date(2024, 9, 1)
    assert bob.level == 2


def test_the_time_zone_is_the_persons_then_the_locations_then_the_organizations(cast, program):
    cast.bob.timezone = "America/Chicago"
    cast.bob.save()
    Location.objects.filter(pk=cast.munich.pk).update(timezone="Europe/Vienna")
    Person.objects.filter(pk=cast.chidi.pk).update(location=None)
    zones = {p.id: p.timezone for p in engine_input_for(program, on=ON).people}
    assert zones[str(cast.bob.pk)] == "America/Chicago"
    assert zones[str(cast.alice.pk)] == "Europe/Vienna"
    assert zones[str(cast.chidi.pk)] == "Europe/Berlin"


def test_paused_left_deactivated_and_unenrolled_people_are_not_in_the_round(cast, program):
    others = crowd(cast.org, 4)
    enroll(program, others[:3])
    Enrollment.objects.filter(person=others[0]).update(paused_until=ON)
    Enrollment.objects.filter(person=others[1]).update(left_at=timezone.now())
    Person.objects.filter(pk=others[2].pk).update(active=False)
    Enrollment.objects.filter(person=cast.chidi).update(paused_until=ON - timedelta(days=1))
    assert ids(engine_input_for(program, on=ON)) == sorted(
        str(p.pk) for p in (cast.alice, cast.bob, cast.chidi)
    )


def test_the_audience_filters_people(cast, program):
    program.audience = {"departments": [cast.engineering.pk]}
    assert ids(engine_input_for(program, on=ON)) == [str(cast.chidi.pk)]
    program.audience = {"level_min": 3}
    assert ids(engine_input_for(program, on=ON)) == sorted([str(cast.alice.pk), str(cast.chidi.pk)])
    program.audience = {"started_within_days": 900}
    assert ids(engine_input_for(program, on=ON)) == [str(cast.bob.pk)]


def test_history_counts_every_program_of_the_organization_within_the_cooldown(cast, program):
    lunch = coffee(cast.org, name="Lunch", format="lunch")
    past_round(lunch, ON - timedelta(weeks=2), [[cast.alice, cast.chidi]])
    past_round(program, ON - timedelta(weeks=13), [[cast.bob, cast.chidi]])  # too long ago
    past_round(program, ON - timedelta(weeks=1), [[cast.alice, cast.bob]], status="draft")
    data = engine_input_for(program, on=ON)
    assert [sorted(g.members) for g in data.history] == [
        sorted([str(cast.alice.pk), str(cast.chidi.pk)])
    ]
    assert data.history[0].date == ON - timedelta(weeks=2)


def test_blocked_pairs_are_passed_on(cast, program):
    BlockedPair.objects.create(organization=cast.org, person=cast.bob, other=cast.chidi)
    assert engine_input_for(program, on=ON).blocked == [(str(cast.bob.pk), str(cast.chidi.pk))]


def test_people_who_were_left_out_or_paused_since_their_last_group_waited(cast, program):
    Enrollment.objects.filter(program=program).update(
        joined_at=timezone.make_aware(datetime(2026, 1, 1))
    )
    past_round(program, ON - timedelta(weeks=3), [[cast.alice, cast.chidi]], left_out=[cast.bob])
    past_round(program, ON - timedelta(weeks=2), [[cast.alice, cast.bob]])  # chidi paused
    past_round(program, ON - timedelta(weeks=1), [[cast.alice, cast.bob]], left_out=[cast.chidi])
    waited = {p.id: p.waited_rounds for p in engine_input_for(program, on=ON).people}
    assert waited == {str(cast.alice.pk): 0, str(cast.bob.pk): 0, str(cast.chidi.pk): 2}


def test_rules_and_weights_come_from_the_program(cast, program):
    program.group_size = 3
    program.cooldown_weeks = 8
    program.format = "lunch"
    program.weights = {"shared_interest": 4, "different_team": 0}
    data = engine_input_for(program, on=ON)
    assert (data.rules.size, data.rules.mode, data.rules.cooldown_weeks) == (3, "in-person", 8)
    assert data.weights == Weights(shared_interest=4.0, different_team=0.0)


def test_the_number_of_queries_does_not_grow_with_the_round(
    cast, program, django_assert_max_num_queries
):
    enroll(program, crowd(cast.org, 300))
    past_round(program, ON - timedelta(weeks=1), [[cast.alice, cast.chidi]], left_out=[cast.bob])
    with django_assert_max_num_queries(6):
        data = engine_input_for(program, on=ON)
    assert len(data.people) == 303
