"""A location's country (from the roster's ``country`` column) brings its public holidays:
a round never suggests a meeting on one."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from crosspaths.matching.roster import RosterError
from crosspaths.people.models import Location
from crosspaths.people.services import people_import
from crosspaths.programs.models import Enrollment, Match, Program
from crosspaths.programs.services import round_draft


def test_the_roster_sets_the_locations_country_and_state(cast):
    people_import(
        organization=cast.org,
        text="id,name,email,location,country\nA1,Alice Adler,alice@acme.test,Munich,de-by\n",
    )
    munich = Location.objects.get(pk=cast.munich.pk)
    assert (munich.country, munich.subdivision) == ("DE", "BY")


def test_a_country_the_holiday_calendar_does_not_know_is_refused_with_row_and_column(cast):
    with pytest.raises(RosterError) as e:
        people_import(
            organization=cast.org,
            text="id,name,email,location,country\nA1,Alice Adler,alice@acme.test,Munich,XX\n",
        )
    assert "row 2, column 'country': 'XX' is not a country the holiday calendar knows" in str(
        e.value
    )
    assert Location.objects.get(pk=cast.munich.pk).country == ""  # all or nothing


def test_a_state_of_another_country_is_refused_on_the_location(cast):
    cast.munich.country, cast.munich.subdivision = "DE", "NY"
    with pytest.raises(ValidationError) as e:
        cast.munich.full_clean()
    assert "'NY' is not a state or region of DE" in str(e.value)


def test_a_round_suggests_no_slot_on_a_holiday_of_the_members_location(cast):
    """Portugal's Immaculate Conception, Tuesday 8 December 2026: a round of Monday the
    7th starts looking on the 8th; with the office in Portugal the group meets on the
    9th, without a country on the 8th."""
    program = Program.objects.create(
        organization=cast.org, name="Coffee", format="virtual_coffee", cooldown_weeks=0
    )
    for person in (cast.bob, cast.chidi):
        Enrollment.objects.create(organization=cast.org, program=program, person=person)
    berlin = ZoneInfo("Europe/Berlin")
    without = round_draft(program=program, on=date(2026, 12, 7))
    assert first_day_of(without, berlin) == date(2026, 12, 8)
    without.delete()
    cast.munich.country = "PT"
    cast.munich.save()
    with_holidays = round_draft(program=program, on=date(2026, 12, 7))
    assert first_day_of(with_holidays, berlin) == date(2026, 12, 9)


def first_day_of(rnd, zone):
    (match,) = Match.objects.filter(round=rnd)
    return match.suggested_start.astimezone(zone).date()
