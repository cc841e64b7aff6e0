"""The encounter loop in a real Chromium (issue 12): a person in two programs sees two
cards (in German, on a phone too), the organizer of one group moves the meeting to
another free time on the match page, and every member gets the new time as an update
of the same calendar event (SEQUENCE 1); a member then says they can't make it and
the other is told. Pages are checked with axe-core and photographed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from crosspaths.notify.models import Message
from crosspaths.notify.services import outbox_write_round
from crosspaths.programs.models import Enrollment, LeftOut, Match, Program

from ..browser import assert_accessible, screenshot, sign_in
from .conftest import make_match, make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
ROUND = date(2026, 11, 23)  # the Monday before TEST_NOW (Thu 26 Nov 2026, 08:00 UTC)


def check(page: Page, name: str) -> None:
    assert_accessible(page)
    screenshot(page, name)
    page.set_viewport_size(PHONE)
    assert_accessible(page)
    screenshot(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)


@pytest.fixture
def two_programs(onboarded):
    cast = onboarded
    coffee = make_program(
        cast.org, name="Coffee roulette", weekday=0, time=time(9), starts_on=date(2026, 11, 2)
    )
    lunch = make_program(
        cast.org,
        name="Lunch club",
        format=Program.Format.LUNCH,
        weekday=0,
        time=time(9),
        starts_on=date(2026, 11, 2),
    )
    for program in (coffee, lunch):
        for person in (cast.alice, cast.bob, cast.chidi):
            Enrollment.objects.create(organization=cast.org, program=program, person=person)
    coffee_match = make_match(
        [cast.chidi, cast.bob],
        program=coffee,
        on=ROUND,
        start=datetime(2026, 11, 27, 10, 0, tzinfo=UTC),
    )
    lunch_match = make_match(
        [cast.alice, cast.bob],
        program=lunch,
        on=ROUND,
        start=datetime(2026, 11, 26, 11, 30, tzinfo=UTC),
        minutes=60,
        video_link="",
    )
    for match in (coffee_match, lunch_match):
        outbox_write_round(round=match.round, now=timezone.now())
    Message.objects.filter(kind="intro").update(status="sent")
    return coffee_match, lunch_match


def test_two_cards_and_an_organizer_who_moves_the_meeting(
    page: Page, live_server, onboarded, two_programs
):
    cast = onboarded
    coffee_match, lunch_match = two_programs
    cast.bob.language = "de"
    cast.bob.save()
    page.set_viewport_size(DESKTOP)

    # Bob (German) is in both programs: one card each, each with its next round.
    sign_in(page.context, live_server.url, cast.bob.user)
    page.goto(live_server.url + "/")
    cards = page.locator("section.match-card")
    expect(cards).to_have_count(2)
    expect(page.get_by_role("heading", name="Sie treffen Chidi Okafor")).to_be_visible()
    expect(page.get_by_role("heading", name="Sie treffen Alice Adler")).to_be_visible()
    expect(page.get_by_text("Ihre nächste Runde: Montag, 30. November 2026.")).to_have_count(2)
    expect(page.get_by_role("link", name="E-Mail an alle").first).to_have_attribute(
        "href", "mailto:chidi@acme.test?subject=Coffee%20roulette%20mit%20Chidi%20Okafor"
    )
    check(page, "de-home-two-programs")
    page.context.clear_cookies()

    # Chidi organizes the coffee: he picks another free time on the match page.
    sign_in(page.context, live_server.url, cast.chidi.user)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Confirm or change the time").click()
    expect(page.get_by_role("heading", name="You organize this meeting")).to_be_visible()
    check(page, "en-match-organizer")
    first_choice = page.locator("#propose input[type=radio]").first
    chosen = first_choice.get_attribute("value")
    assert chosen is not None
    first_choice.check()
    page.get_by_role("button", name="Send the new time").click()
    expect(page.get_by_text("The new time is set.")).to_be_visible()
    expect(page.get_by_text("Chidi Okafor confirmed this time.")).to_be_visible()
    coffee_match.refresh_from_db()
    assert coffee_match.suggested_start == datetime.fromisoformat(chosen)
    assert coffee_match.sequence == 1
    news = Message.objects.filter(kind="reschedule", match=coffee_match)
    assert {m.person.email for m in news} == {"bob@acme.test", "chidi@acme.test"}
    assert all(m.dedupe_key.endswith(":1") for m in news)  # SEQUENCE 1 of the same event

    # A typed time outside the round's window is refused with a clear sentence.
    page.get_by_label("Or another day").fill("2026-12-03")
    page.get_by_label("at", exact=True).fill("10:00")
    page.get_by_role("button", name="Send the new time").click()
    expect(page.get_by_text("Choose a time before this round ends")).to_be_visible()
    check(page, "en-match-organizer-refused")
    page.context.clear_cookies()

    # Alice can't make the lunch: Bob is told, and waits for the next round.
    sign_in(page.context, live_server.url, cast.alice.user)
    page.goto(f"{live_server.url}/matches/{lunch_match.pk}/")
    page.get_by_role("button", name="I can't make it this round").click()
    expect(page.get_by_text("Thanks for saying so.")).to_be_visible()
    assert not Match.objects.get(pk=lunch_match.pk).members.exists()
    assert LeftOut.objects.get(person=cast.bob, round=lunch_match.round).code == "partner_withdrew"
    assert Message.objects.filter(kind="left_out", person=cast.bob).exists()
    page.context.clear_cookies()
    sign_in(page.context, live_server.url, cast.bob.user)
    page.goto(live_server.url + "/")
    expect(page.locator("section.match-card")).to_have_count(1)
    expect(page.get_by_text("Keine Gruppe in dieser Runde")).to_be_visible()
    expect(page.get_by_text("Warum: Ihr Gegenüber kann in dieser Runde nicht")).to_be_visible()
    check(page, "de-home-one-program-left")
