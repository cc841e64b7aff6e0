"""Calendar invitations (RFC 5545, made with icalendar) for a match's suggested slot.

One event per match: its UID never changes, so when the slot moves the new
invitation (with a higher SEQUENCE, ``Match.sequence``) updates the event already
in everyone's calendar instead of adding a second one.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from crosspaths.programs.models import Match
from crosspaths.programs.reasons import reason_text


def match_uid(match: Match) -> str:
    """The event's stable identity: the match, on this site."""
    host = urlparse(settings.SITE_URL).hostname or "crosspaths.invalid"
    return f"crosspaths-match-{match.pk}@{host}"


def _address(person) -> vCalAddress:  # type: ignore[no-untyped-def]
    address = vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = vText(person.name or person.email)
    return address


def match_calendar(
    *, match: Match, method: str = "REQUEST", language: str | None = None
) -> bytes | None:
    """An iCalendar file inviting every member of ``match`` to its suggested slot, with
    the organizer as ORGANIZER and times in the organizer's time zone (VTIMEZONE
    included). None when the match has no suggested slot. ``method`` is REQUEST for
    an invitation or an update, CANCEL to withdraw it."""
    if match.suggested_start is None:
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
        lines = [_("Crosspaths matched you: %(names)s.") % {"names": names}]
        for reason in match.reasons:
            lines.append("• " + reason_text(reason))
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
    event.add("dtstamp", match.updated_at or match.created_at)
    event.add("dtstart", match.suggested_start.astimezone(zone))
    if match.suggested_end:
        event.add("dtend", match.suggested_end.astimezone(zone))
    event.add("summary", summary)
    event.add("description", "\n".join(lines))
    if match.video_link:
        event.add("location", match.video_link)
        event.add("url", match.video_link)
    elif match.location_id:
        event.add("location", match.location.name)
    if organizer:
        event["organizer"] = _address(organizer)
    for person in members:
        attendee = _address(person)
        attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
        attendee.params["PARTSTAT"] = vText("NEEDS-ACTION")
        attendee.params["RSVP"] = vText("TRUE")
        event.add("attendee", attendee, encode=0)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    cal.add_component(_vtimezone(str(zone.key), match.suggested_start.year))
    cal.add_component(event)
    return cal.to_ical()


@lru_cache(maxsize=256)
def _vtimezone(tzid: str, year: int) -> Timezone:
    """The VTIMEZONE for a zone around ``year``. Built once per process: computing
    it from the tz database covers decades by default and costs more than the rest
    of an e-mail, and the event only needs the rules of its own season."""
    return Timezone.from_tzid(
        tzid, first_date=date(year - 1, 1, 1), last_date=date(year + 1, 12, 31)
    )
