"""The home page's match card: who, why, what to talk about, when, where.

Built from one match with its members prefetched (no query per member): times are
converted to each person's zone; the reasons, conversation starters and the time for
the others are worded by ``programs.wording``, as in the e-mail and chat messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from crosspaths import clock
from crosspaths.meetings.models import CheckIn
from crosspaths.people.models import Organization, Person
from crosspaths.programs.models import Match, MatchMember, Program, Round
from crosspaths.programs.wording import (
    conversation_starters,
    join_words,
    reason_sentences,
    time_of_day,
    times_for_others,
    when_span,
)

DEFAULT_LENGTH = timedelta(minutes=30)


def zone_of(person: Person, organization: Organization) -> str:
    """Like ``Person.effective_timezone`` but without touching ``person.organization``
    (one query per member otherwise): everyone in a match shares the organization."""
    if person.timezone:
        return person.timezone
    if person.location_id and person.location and person.location.timezone:
        return person.location.timezone
    return organization.timezone


def visible_match(*, person: Person, pk: int) -> Match | None:
    """A match the person is in, in a round participants may see (published or
    closed), scoped to their organization; None for anything else."""
    return (
        Match.objects.filter(
            pk=pk,
            organization_id=person.organization_id,
            members__person=person,
            round__status__in=(Round.Status.PUBLISHED, Round.Status.CLOSED),
        )
        .select_related("round__program", "organizer", "location")
        .first()
    )


@dataclass
class Companion:
    person: Person
    zone: str
    local_time: str  # now, in their zone
    shared_interests: list[str]
    is_organizer: bool


@dataclass
class MatchCard:
    match: Match
    program: Program
    member: MatchMember
    companions: list[Companion]
    organizer: Person | None
    i_organize: bool
    virtual: bool
    zone: str
    slot_start: datetime | None
    slot_end: datetime | None
    reasons: list[str]
    starters: list[str]
    other_times: list[str]  # "That is 9 a.m. for Chidi Okafor (America/New_York)."
    slot_text: str  # "Tuesday, Dec. 1, 2026, 3 p.m. to 3:30 p.m. (en dash)", in ``zone``
    checkin: CheckIn | None
    can_check_in: bool
    google_url: str = ""
    outlook_url: str = ""
    mailto_all: str = ""
    place: str = ""
    video_link: str = ""
    other_names: str = field(default="")


def match_card(*, match: Match, person: Person, now: datetime | None = None) -> MatchCard | None:
    """The card for ``person`` (a member of ``match``); None if they are not a member."""
    now = now or clock.now()
    organization = person.organization
    members = list(match.members.all())
    mine = next((m for m in members if m.person_id == person.pk), None)
    if mine is None:
        return None
    program = match.round.program
    virtual = program.mode == "virtual"
    organizer = match.organizer or (members[0].person if members else None)
    zone = zone_of(person, organization)
    start, end = match.suggested_start, match.suggested_end
    if start is not None and end is None:
        end = start + DEFAULT_LENGTH
    my_interests = {i.lower() for i in person.interests}
    companions = []
    for member in members:
        if member.pk == mine.pk:
            continue
        other = member.person
        other_zone = zone_of(other, organization)
        companions.append(
            Companion(
                person=other,
                zone=other_zone,
                local_time=time_of_day(now, other_zone),
                shared_interests=sorted(my_interests & {i.lower() for i in other.interests}),
                is_organizer=organizer is not None and other.pk == organizer.pk,
            )
        )
    names = join_words([c.person.name or c.person.email for c in companions])
    checkin = getattr(mine, "checkin", None) if _has_checkin(mine) else None
    card = MatchCard(
        match=match,
        program=program,
        member=mine,
        companions=companions,
        organizer=organizer,
        i_organize=organizer is not None and organizer.pk == person.pk,
        virtual=virtual,
        zone=zone,
        slot_start=start.astimezone(ZoneInfo(zone)) if start else None,
        slot_end=end.astimezone(ZoneInfo(zone)) if end else None,
        reasons=reason_sentences(match.reasons),
        starters=conversation_starters(
            match_pk=match.pk,
            reasons=match.reasons,
            reader=person,
            others=[c.person for c in companions],
            today=match.round.date,
        ),
        other_times=times_for_others(
            start, zone=zone, others=[(c.person.name or c.person.email, c.zone) for c in companions]
        )
        if start
        else [],
        slot_text=when_span(start, end, zone) if start else "",
        checkin=checkin,
        can_check_in=_meeting_began(match, now),
        place=match.place,
        video_link=match.video_link if virtual else "",
        other_names=names,
    )
    title = _("%(program)s with %(names)s") % {"program": program.name, "names": names}
    guests = [c.person.email for c in companions]
    card.mailto_all = mailto_url(guests, title)
    if start is not None and end is not None:
        details = _calendar_details(card)
        where = card.video_link or card.place
        card.google_url = google_calendar_url(title, start, end, details, where, guests)
        card.outlook_url = outlook_calendar_url(title, start, end, details, where, guests)
    return card


def mailto_url(addresses: list[str], subject: str) -> str:
    """A "reply all" link: one e-mail to everyone else in the group (RFC 6068)."""
    if not addresses:
        return ""
    to = ",".join(quote(a, safe="@") for a in addresses)
    return f"mailto:{to}?" + urlencode({"subject": subject}, quote_via=quote)


def _has_checkin(member: MatchMember) -> bool:
    try:
        member.checkin  # noqa: B018 - select_related filled it, or raises
    except CheckIn.DoesNotExist:
        return False
    return True


def _meeting_began(match: Match, now: datetime) -> bool:
    """Check-in opens once the suggested slot has started (or, without a slot, on
    the round's date): asking "did you meet?" earlier makes no sense."""
    if match.suggested_start is not None:
        return now >= match.suggested_start
    return timezone.localdate(now) >= match.round.date


def _calendar_details(card: MatchCard) -> str:
    lines = [_("Crosspaths matched you with %(names)s.") % {"names": card.other_names}]
    lines += [f"• {r}" for r in card.reasons]
    if card.video_link:
        lines.append(_("Video link: %(url)s") % {"url": card.video_link})
    return "\n".join(lines)


def _utc(moment: datetime, fmt: str) -> str:
    return moment.astimezone(ZoneInfo("UTC")).strftime(fmt)


def google_calendar_url(
    title: str,
    start: datetime,
    end: datetime,
    details: str,
    where: str,
    guests: list[str] | None = None,
) -> str:
    """Google Calendar's documented "add event" template link (no API, no script),
    with the others in the group as guests (``add``, comma-separated)."""
    query = {
        "action": "TEMPLATE",
        "text": title,
        "dates": f"{_utc(start, '%Y%m%dT%H%M%SZ')}/{_utc(end, '%Y%m%dT%H%M%SZ')}",
        "details": details,
    }
    if where:
        query["location"] = where
    if guests:
        query["add"] = ",".join(guests)
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def outlook_calendar_url(
    title: str,
    start: datetime,
    end: datetime,
    details: str,
    where: str,
    guests: list[str] | None = None,
) -> str:
    """Outlook on the web's compose deep link (Microsoft 365 work accounts), with the
    others in the group as attendees (``to``, comma-separated)."""
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": title,
        "startdt": _utc(start, "%Y-%m-%dT%H:%M:%SZ"),
        "enddt": _utc(end, "%Y-%m-%dT%H:%M:%SZ"),
        "body": details,
    }
    if where:
        query["location"] = where
    if guests:
        query["to"] = ",".join(guests)
    return "https://outlook.office.com/calendar/0/deeplink/compose?" + urlencode(query)
