"""Calendar invitations (RFC 5545) for a match's suggested slot.

The content lines are written here, escaped and folded by our own few functions:
building icalendar's ``Calendar`` and ``Event`` objects and serializing them was a
fifth of the delivery worker's CPU per e-mail. The bytes are the ones icalendar
writes for the same calendar (property and parameter order, TEXT escaping, RFC 6868
parameter escapes and quoting, folding): tests/meetings/test_calendar_bytes.py builds
it with icalendar for thousands of random invitations and compares. icalendar still
makes the VTIMEZONE (once per zone and year) and reads calendars in the tests.

One event per match: its UID never changes, so when the slot moves the new
invitation (with a higher SEQUENCE, ``Match.sequence``) updates the event already
in everyone's calendar instead of adding a second one.

Who is who (iTIP, RFC 5546): the ORGANIZER is Crosspaths itself, the address the
e-mails come from (``CALENDAR_ORGANIZER``, by default ``DEFAULT_FROM_EMAIL``), and every
member is an ATTENDEE asked to answer. Were a member the ORGANIZER, their own calendar
would treat the invitation as a meeting they sent to themselves and the others'
answers would land in their inbox. The member who organizes the group is named in
the description. Answers (accept, decline) go to the organizer mailbox, where
Crosspaths does not read them (docs/rounds.md).

Three methods: REQUEST in the e-mails (an invitation or, with the same UID and a
higher SEQUENCE, an update), CANCEL to withdraw the event, PUBLISH for the file
downloaded from the site (a copy for one's own calendar, not a scheduling message,
so it carries no ATTENDEE: RFC 5546 §3.2.1).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from email.utils import parseaddr
from functools import lru_cache
from typing import Literal
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Timezone
from icalendar.timezone.tzid import tzid_from_tzinfo

from crosspaths import clock
from crosspaths.people.models import Person
from crosspaths.programs.models import Match
from crosspaths.programs.wording import reason_sentences


def match_uid(match: Match) -> str:
    """The event's stable identity: the match, on this site."""
    host = urlparse(settings.SITE_URL).hostname or "crosspaths.invalid"
    return f"crosspaths-match-{match.pk}@{host}"


Method = Literal["REQUEST", "CANCEL", "PUBLISH"]


def calendar_organizer() -> tuple[str, str]:
    """(name, address) of the event's ORGANIZER: the configured mailbox, else the
    sender of Crosspaths' e-mails."""
    return _organizer(settings.CALENDAR_ORGANIZER or settings.DEFAULT_FROM_EMAIL)


@lru_cache(maxsize=16)
def _organizer(mailbox: str) -> tuple[str, str]:
    """Parsed once per setting (the address parser costs 10 us an invitation)."""
    name, address = parseaddr(mailbox)
    return name or "Crosspaths", address


@dataclass(frozen=True, slots=True)
class Invitation:
    """What an invitation says, read from the match and translated: the times in the
    organizer's zone, ``vtimezone`` that zone's VTIMEZONE (b"" without a slot),
    ``location``/``url`` None when the event has no such line, ``attendees`` as
    (name, address)."""

    method: Method
    uid: str
    sequence: int
    stamp: datetime
    start: datetime | None
    end: datetime | None
    vtimezone: bytes
    summary: str
    description: str
    location: str | None
    url: str | None
    organizer: tuple[str, str]
    attendees: Sequence[tuple[str, str]]


def match_calendar(
    *,
    match: Match,
    method: Method = "REQUEST",
    language: str | None = None,
    attendees: Sequence[Person] | None = None,
    reasons: Sequence[str] | None = None,
) -> bytes | None:
    """An iCalendar object for ``match``'s suggested slot, times in the group
    organizer's time zone (VTIMEZONE included). ``method``: REQUEST invites every
    member (or updates their event), CANCEL withdraws it, PUBLISH is a plain copy for
    one's own calendar. None when there is no slot to invite to (a CANCEL needs none).
    ``attendees`` names the people a CANCEL removes when they are not all the members
    (someone who dropped out: RFC 5546 §3.2.5 lists only them). ``reasons``: the
    match's reasons as sentences in ``language``, when the caller has them already."""
    if match.suggested_start is None and method != "CANCEL":
        return None
    invitation = match_invitation(
        match=match, method=method, language=language, attendees=attendees, reasons=reasons
    )
    return invitation_ics(invitation)


