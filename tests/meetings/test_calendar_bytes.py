"""The invitation's bytes are written by meetings/calendar.py itself, line by line (for
the delivery's CPU), and must be the bytes icalendar wrote when ``match_calendar``
built a ``Calendar`` with it. These tests hold the two equal: ``reference_ics`` below
builds the calendar as ``match_calendar`` did (icalendar's public API, ``to_ical``),
for thousands of random invitations and for real matches."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event, vCalAddress, vText

from crosspaths.meetings.calendar import (
    Invitation,
    Method,
    _vtimezone,
    _vtimezone_ical,
    calendar_organizer,
    invitation_ics,
    match_calendar,
    match_invitation,
)
from crosspaths.programs.models import Match, MatchMember, Program, Round

ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "UTC",
    "Africa/Abidjan",  # icalendar counts it as UTC: times with Z, no TZID
    "Asia/Kathmandu",
]
METHODS: list[Method] = ["REQUEST", "CANCEL", "PUBLISH"]
# Escapes of TEXT (\ ; , line breaks, a written \N) and of parameters (^ " line
# breaks; quoting for , ; : U+2019 and, in CN, space and '), wide characters to fold in.
ALPHABET = "abcdefghij KLMNOP 0123 ,;:\\^\"'\u2019\n\r é€ü…😀" + "xyz" * 5
PIECES = ["\\N", "\r\n", "\\n", "^n", "^^", "\\\\", "Zoë", "€", "😀", '"', "^'"]


def _address(name: str, email: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(name or email)
    return address


def reference_calendar(invitation: Invitation) -> Calendar:
    """The calendar as ``match_calendar`` built it before it wrote the lines itself."""
    inv = invitation
    cal = Calendar()
    cal.add("prodid", "-//Crosspaths//Encounters//EN")
    cal.add("version", "2.0")
    cal.add("method", inv.method)
    event = Event()
    event.add("uid", inv.uid)
    event.add("sequence", inv.sequence)
    event.add("dtstamp", inv.stamp)
    if inv.start is not None:
        event.add("dtstart", inv.start)
        if inv.end is not None:
            event.add("dtend", inv.end)
    event.add("summary", inv.summary)
    event.add("description", inv.description)
    if inv.location is not None:
        event.add("location", inv.location)
    if inv.url is not None:
        event.add("url", inv.url)
    event["organizer"] = _address(*inv.organizer)
    for name, email in inv.attendees:
        attendee = _address(name, email)
        attendee.params["CUTYPE"] = vText("INDIVIDUAL")
        attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
        attendee.params["PARTSTAT"] = vText("NEEDS-ACTION")
        attendee.params["RSVP"] = vText("TRUE" if inv.method == "REQUEST" else "FALSE")
        event.add("attendee", attendee, encode=False)
    event.add("status", "CANCELLED" if inv.method == "CANCEL" else "CONFIRMED")
    cal.add_component(event)
    return cal


def reference_ics(invitation: Invitation, zone: str, year: int) -> bytes:
    """Its bytes, with the VTIMEZONE as ``match_calendar`` placed it: made once per
    zone and put before the event (where ``add_component`` puts it: tested below)."""
    ical = reference_calendar(invitation).to_ical()
    if invitation.start is None:
        return ical
    at = ical.index(b"BEGIN:VEVENT")
    return ical[:at] + _vtimezone_ical(zone, year) + ical[at:]


def _text(rng: random.Random, longest: int = 120) -> str:
    length = rng.choice([0, 1, 5, 20, 60, 73, 74, 75, 76, rng.randint(0, longest), longest])
    out = []
    while len(out) < length:
        out.append(rng.choice(PIECES) if rng.random() < 0.1 else rng.choice(ALPHABET))
    return "".join(out)


def _email(rng: random.Random) -> str:
    local = rng.choice(["bob", "zoë.ünal", "a+b", "o'hara", "x;y", "a,b", "^hat", "p" * 60])
    return f"{local}{rng.randint(0, 999)}@{rng.choice(['acme.test', 'bücher.example'])}"


def random_invitation(rng: random.Random) -> tuple[Invitation, str, int]:
    """An invitation as ``match_invitation`` might collect it, with hard text."""
    method = rng.choice(METHODS)
    zone = rng.choice(ZONES)
    start = end = None
    year = rng.choice([2025, 2026, 2027])
    vtimezone = b""
    if method != "CANCEL" or rng.random() < 0.7:
        instant = datetime(year, 1, 1, tzinfo=UTC) + timedelta(
            minutes=rng.randint(0, 365 * 24 * 60), seconds=rng.choice([0, 0, 59])
        )
        start = instant.astimezone(ZoneInfo(zone))
        if rng.random() < 0.7:
            end = start + timedelta(minutes=rng.choice([15, 30, 45, 60, 24 * 60]))
        vtimezone = _vtimezone_ical(zone, year)
    members = [(_text(rng, 40) if rng.random() < 0.8 else "", _email(rng)) for _ in range(6)]
    members = members[: rng.randint(0, 6)]
    link = None
    if rng.random() < 0.4:
        link = "https://meet.jit.si/crosspaths-" + rng.choice(
            ["abc123", "x" * rng.randint(40, 90), "a,b;c:d^e\"f'g\\h?q=é€", ""]
        )
    location = link if link else rng.choice([None, None, "", _text(rng, 100)])
    invited = members if method != "CANCEL" else members[: rng.randint(0, len(members))]
    invitation = Invitation(
        method=method,
        uid=f"crosspaths-match-{rng.randint(1, 10**7)}@"
        + rng.choice(["crosspaths.example", "localhost", "crosspaths.invalid"]),
        sequence=rng.choice([0, 1, 2, rng.randint(0, 10**6)]),
        stamp=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randint(0, 400 * 24 * 3600)),
        start=start,
        end=end,
        vtimezone=vtimezone,
        summary=_text(rng, 200),
        description="\n".join(_text(rng, 300) for _ in range(rng.randint(1, 6))),
        location=location,
        url=link,
        organizer=rng.choice([("Crosspaths", "crosspaths@localhost"), members[0]])
        if members
        else ("Crosspaths", "crosspaths@localhost"),
        attendees=[] if method == "PUBLISH" else invited,
    )
    return invitation, zone, year


def test_the_same_bytes_as_icalendar_for_random_invitations():
    rng = random.Random(13)  # the same invitations every run
    seen: dict[str, int] = dict.fromkeys(
        ["folded", "escape at fold", "wide at fold", "quoted CN", "^ escape", "Z", "TZID"], 0
    )
    methods: set[str] = set()
    for i in range(3_000):
        invitation, zone, year = random_invitation(rng)
        expected = reference_ics(invitation, zone, year)
        assert invitation_ics(invitation) == expected, (i, invitation)
        methods.add(invitation.method)
        lines = expected.split(b"\r\n")
        seen["folded"] += sum(line.startswith(b" ") for line in lines)
        seen["escape at fold"] += sum(line.startswith((b" \\", b" ^")) for line in lines)
        seen["wide at fold"] += sum(line[1:2] >= b"\xc0" for line in lines if line[:1] == b" ")
        seen["quoted CN"] += expected.count(b';CN="')
        seen["^ escape"] += expected.count(b"^^") + expected.count(b"^'")
        seen["Z"] += expected.count(b"DTSTART:")
        seen["TZID"] += expected.count(b"DTSTART;TZID=")
    assert methods == set(METHODS)
    assert min(seen.values()) > 100, seen  # every rule above was exercised


def test_the_vtimezone_is_where_icalendar_puts_a_zone_before_the_event():
    rng = random.Random(7)
    zones: set[str] = set()
    while len(zones) < len(ZONES):
        invitation, zone, year = random_invitation(rng)
        if invitation.start is None:
            continue
        cal = reference_calendar(invitation)
        cal.subcomponents.insert(0, _vtimezone(zone, year))
        assert invitation_ics(invitation) == cal.to_ical()
        zones.add(zone)


def test_the_bytes_parse_back_to_the_invitation():
    """icalendar reads what was written (texts without a backslash: icalendar's own
    unescaping turns a written ``\\n`` into a line break)."""
    rng = random.Random(29)
    for _ in range(200):
        invitation, zone, _year = random_invitation(rng)
        cal = Calendar.from_ical(invitation_ics(invitation))
        (event,) = cal.walk("VEVENT")
        assert str(cal["method"]) == invitation.method
        assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == (
            [zone] if invitation.start else []
        )
        if invitation.start is not None:
            assert event.decoded("dtstart") == invitation.start
        assert event.decoded("dtstamp") == invitation.stamp
        assert int(event["sequence"]) == invitation.sequence
        if "\\" not in invitation.summary:
            assert str(event["summary"]) == _lines(invitation.summary)
        if "\\" not in invitation.description:
            assert str(event["description"]) == _lines(invitation.description)
        attendees = event.get("attendee", [])
        attendees = attendees if isinstance(attendees, list) else [attendees]
        assert [str(a) for a in attendees] == [f"mailto:{e}" for _, e in invitation.attendees]
        for attendee, (name, email) in zip(attendees, invitation.attendees, strict=True):
            if "\\" not in name:  # icalendar reads a parameter's \\ as \
                assert attendee.params["CN"] == _breaks(name or email)


def _lines(text: str) -> str:
    """A TEXT value as icalendar reads it back: ``\\N`` and every line break a \\n."""
    return _breaks(text.replace("\\N", "\n"))


def _breaks(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def test_a_line_break_in_an_address_is_refused_as_icalendar_refuses_it():
    rng = random.Random(3)
    invitation, _zone, _year = random_invitation(rng)
    for broken in ({"organizer": ("Eve", "eve@acme.test\r\nX-EVIL:1")}, {"url": "https://x\n"}):
        with pytest.raises(ValueError):
            invitation_ics(dataclasses.replace(invitation, **broken))


# --- real matches: match_calendar against the calendar built from the match ---------


def reference_match_calendar(*, match: Match, method: Method, attendees=None) -> bytes | None:
    """``match_calendar`` as it was, the translated texts taken from
    ``match_invitation`` (that part did not change)."""
    if match.suggested_start is None and method != "CANCEL":
        return None
    texts = match_invitation(
        match=match, method=method, language=None, attendees=attendees, reasons=None
    )
    members = [m.person for m in match.members.order_by("pk")]
    organizer = match.organizer or (members[0] if members else None)
    zone = ZoneInfo(organizer.effective_timezone if organizer else "UTC")
    cal = Calendar()
    cal.add("prodid", "-//Crosspaths//Encounters//EN")
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", texts.uid)
    event.add("sequence", match.sequence)
    event.add("dtstamp", texts.stamp)
    if match.suggested_start is not None:
        event.add("dtstart", match.suggested_start.astimezone(zone))
        if match.suggested_end:
            event.add("dtend", match.suggested_end.astimezone(zone))
    event.add("summary", texts.summary)
    event.add("description", texts.description)
    if match.video_link:
        event.add("location", match.video_link)
        event.add("url", match.video_link)
    elif match.location_id:
        event.add("location", match.place)
    event["organizer"] = _address(*calendar_organizer())
    invited = list(attendees) if attendees is not None else members
    for person in invited if method != "PUBLISH" else []:
        attendee = _address(person.name, person.email)
        attendee.params["CUTYPE"] = vText("INDIVIDUAL")
        attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
        attendee.params["PARTSTAT"] = vText("NEEDS-ACTION")
        attendee.params["RSVP"] = vText("TRUE" if method == "REQUEST" else "FALSE")
        event.add("attendee", attendee, encode=False)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    cal.add_component(event)
    ical = cal.to_ical()
    if match.suggested_start is None:
        return ical
    at = ical.index(b"BEGIN:VEVENT")
    return ical[:at] + _vtimezone_ical(str(zone.key), match.suggested_start.year) + ical[at:]


@pytest.mark.parametrize("where", ["video", "venue", "location without venue", "nowhere"])
@pytest.mark.parametrize("slot", ["start and end", "start", "none"])
def test_a_matchs_calendar_is_the_one_icalendar_built(cast, where, slot):
    program = Program.objects.create(
        organization=cast.org,
        name='Lunch, "Kaffee"; 😀 ^ \\N',
        format="lunch",
        venues={str(cast.munich.pk): "Kantine; 3rd floor, 12:30"} if where == "venue" else {},
    )
    rnd = Round.objects.create(
        organization=cast.org, program=program, date=date(2026, 12, 28), status="published"
    )
    start = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # next year in Berlin
    match = Match.objects.create(
        organization=cast.org,
        round=rnd,
        organizer=cast.chidi,
        suggested_start=start if slot != "none" else None,
        suggested_end=start + timedelta(minutes=45) if slot == "start and end" else None,
        video_link="https://meet.jit.si/crosspaths-abc?x=1,2" if where == "video" else "",
        location=cast.munich if where in ("venue", "location without venue") else None,
        sequence=3,
        reasons=[{"code": "different_departments", "text": "different", "params": {}}],
    )
    for person in (cast.chidi, cast.bob, cast.alice):
        MatchMember.objects.create(organization=cast.org, match=match, round=rnd, person=person)
    match = Match.objects.get(pk=match.pk)
    for method in METHODS:
        expected = reference_match_calendar(match=match, method=method)
        assert match_calendar(match=match, method=method) == expected, method
    cancel = match_calendar(match=match, method="CANCEL", attendees=[cast.bob])
    assert cancel == reference_match_calendar(match=match, method="CANCEL", attendees=[cast.bob])
