"""The .ics invitation, parsed back with icalendar as a calendar client would."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from crosspaths.meetings.calendar import match_calendar
from crosspaths.programs.models import Match, MatchMember, Program, Round
from tests.itip import itip_event

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def match(cast):
    program = Program.objects.create(
        organization=cast.org, name="Virtual coffee", format="virtual_coffee"
    )
    rnd = Round.objects.create(
        organization=cast.org, program=program, date=date(2026, 11, 30), status="published"
    )
    start = datetime(2026, 12, 2, 10, 0, tzinfo=BERLIN)
    m = Match.objects.create(
        organization=cast.org,
        round=rnd,
        organizer=cast.chidi,
        suggested_start=start,
        suggested_end=start + timedelta(minutes=30),
        video_link="https://meet.jit.si/crosspaths-abc123",
        reasons=[{"code": "different_departments", "text": "different departments", "params": {}}],
    )
    for p in (cast.chidi, cast.bob):
        MatchMember.objects.create(organization=cast.org, match=m, round=rnd, person=p)
    return m


def event_of(data: bytes, method: str = "REQUEST"):
    cal = Calendar.from_ical(data)
    assert str(cal["method"]) == method
    (event,) = cal.walk("VEVENT")
    return cal, event


def test_the_invitation_starts_at_the_slot_in_the_organizers_zone(match):
    cal, event = event_of(match_calendar(match=match))
    start = event.decoded("dtstart")
    assert start == datetime(2026, 12, 2, 10, 0, tzinfo=BERLIN)
    assert str(start.tzinfo) == "Europe/Berlin"
    assert event["dtstart"].params["TZID"] == "Europe/Berlin"
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert event.decoded("dtend") - start == timedelta(minutes=30)


def test_crosspaths_organizes_and_every_member_is_asked_to_answer(match, cast):
    data = match_calendar(match=match)
    event = itip_event(
        data,
        method="REQUEST",
        now=timezone.now(),
        attendees={"bob@acme.test", "chidi@acme.test"},
        organizer="crosspaths@localhost",
    )
    assert event["organizer"].params["CN"] == "Crosspaths"
    chidi = next(a for a in event["attendee"] if str(a) == "mailto:chidi@acme.test")
    assert dict(chidi.params) == {
        "CN": "Chidi Okafor",
        "CUTYPE": "INDIVIDUAL",
        "ROLE": "REQ-PARTICIPANT",
        "PARTSTAT": "NEEDS-ACTION",
        "RSVP": "TRUE",
    }
    assert "meet.jit.si/crosspaths-abc123" in str(event["location"])
    assert "Chidi Okafor organizes this meeting." in str(event["description"])


def test_a_configured_mailbox_is_the_organizer(match, settings):
    settings.CALENDAR_ORGANIZER = "People team <encounters@acme.test>"
    event = itip_event(
        match_calendar(match=match),
        method="REQUEST",
        now=timezone.now(),
        organizer="encounters@acme.test",
    )
    assert event["organizer"].params["CN"] == "People team"


def test_the_download_is_a_copy_not_an_invitation(match):
    event = itip_event(
        match_calendar(match=match, method="PUBLISH"),
        method="PUBLISH",
        now=timezone.now(),
        organizer="crosspaths@localhost",
    )
    assert "ATTENDEE" not in event
    assert "Bob Brandt" in str(event["summary"])  # the members are named, not invited


def test_a_cancel_withdraws_the_same_event(match):
    _, before = event_of(match_calendar(match=match))
    match.sequence += 1
    cancel = itip_event(
        match_calendar(match=match, method="CANCEL"),
        method="CANCEL",
        now=timezone.now(),
        attendees={"bob@acme.test", "chidi@acme.test"},
    )
    assert str(cancel["uid"]) == str(before["uid"])
    assert int(cancel["sequence"]) == int(before["sequence"]) + 1
    match.suggested_start = match.suggested_end = None  # a slot taken away: still a CANCEL
    itip_event(match_calendar(match=match, method="CANCEL"), method="CANCEL", now=timezone.now())


def test_the_stamp_is_when_the_copy_was_made(match):
    _, event = event_of(match_calendar(match=match))
    assert event.decoded("dtstamp") == timezone.now().replace(microsecond=0)


def test_a_reschedule_keeps_the_uid_and_raises_the_sequence(match):
    _, before = event_of(match_calendar(match=match))
    match.suggested_start += timedelta(days=1)
    match.suggested_end += timedelta(days=1)
    match.sequence += 1
    match.save()
    _, after = event_of(match_calendar(match=match))
    assert str(after["uid"]) == str(before["uid"])
    assert int(after["sequence"]) == int(before["sequence"]) + 1
    assert after.decoded("dtstart") - before.decoded("dtstart") == timedelta(days=1)


def test_the_text_is_in_the_requested_language(match):
    _, event = event_of(match_calendar(match=match, language="de"))
    assert "Chidi Okafor organisiert dieses Treffen." in str(event["description"])


def test_no_slot_means_no_invitation(match):
    match.suggested_start = None
    assert match_calendar(match=match) is None
