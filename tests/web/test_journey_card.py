"""The journey card on a new hire's home page: buddy, this week's step, steps done and
to come, what comes next, in English and German (the same words as HR's progress view,
from journeys.selectors)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from crosspaths.journeys.models import JourneyStep
from crosspaths.journeys.services import journeys_run
from crosspaths.people.models import Person

from ..cast import PASSWORD
from ..journeys.conftest import DAY_ONE, make_world


def run_on(moment):
    with time_machine.travel(moment, tick=False):
        journeys_run(now=moment)


@pytest.fixture
def nina_in_week_two(cast, client):
    world = make_world(cast)
    run_on(DAY_ONE)
    run_on(DAY_ONE + timedelta(weeks=1))
    Person.objects.filter(pk=world.nina.pk).update(onboarded_at=DAY_ONE)
    assert client.login(username="nina@acme.test", password=PASSWORD)
    return world


def home(client) -> str:
    with time_machine.travel(DAY_ONE + timedelta(weeks=1, hours=2), tick=False):
        return client.get("/").content.decode()


def test_a_new_hire_sees_her_buddy_this_weeks_colleague_and_what_comes(client, nina_in_week_two):
    buddy, second = JourneyStep.objects.filter(journey__person=nina_in_week_two.nina)
    body = home(client)
    assert 'data-testid="journey-card"' in body
    assert "Week 2 of 7" in body
    assert f"{buddy.colleague.name}</a> · {buddy.department}" in body
    assert f"{second.colleague.name}</a> · from {second.department}" in body
    assert "2 done, 5 to come" in body
    assert "Introduction 2: a colleague from another department, in the week of" in body
    assert 'href="/journey/"' in body


def test_the_card_speaks_german_to_a_german_new_hire(client, nina_in_week_two):
    Person.objects.filter(pk=nina_in_week_two.nina.pk).update(language="de")
    second = JourneyStep.objects.get(journey__person=nina_in_week_two.nina, number=2)
    body = home(client)
    assert "Ihre Onboarding-Reise" in body and "Woche 2 von 7" in body
    assert "Ihr Buddy" in body and "Diese Woche" in body
    assert f"aus {second.department}" in body
    assert "2 erledigt, 5 folgen" in body
    assert "Vorstellung 2: jemand aus einer anderen Abteilung" in body


def test_colleagues_without_a_journey_see_no_card(client, cast):
    make_world(cast)
    run_on(DAY_ONE)
    assert client.login(username="bob@acme.test", password=PASSWORD)
    assert 'data-testid="journey-card"' not in home(client)


def test_a_completed_journey_leaves_the_home_page(client, nina_in_week_two):
    nina_in_week_two.nina.journeys.update(completed_on=DAY_ONE.date() + timedelta(weeks=7))
    assert 'data-testid="journey-card"' not in home(client)


def test_the_card_costs_a_bounded_number_of_queries(
    client, nina_in_week_two, django_assert_max_num_queries
):
    with django_assert_max_num_queries(16):
        assert 'data-testid="journey-card"' in home(client)
