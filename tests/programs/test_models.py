from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from crosspaths.programs.models import Enrollment, Match, MatchMember, Program, Round


@pytest.fixture
def program(cast):
    return Program.objects.create(
        organization=cast.org, name="Coffee", format=Program.Format.VIRTUAL_COFFEE
    )


def test_a_program_has_one_round_per_date(cast, program):
    Round.objects.create(organization=cast.org, program=program, date=date(2026, 11, 2))
    with pytest.raises(IntegrityError), transaction.atomic():
        Round.objects.create(organization=cast.org, program=program, date=date(2026, 11, 2))


def test_a_person_is_in_at_most_one_group_per_round(cast, program):
    rnd = Round.objects.create(organization=cast.org, program=program, date=date(2026, 11, 2))
    first = Match.objects.create(organization=cast.org, round=rnd)
    second = Match.objects.create(organization=cast.org, round=rnd)
    MatchMember.objects.create(organization=cast.org, match=first, round=rnd, person=cast.bob)
    with pytest.raises(IntegrityError), transaction.atomic():
        MatchMember.objects.create(organization=cast.org, match=second, round=rnd, person=cast.bob)


def test_the_same_person_may_be_matched_in_different_rounds(cast, program):
    for day in (date(2026, 11, 2), date(2026, 11, 9)):
        rnd = Round.objects.create(organization=cast.org, program=program, date=day)
        match = Match.objects.create(organization=cast.org, round=rnd)
        MatchMember.objects.create(organization=cast.org, match=match, round=rnd, person=cast.bob)
    assert MatchMember.objects.filter(person=cast.bob).count() == 2


def test_a_person_enrolls_in_a_program_once(cast, program):
    Enrollment.objects.create(organization=cast.org, program=program, person=cast.bob)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(organization=cast.org, program=program, person=cast.bob)


def test_a_group_of_one_is_refused_by_validation_and_by_the_database(cast, program):
    program.group_size = 1
    with pytest.raises(ValidationError) as e:
        program.full_clean()
    assert "group_size" in e.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        program.save()


def test_in_person_formats_group_within_a_location(cast):
    lunch = Program(organization=cast.org, name="Lunch", format=Program.Format.LUNCH)
    coffee = Program(organization=cast.org, name="Coffee", format=Program.Format.VIRTUAL_COFFEE)
    assert (lunch.mode, coffee.mode) == ("in-person", "virtual")


def test_an_enrollment_is_paused_through_its_last_day(cast, program):
    e = Enrollment(program=program, person=cast.bob, paused_until=date(2026, 12, 24))
    assert e.is_paused_on(date(2026, 12, 24))
    assert not e.is_paused_on(date(2026, 12, 25))
