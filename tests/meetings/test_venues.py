"""Venues: a program names where its in-person groups meet at each location ("Munich:
Kantine 3rd floor, 12:30"); the introduction, the match page and the invitation say it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone

from crosspaths.meetings.calendar import match_calendar
from crosspaths.notify.emails import build_message
from crosspaths.notify.models import Message
from crosspaths.notify.services import outbox_write_round
from crosspaths.programs.models import Match, MatchMember, Program, Round
from tests.cast import PASSWORD
from tests.console.test_programs import form_data

VENUE = "Kantine 3rd floor, 12:30"


def test_an_admin_names_a_venue_per_location_on_the_program_form(client, cast):
    client.login(username="alice@acme.test", password=PASSWORD)
    response = client.post(
        "/console/programs/new/",
        form_data(cast, format="lunch", venues=f"  munich :  {VENUE}\n\n"),
    )
    assert response.status_code == 302
    program = Program.objects.get(name="Onboarding buddies")
    assert program.venues == {str(cast.munich.pk): VENUE}
    page = client.get(f"/console/programs/{program.pk}/edit/").content.decode()
    assert f"Munich: {VENUE}" in page


def test_a_venue_line_that_names_no_location_is_refused_with_its_number(client, cast):
    client.login(username="alice@acme.test", password=PASSWORD)
    response = client.post(
        "/console/programs/new/",
        form_data(cast, format="lunch", venues=f"Munich: {VENUE}\nBerlin: Foyer\nno colon"),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Line 2: “Berlin” is not one of your locations (Munich)." in body
    assert "Line 3: write the location, a colon and the place." in body
    assert not Program.objects.filter(name="Onboarding buddies").exists()


@pytest.fixture
def lunch(cast):
    program = Program.objects.create(
        organization=cast.org,
        name="Lunch",
        format="lunch",
        venues={str(cast.munich.pk): VENUE},
    )
    rnd = Round.objects.create(
        organization=cast.org,
        program=program,
        date=date(2026, 11, 30),
        status="published",
        published_at=timezone.now(),
    )
    start = datetime(2026, 12, 2, 12, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    match = Match.objects.create(
        organization=cast.org,
        round=rnd,
        organizer=cast.chidi,
        location=cast.munich,
        suggested_start=start,
        suggested_end=start + timedelta(hours=1),
    )
    for p in (cast.chidi, cast.bob):
        MatchMember.objects.create(organization=cast.org, match=match, round=rnd, person=p)
    return match


def test_the_introduction_names_the_venue(lunch, cast):
    outbox_write_round(round=lunch.round, now=timezone.now())
    intro = Message.objects.get(kind="intro", person=cast.chidi)
    email = build_message(intro)
    assert f"Meet in person in Munich, {VENUE}." in email.body
    html = email.alternatives[0][0]
    assert f"Meet in person in Munich, {VENUE}." in html


def test_the_invitation_location_is_the_venue(lunch):
    calendar = icalendar.Calendar.from_ical(match_calendar(match=lunch, method="REQUEST"))
    (event,) = calendar.walk("VEVENT")
    assert str(event["LOCATION"]) == f"Munich, {VENUE}"


def test_the_match_page_names_the_venue(lunch, client):
    client.login(username="bob@acme.test", password=PASSWORD)
    body = client.get(f"/matches/{lunch.pk}/").content.decode()
    assert f"Munich, {VENUE}" in body


def test_without_a_venue_the_location_alone(lunch):
    lunch.round.program.venues = {}
    lunch.round.program.save()
    assert Match.objects.get(pk=lunch.pk).place == "Munich"
