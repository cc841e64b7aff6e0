"""The insights figure of journeys: counted from the journeys, hidden below the
organization's minimum number of people."""

from __future__ import annotations

from datetime import timedelta

from crosspaths.insights.figures import Filters, figure
from crosspaths.insights.periods import Period
from crosspaths.journeys.models import JourneyStep
from crosspaths.meetings.models import CheckIn
from crosspaths.programs.models import MatchMember

from .conftest import enroll, make_person
from .test_services import DAY_ONE, run_on


def filters(org, *, minimum: int):
    org.min_cell_size = minimum
    org.save()
    from datetime import date

    period = Period("custom", date(2026, 11, 1), date(2026, 12, 31), "Nov-Dec")
    return Filters(org, None, None, period, True, date(2026, 12, 31))


def test_it_counts_started_journeys_departments_and_buddy_meetings(world):
    hire2 = make_person(
        world.cast.org,
        "new2@acme.test",
        "New Two",
        department=world.cast.engineering,
        location=world.cast.munich,
        languages=["en"],
        start_date=world.nina.start_date,
    )
    enroll(world.onboarding, hire2)
    run_on(DAY_ONE)
    run_on(DAY_ONE + timedelta(weeks=1))
    buddy = JourneyStep.objects.get(journey__person=world.nina, number=1)
    member = MatchMember.objects.get(match=buddy.match, person=world.nina)
    CheckIn.objects.create(organization=world.cast.org, member=member, met=True)
    fig = figure("journeys", filters(world.cast.org, minimum=2))
    assert fig.rows == [[2, 0, 2.0, "50%"]]
    assert "2 journeys started" in fig.summary


def test_too_few_new_hires_are_not_shown(world):
    run_on(DAY_ONE)
    fig = figure("journeys", filters(world.cast.org, minimum=5))
    assert fig.rows == [["", "", "", ""]]
    assert fig.hidden == 1
    assert "Not enough" in fig.summary
