"""Joining, leaving and pausing programs; who a program's audience includes."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from crosspaths.programs.enrollments import (
    enrollment_join,
    enrollment_leave,
    enrollments_set,
    paused_until,
    person_pause,
    program_is_open_to,
    programs_open_to,
)
from crosspaths.programs.models import Enrollment, Program

TODAY = date(2026, 11, 25)


def program(org, **fields):
    fields.setdefault("name", "Coffee")
    return Program.objects.create(organization=org, format="virtual_coffee", **fields)


@pytest.mark.parametrize(
    ("audience", "bob_fits"),
    [
        ({}, True),
        ({"departments": []}, True),
        ("people_dept", True),
        ("engineering", False),
        ({"level_min": 2, "level_max": 3}, True),
        ({"level_min": 3}, False),
        ({"started_within_days": 90}, False),
        ({"started_within_days": 1000}, True),
    ],
)
def test_the_audience_decides_who_may_join(cast, audience, bob_fits):
    if audience == "people_dept":
        audience = {"departments": [cast.people_dept.pk]}
    elif audience == "engineering":
        audience = {"departments": [cast.engineering.pk]}
    p = program(cast.org, audience=audience)
    assert program_is_open_to(program=p, person=cast.bob, on=TODAY) is bob_fits


def test_inactive_and_foreign_programs_are_never_open(cast):
    assert not program_is_open_to(
        program=program(cast.org, active=False), person=cast.bob, on=TODAY
    )
    assert not program_is_open_to(program=program(cast.other_org), person=cast.bob, on=TODAY)
    assert programs_open_to(person=cast.bob, on=TODAY) == []


def test_joining_twice_keeps_one_enrollment_and_rejoining_ends_a_pause(cast):
    p = program(cast.org)
    enrollment_join(person=cast.bob, program=p)
    person_pause(person=cast.bob, until=TODAY + timedelta(days=3), today=TODAY)
    enrollment_leave(person=cast.bob, program=p)
    enrollment = enrollment_join(person=cast.bob, program=p)
    assert Enrollment.objects.count() == 1
    assert enrollment.left_at is None and enrollment.paused_until is None


def test_joining_outside_the_audience_is_refused(cast):
    p = program(cast.org, audience={"departments": [cast.engineering.pk]})
    with pytest.raises(ValidationError, match="not open to you"):
        enrollment_join(person=cast.bob, program=p)


def test_enrollments_set_joins_the_chosen_and_leaves_the_unticked_offered_ones(cast):
    a, b, hr = (program(cast.org, name=n) for n in ("A", "B", "HR's pick"))
    enrollment_join(person=cast.bob, program=hr)
    enrollments_set(person=cast.bob, programs=[a, b], offered=[a, b])
    enrollments_set(person=cast.bob, programs=[b], offered=[a, b])
    left = {e.program.name: e.left_at is not None for e in Enrollment.objects.all()}
    assert left == {"A": True, "B": False, "HR's pick": False}


def test_pausing_covers_every_current_program_and_the_pause_end_is_reported(cast):
    a, b = program(cast.org, name="A"), program(cast.org, name="B")
    for p in (a, b):
        enrollment_join(person=cast.bob, program=p)
    enrollment_leave(person=cast.bob, program=b)
    assert person_pause(person=cast.bob, until=TODAY + timedelta(days=10), today=TODAY) == 1
    enrollments = list(Enrollment.objects.filter(person=cast.bob))
    assert paused_until(enrollments=enrollments, today=TODAY) == TODAY + timedelta(days=10)
    assert paused_until(enrollments=enrollments, today=TODAY + timedelta(days=11)) is None
    person_pause(person=cast.bob, until=None, today=TODAY)
    assert paused_until(enrollments=Enrollment.objects.all(), today=TODAY) is None


@pytest.mark.parametrize("days", [-1, 367])
def test_a_pause_in_the_past_or_over_a_year_is_refused(cast, days):
    with pytest.raises(ValidationError):
        person_pause(person=cast.bob, until=TODAY + timedelta(days=days), today=TODAY)