def match_invitation(
    *,
    match: Match,
    method: Method,
    language: str | None,
    attendees: Sequence[Person] | None,
    reasons: Sequence[str] | None,
) -> Invitation:
    """What ``match_calendar`` writes, as plain values (see there)."""
    prefetched = getattr(match, "_prefetched_objects_cache", {}).get("members")
    rows = (
        prefetched
        if prefetched is not None
        else match.members.select_related("person__location", "person__organization")
    )
    members = [m.person for m in sorted(rows, key=lambda m: m.pk)]
    organizer = match.organizer or (members[0] if members else None)
    zone = ZoneInfo(organizer.effective_timezone if organizer else "UTC")
    program = match.round.program
    with translation.override(language or (organizer.effective_language if organizer else "en")):
        names = ", ".join(p.name or p.email for p in members)
        summary = _("%(program)s: %(names)s") % {"program": program.name, "names": names}
        if method == "PUBLISH":  # no ATTENDEEs: the addresses go in the text
            names = ", ".join(f"{p.name} <{p.email}>" if p.name else p.email for p in members)
        lines = [_("Crosspaths matched you: %(names)s.") % {"names": names}]
        if reasons is None:
            reasons = reason_sentences(match.reasons)
        lines += ["• " + reason for reason in reasons]
        if match.video_link:
            lines.append(_("Video link: %(url)s") % {"url": match.video_link})
        if organizer:
            lines.append(_("%(name)s organizes this meeting.") % {"name": organizer.name})
    start = end = None
    vtimezone = b""
    if match.suggested_start is not None:
        start = match.suggested_start.astimezone(zone)
        if match.suggested_end:
            end = match.suggested_end.astimezone(zone)
        vtimezone = _vtimezone_ical(str(zone.key), match.suggested_start.year)
    invited = list(attendees) if attendees is not None else members
    return Invitation(
        method=method,
        uid=match_uid(match),
        sequence=match.sequence,
        # When this copy was made (RFC 5545 3.8.7.2 with a METHOD): a client receiving
        # two copies of one SEQUENCE keeps the later one.
        stamp=clock.now().astimezone(UTC).replace(microsecond=0),
        start=start,
        end=end,
        vtimezone=vtimezone,
        summary=summary,
        description="\n".join(lines),
        location=match.video_link or (match.place if match.location_id else None),
        url=match.video_link or None,
        organizer=calendar_organizer(),
        attendees=[] if method == "PUBLISH" else [(p.name, p.email) for p in invited],
    )


def invitation_ics(invitation: Invitation) -> bytes:
    """The invitation's bytes as icalendar's ``Calendar.to_ical()`` wrote them when
    ``match_calendar`` built the calendar with it: the properties in its canonical
    order (VERSION, PRODID, METHOD; SUMMARY, DTSTART, DTEND, DTSTAMP, UID, SEQUENCE,
    then the others by name), parameters by name, the VTIMEZONE before the VEVENT."""
    inv = invitation
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Crosspaths//Encounters//EN"]
    head.append("METHOD:" + inv.method)
    lines = ["BEGIN:VEVENT", "SUMMARY:" + _text(inv.summary)]
    if inv.start is not None:
        lines.append("DTSTART" + _date_time(inv.start))
        if inv.end is not None:
            lines.append("DTEND" + _date_time(inv.end))
    lines += ["DTSTAMP" + _date_time(inv.stamp), "UID:" + _text(inv.uid)]
    lines.append(f"SEQUENCE:{inv.sequence:d}")
    rsvp = "TRUE" if inv.method == "REQUEST" else "FALSE"
    lines += [
        f"ATTENDEE;{_cn(name or email)};CUTYPE=INDIVIDUAL;PARTSTAT=NEEDS-ACTION;"
        f"ROLE=REQ-PARTICIPANT;RSVP={rsvp}:{_address('mailto:' + email)}"
        for name, email in inv.attendees
    ]
    lines.append("DESCRIPTION:" + _text(inv.description))
    if inv.location is not None:
        lines.append("LOCATION:" + _text(inv.location))
    name, email = inv.organizer
    lines.append(f"ORGANIZER;{_cn(name or email)}:{_address('mailto:' + email)}")
    lines.append("STATUS:" + ("CANCELLED" if inv.method == "CANCEL" else "CONFIRMED"))
    if inv.url is not None:
        lines.append("URL:" + _address(inv.url))
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return _content_lines(head) + inv.vtimezone + _content_lines(lines)


