"""Calendar invitations (RFC 5545, made with icalendar) for a match's suggested slot.

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

from collections.abc import Sequence
from datetime import UTC, date
from email.utils import parseaddr
from functools import lru_cache
from typing import Literal
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vCalAddress, vText
from icalendar.parser import Contentline

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


def _address(name: str, email: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(name or email)
    return address


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

    cal = Calendar()
    cal.add("prodid", "-//Crosspaths//Encounters//EN")
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", match_uid(match))
    event.add("sequence", match.sequence)
    # When this copy was made (RFC 5545 3.8.7.2 with a METHOD): a client receiving two
    # copies of one SEQUENCE keeps the later one.
    event.add("dtstamp", clock.now().astimezone(UTC).replace(microsecond=0))
    if match.suggested_start is not None:
        event.add("dtstart", match.suggested_start.astimezone(zone))
        if match.suggested_end:
            event.add("dtend", match.suggested_end.astimezone(zone))
    event.add("summary", summary)
    event.add("description", "\n".join(lines))
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
    ical = calendar_bytes(cal)
    if match.suggested_start is None:
        return ical
    # The VTIMEZONE goes before the event, as cal.add_component would place it, but
    # as bytes made once per zone: writing it out was a third of an e-mail's CPU.
    at = ical.index(b"BEGIN:VEVENT")
    return ical[:at] + _vtimezone_ical(str(zone.key), match.suggested_start.year) + ical[at:]


def calendar_bytes(cal: Calendar) -> bytes:
    """``cal.to_ical()``, byte for byte, without icalendar's folding where a line
    needs none: its ``_foldline`` walks every line a character at a time (a fifth of
    the invitation's CPU) to fold the few longer than 74 octets. Those are folded by
    ``_fold`` (tests/meetings/test_calendar_bytes.py holds the two equal)."""
    return b"\r\n".join(_line_bytes(line) for line in cal.content_lines() if line) + b"\r\n"


def _line_bytes(line: Contentline) -> bytes:
    data = line.encode("utf-8")
    # _foldline leaves a line alone while each character's octets end before the limit.
    return data if len(data) < 75 else _fold(data)


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
