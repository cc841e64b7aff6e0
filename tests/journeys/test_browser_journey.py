"""Issue 16's "new hire → journey" in a real Chromium: HR turns journeys on for the
onboarding program and uploads a roster with a new hire; the scheduler's daily jobs
enroll her and start her journey; HR sees its progress in plain words; the new hire
sees whom she meets and what comes next, on her home page's card and her journey page.
Pages are checked with axe-core and photographed (artifacts/screenshots/journeys-*.png)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from crosspaths.housekeeping.services import housekeeping_run_due
from crosspaths.journeys.models import Journey, JourneyStep
from crosspaths.people.models import Person

from ..browser import assert_accessible, screenshot, sign_in
from ..cast import PASSWORD
from .conftest import DAY_ONE, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROSTER = """id,name,email,department,location,manager_id,start_date,timezone,languages
N1,Nina Neumann,nina@acme.test,People,Munich,A1,2026-11-23,Europe/Berlin,en;de
"""


def check(page: Page, name: str) -> None:
    assert_accessible(page)
    screenshot(page, f"journeys-{name}")


def test_a_new_hire_from_the_roster_gets_a_journey_hr_and_she_can_follow(
    page: Page, live_server, cast, settings, tmp_path
):
    settings.SITE_URL = live_server.url
    world = make_world(cast, journeys_on=False)
    # The world's Nina is not in this story: the roster brings the new hire.
    world.nina.delete()
    world.nina.user.delete()
    Person.objects.filter(organization=cast.org).update(onboarded_at=DAY_ONE)

    # 1. HR turns journeys on for the onboarding program, with four introductions.
    sign_in(page.context, live_server.url, cast.alice.user)
    page.goto(live_server.url + "/console/")
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Journeys").click()
    expect(page.get_by_role("heading", name="Onboarding journeys")).to_be_visible()
    expect(page.get_by_text("Journeys are off for this program")).to_be_visible()
    check(page, "console-off")
    page.get_by_label("Introductions after the buddy week").fill("4")
    page.get_by_label("Active").check()
    page.get_by_role("button", name="Save journey settings").click()
    expect(page.get_by_text("Journey settings of Welcome saved.")).to_be_visible()
    expect(page.get_by_text(re.compile("Journeys are on: .* then 4 introductions"))).to_be_visible()

    # 2. The roster brings Nina, who started on Monday.
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Roster").click()
    path = tmp_path / "new-hires.csv"
    path.write_text(ROSTER, encoding="utf-8")
    page.get_by_label("Roster file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_text("Nina Neumann")).to_be_visible()
    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_text(re.compile("Roster applied: 1 new"))).to_be_visible()
    nina = Person.objects.get(organization=cast.org, email="nina@acme.test")

    # 3. The scheduler's daily jobs: enrolled as a new hire, her journey starts with a
    # buddy, published as a round with its introductions.
    with time_machine.travel(DAY_ONE + timedelta(hours=1), tick=False):
        housekeeping_run_due(now=DAY_ONE + timedelta(hours=1))
    journey = Journey.objects.get(person=nina)
    buddy = JourneyStep.objects.get(journey=journey, number=1)
    assert buddy.colleague is not None and buddy.match is not None

    # 4. HR sees the journey's progress in plain words.
    page.reload()
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Journeys").click()
    row = page.get_by_role("row", name=re.compile("Nina Neumann"))
    expect(row).to_contain_text("Week 1 of 5: met 1 colleague from 1 department.")
    expect(row).to_contain_text(f"{buddy.colleague.name} · {buddy.department} · no answer yet")
    expect(row).to_contain_text("Introduction 1: a colleague from another department")
    check(page, "console-progress")

    # 5. Nina signs in and sees her journey: her buddy, and what comes next.
    user = User.objects.create_user(username=nina.email, email=nina.email, password=PASSWORD)
    Person.objects.filter(pk=nina.pk).update(user=user, onboarded_at=DAY_ONE)
    page.context.clear_cookies()
    sign_in(page.context, live_server.url, user)
    # Her home page carries the journey card: her buddy, the steps, what comes next.
    page.goto(live_server.url + "/")
    card = page.get_by_test_id("journey-card")
    expect(card).to_contain_text("Week 1 of 5")
    expect(card.get_by_role("link", name=buddy.colleague.name)).to_be_visible()
    expect(card).to_contain_text("1 done, 4 to come")
    expect(card).to_contain_text("Introduction 1: a colleague from another department")
    check(page, "home-card")
    page.goto(live_server.url + "/journey/")
    expect(page.get_by_role("heading", name="Your onboarding journey")).to_be_visible()
    expect(page.get_by_role("link", name=buddy.colleague.name)).to_be_visible()
    expect(page.get_by_text("Introduction 1: a colleague from another department")).to_be_visible()
    check(page, "mine")
    page.set_viewport_size({"width": 390, "height": 844})
    check(page, "mine-phone")
    # The buddy meeting is an ordinary match: its page opens from the journey.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name=buddy.colleague.name).click()
    expect(page.get_by_text(buddy.colleague.name).first).to_be_visible()
    check(page, "match")

    # 6. A week later her second step is taken: the card shows this week's colleague,
    # in German once she reads German.
    later = DAY_ONE + timedelta(weeks=1, hours=1)
    with time_machine.travel(later, tick=False):
        housekeeping_run_due(now=later)
    second = JourneyStep.objects.get(journey=journey, number=2)
    assert second.colleague is not None
    Person.objects.filter(pk=nina.pk).update(language="de")
    page.goto(live_server.url + "/")
    card = page.get_by_test_id("journey-card")
    expect(card).to_contain_text("Woche 2 von 5")
    expect(card).to_contain_text(f"aus {second.department}")
    expect(card).to_contain_text("2 erledigt, 3 folgen")
    check(page, "home-card-week-2-de")