def _content_lines(lines: list[str]) -> bytes:
    """As icalendar's ``Contentlines.to_ical``: UTF-8, each line ended by CRLF, those
    of 75 octets or more folded."""
    out = []
    for line in lines:
        data = line.encode("utf-8")
        out.append(data if len(data) < 75 else _fold(data))
    out.append(b"")
    return b"\r\n".join(out)


def _text(value: str) -> str:
    """A TEXT value escaped as icalendar's ``_escape_char`` does, step for step (its
    first step makes a written ``\\N`` a line break)."""
    return (
        value.replace("\\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


_RFC_6868 = re.compile(r'\^|\r\n|\r|\n|"')
_RFC_6868_ESCAPES = {"^": "^^", "\r\n": "^n", "\r": "^n", "\n": "^n", '"': "^'"}
_QUOTABLE = re.compile("[,;:\u2019]")  # what makes icalendar's dquote quote any value


def _param_value(value: str) -> str:
    """RFC 6868 escapes, as icalendar's ``rfc_6868_escape`` writes them."""
    return _RFC_6868.sub(lambda m: _RFC_6868_ESCAPES[m.group()], value)


def _cn(name: str) -> str:
    """The CN parameter as icalendar's ``Parameters.to_ical`` writes it: quoted when
    the name holds a space or ``'`` (its rule for CN, on the name before escaping) or
    its escaped value one of ``,;:`` or U+2019 (its rule for every parameter)."""
    value = _param_value(name)
    if " " in name or "'" in name or _QUOTABLE.search(value):
        return f'CN="{value}"'
    return "CN=" + value


def _address(value: str) -> str:
    """A CAL-ADDRESS or URI value, written as it is; icalendar refuses line breaks."""
    if "\r" in value or "\n" in value:
        raise ValueError(f"A URI value may not contain CR or LF characters: {value!r}")
    return value


def _date_time(moment: datetime) -> str:
    """``;TZID=zone:`` and the local time, or ``:`` and the time with ``Z`` in a zone
    icalendar counts as UTC (UTC, and zones equal to it such as Africa/Abidjan)."""
    tzid = _tzid(moment.tzinfo) or str(moment.tzname())
    value = (
        f"{moment.year:04}{moment.month:02}{moment.day:02}"
        f"T{moment.hour:02}{moment.minute:02}{moment.second:02}"
    )
    if tzid == "UTC":
        return f":{value}Z"
    tzid = _param_value(tzid)
    return f';TZID="{tzid}":{value}' if _QUOTABLE.search(tzid) else f";TZID={tzid}:{value}"


@lru_cache(maxsize=64)
def _tzid(zone: tzinfo | None) -> str | None:
    """The TZID icalendar gives the zone: its name, or ``UTC`` for every zone that
    equals UTC in icalendar's table of equivalent zones (None: the zone's own name)."""
    return tzid_from_tzinfo(zone)


def _fold(data: bytes) -> bytes:
    """icalendar's ``_foldline`` on the encoded line, in slices instead of a
    character at a time: each piece is the longest run of whole characters of at most
    74 octets, except that a piece ending in an escape's ``\\`` or ``^`` leaves that
    character to the next one (icalendar's rule, so no escape is split by a fold)."""
    pieces = []
    start = 0
    while len(data) - start > 74:
        end = start + 74
        while data[end] & 0xC0 == 0x80:  # inside a character: it goes to the next piece
            end -= 1
        if data[end - 1] in b"\\^":
            end -= 1
        pieces.append(data[start:end])
        start = end
    pieces.append(data[start:])
    return b"\r\n ".join(pieces)


@lru_cache(maxsize=256)
def _vtimezone_ical(tzid: str, year: int) -> bytes:
    return _vtimezone(tzid, year).to_ical()


@lru_cache(maxsize=256)
def _vtimezone(tzid: str, year: int) -> Timezone:
    """The VTIMEZONE for a zone around ``year``. Built once per process: computing
    it from the tz database covers decades by default and costs more than the rest
    of an e-mail, and the event only needs the rules of its own season."""
    return Timezone.from_tzid(
        tzid, first_date=date(year - 1, 1, 1), last_date=date(year + 1, 12, 31)
    )
