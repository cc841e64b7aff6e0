"""What a message says, once, before any channel shapes it.

``message_content`` reads an outbox row's domain data (the person, the match, its
program) and returns a ``MessageContent``: plain, already translated strings (title,
greeting, paragraphs, facts, actions with their signed links) plus the match's details
as data. The channel renderers (``channels/``) only arrange this object: the e-mail
templates, a Slack Block Kit message and a Teams Adaptive Card all say the same thing
because none of them reads the database or translates on its own.

A message is for one person (in their language and time zone) or, for a chat group
introduction, for the whole group (in the organization's language, with the slot in
every member's zone). A new kind (left-out notice, announcement) is one more builder
in ``BUILDERS``; nothing here assumes a match.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crosspaths import clock
from crosspaths.meetings.calendar import Method, match_calendar
from crosspaths.meetings.models import Withdrawal
from crosspaths.meetings.tokens import checkin_token
from crosspaths.people.models import Person
from crosspaths.programs import scheduling
from crosspaths.programs.models import LeftOut, Match, MatchMember, Program
from crosspaths.programs.wording import (
    conversation_starters,
    join_words,
    left_out_text_for_you,
    reason_sentences,
    times_for_others,
    when,
    when_in_zone,
    working_hours_for_you,
    zones_of,
)

from .models import Message
from .unsubscribe import announcement_prefix, unsubscribe_token

Kind = Message.Kind


@dataclass(frozen=True)
class Fact:
    """A labelled value: the slot, the video link, the place, a member's local time."""

    code: str
    label: str
    value: str
    url: str = ""


@dataclass(frozen=True)
class Action:
    """Something the reader can do with one click. ``url`` is the link that works
    everywhere. With an ``answer`` (a signed value), a chat shows a button that calls
    back instead: Slack sends ``code`` as the action id and ``answer`` as its value,
    Teams both in the card's data, and the app that registered ``code`` in
    ``notify.chat_answers`` answers it in the chat."""

    code: str
    label: str
    url: str
    style: str = "default"  # "primary", "danger" or "default"
    answer: str = ""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MatchDetails:
    """A match as the reader sees it: the raw pieces the e-mail templates place."""

    program: str
    other_names: str
    reasons: tuple[str, ...]
    starter: str  # the best of the match page's conversation starters
    slot: str
    timezone: str
    organizer_name: str | None  # None: no organizer
    is_organizer: bool
    video_link: str
    location: str
    in_person: bool
    duration: str = ""  # "30 minutes"; empty without a slot
    url: str = ""  # the match on the site
    # The slot for the others in other time zones: "That is 09:00 for Chidi (…)."
    other_times: tuple[str, ...] = ()


@dataclass(frozen=True)
class MessageContent:
    kind: str
    language: str
    title: str
    greeting: str = ""
    paragraphs: tuple[str, ...] = ()
    reasons_heading: str = ""
    reasons: tuple[str, ...] = ()
    facts: tuple[Fact, ...] = ()
    actions: tuple[Action, ...] = ()
    footer: str = ""
    first_name: str = ""
    match: MatchDetails | None = None
    attachments: tuple[Attachment, ...] = ()
    # Addresses a reply should reach (the others in the group): e-mail's Reply-To.
    reply_to: tuple[str, ...] = ()
    # One-click unsubscribe from the program (RFC 8058) for a message to one person.
    unsubscribe_url: str = ""
    # Format notes also among ``paragraphs`` (e.g. a team bridge and the partner's
    # working hours in the reader's zone), for channels whose templates place them.
    notes: tuple[str, ...] = ()


# --- small helpers (shared with the calendar and the e-mail templates) ---------------


def duration(match: Match) -> str:
    """How long the suggested slot is, in words: "30 minutes", "1 hour 30 minutes"."""
    if not (match.suggested_start and match.suggested_end):
        return ""
    minutes = int((match.suggested_end - match.suggested_start).total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    parts = [ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}] if hours else []
    if rest or not hours:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", rest) % {"n": rest})
    return " ".join(parts)


def first_name(person: Person) -> str:
    return (person.name or person.email).split()[0]


def display_name(person: Person) -> str:
    return person.name or person.email


def members_of(match: Match) -> list[MatchMember]:
    """The match's members, organizer first, from the prefetch cache when loaded."""
    return sorted(match.members.all(), key=lambda m: (m.person_id != match.organizer_id, m.pk))


def _url(name: str, *args: Any) -> str:
    """The site's URL of a view. With one argument that ``reverse`` would print as it
    is (a number, a signed token), from the view's pattern cut at a sample argument:
    ``reverse`` walks the resolver for each call, 25 us, twice an e-mail."""
    if len(args) == 1:
        arg = args[0]
        plain = (type(arg) is int and arg >= 0) or (type(arg) is str and _PLAIN_ARG.fullmatch(arg))
        kind = "int" if type(arg) is int else "str"
        around = _around(name, kind, get_script_prefix(), get_urlconf()) if plain else None
        if around is not None:
            return settings.SITE_URL + around[0] + str(arg) + around[1]
    return settings.SITE_URL + reverse(name, args=args)


_PLAIN_ARG = re.compile(r"[A-Za-z0-9_.:-]{1,500}")  # left as it is by reverse's quoting
_SAMPLES: dict[str, tuple[Any, Any]] = {"int": (0, 987654321), "str": ("a", "Zz09_.:-a")}


@lru_cache(maxsize=64)
def _around(name: str, kind: str, prefix: str, urlconf: Any) -> tuple[str, str] | None:
    """What ``reverse(name)`` writes before and after an argument of this kind, when
    two samples show it is written as it is; None otherwise (the URL is reversed)."""
    found = []
    for sample in _SAMPLES[kind]:
        try:
            url = reverse(name, args=[sample])
        except NoReverseMatch:
            return None
        before, text, after = url.rpartition(str(sample))
        if not text:
            return None
        found.append((before, after))
    return found[0] if found[0] == found[1] else None


@receiver(setting_changed)
def _urls_changed(**kwargs: Any) -> None:
    _around.cache_clear()


def _footer(program: str) -> str:
    return "{} {}".format(
        _("You get this message because you take part in %(program)s on Crosspaths.")
        % {"program": program},
        _("Pause or leave at any time:") + " " + settings.SITE_URL + "/",
    )


def _others_addresses(match: Match, reader: Person | None) -> tuple[str, ...]:
    if reader is None:
        return ()
    return tuple(m.person.email for m in members_of(match) if m.person_id != reader.pk)


# --- the match, as one reader sees it ------------------------------------------------


def _reason_texts(match: Match) -> tuple[str, ...]:
    """The match's reasons as sentences in the active language, made once per match
    object and language: every member's e-mail and the invitation say them."""
    kept = match.__dict__.setdefault("_reason_texts", {})
    language = translation.get_language()
    reasons, texts = kept.get(language, (None, ()))
    if reasons is not match.reasons:  # first time, or the reasons were replaced
        texts = tuple(reason_sentences(match.reasons))
        kept[language] = (match.reasons, texts)
    return texts


def _details(match: Match, reader: Person | None) -> MatchDetails:
    """The match for ``reader`` (their zone, the others' names) or, with no reader,
    for the whole group (every member named, the organizer's zone)."""
    members = [m.person for m in members_of(match)]
    others = [p for p in members if reader is None or p.pk != reader.pk]
    organizer = match.organizer
    zone = (reader or organizer or members[0]).effective_timezone if members else "UTC"
    program = match.round.program
    start = match.suggested_start
    starters = conversation_starters(
        match_pk=match.pk,
        reasons=match.reasons,
        reader=reader,
        others=others,
        today=match.round.date,
    )
    return MatchDetails(
        program=program.name,
        other_names=join_words([display_name(p) for p in others]),
        reasons=_reason_texts(match),
        starter=starters[0],
        slot=when(start, zone) if start else "",
        timezone=zone,
        organizer_name=organizer.name if organizer is not None else None,
        is_organizer=reader is not None and organizer is not None and organizer.pk == reader.pk,
        video_link=match.video_link,
        location=match.place,
        in_person=program.mode == "in-person",
        duration=duration(match),
        url=_url("match", match.pk),
        other_times=tuple(
            times_for_others(
                start, zone=zone, others=[(display_name(p), p.effective_timezone) for p in others]
            )
            if start and reader is not None
            else ()
        ),
    )


def _match_paragraphs(d: MatchDetails) -> list[str]:
    """The starter, the slot or why there is none, who organizes, where to meet."""
    out = [_("A conversation starter:") + " " + d.starter]
    if not d.slot:
        out.append(
            _(
                "We found no time in the coming week that suits everybody's working hours and free times, so there is no suggested slot."
            )
        )
    if d.is_organizer:
        out.append(
            _(
                "You are the organizer of this group: please confirm the time or suggest another one."
            )
            if d.slot
            else _(
                "You are the organizer of this group: please suggest a time that works for everyone."
            )
        )
    elif d.organizer_name is not None:
        out.append(
            _("%(name)s organizes this meeting and will confirm the time.")
            % {"name": d.organizer_name}
        )
    if d.in_person:
        out.append(
            _("Meet in person in %(location)s.") % {"location": d.location}
            if d.location
            else _("Meet in person.")
        )
    return out


def _slot_facts(match: Match, d: MatchDetails, *, group: bool) -> list[Fact]:
    """The suggested time in the reader's zone, or for a group in every member's."""
    if not match.suggested_start:
        return []
    length = [Fact("duration", _("Duration:"), d.duration)] if d.duration else []
    if not group:
        others = [Fact("other_times", _("For the others:"), " ".join(d.other_times))]
        return [
            Fact("slot", _("Suggested time:"), f"{d.slot} ({d.timezone})"),
            *(others if d.other_times else []),
            *length,
        ]
    zones = zones_of(
        [(first_name(m.person), m.person.effective_timezone) for m in members_of(match)]
    )
    return [
        *(
            Fact("slot", join_words(names), when_in_zone(match.suggested_start, zone))
            for zone, names in zones.items()
        ),
        *length,
    ]


def _video(d: MatchDetails) -> tuple[list[Fact], list[Action]]:
    if not d.video_link:
        return [], []
    return (
        [Fact("video_link", _("Video link:"), d.video_link, url=d.video_link)],
        [Action("join_call", _("Join the video call"), d.video_link, "primary")],
    )


def _invitation(message: Message, language: str) -> tuple[Attachment, ...]:
    """The iTIP message for the match: a REQUEST for its slot (an update when the
    SEQUENCE has grown), a CANCEL when the slot was taken away. E-mail sends it as the
    message's ``text/calendar`` part (``channels/email.py``)."""
    assert message.match is not None
    method: Method = "REQUEST" if message.match.suggested_start else "CANCEL"
    if method == "CANCEL" and message.kind != Kind.RESCHEDULE:
        return ()  # an introduction without a slot has nothing to withdraw
    # The group's members read the same invitation: made once per batch (``_load``
    # gives a batch's rows of one match the same Match object) and language.
    made = message.match.__dict__.setdefault("_invitations", {})
    if (method, language) not in made:
        with translation.override(language):
            reasons = _reason_texts(message.match)
        made[method, language] = match_calendar(
            match=message.match, method=method, language=language, reasons=reasons
        )
    ics = made[method, language]
    if ics is None:
        return ()
    return (Attachment("invite.ics", "text/calendar", ics, {"method": method}),)


# --- one builder per kind ---------------------------------------------------------------


def _reader(message: Message) -> Person | None:
    return message.person if message.person_id else None


def _greeting(match: Match, reader: Person | None) -> str:
    name = (
        first_name(reader)
        if reader
        else join_words([first_name(m.person) for m in members_of(match)])
    )
    return _("Hello %(name)s,") % {"name": name}


def _bridge_paragraphs(match: Match, reader: Person | None) -> list[str]:
    """A team bridge's introduction says so, and gives each partner's team and working
    hours in the reader's own time zone (the two may be continents apart)."""
    program = match.round.program
    if program.format != Program.Format.TEAM_BRIDGE or reader is None:
        return []
    zone = reader.effective_timezone
    day = match.round.date
    out = [
        _(
            "%(program)s is a team bridge: each round you meet someone of another team, "
            "until you have met everyone there."
        )
        % {"program": program.name}
    ]
    for member in members_of(match):
        other = member.person
        if other.pk == reader.pk:
            continue
        team = other.team.name if other.team_id and other.team else ""
        hours = working_hours_for_you(
            name=display_name(other),
            team=team,
            their_zone=other.effective_timezone,
            zone=zone,
            day=day,
        )
        if hours:
            out.append(hours)
    return out


def intro_content(message: Message, language: str) -> MessageContent:
    """Who you meet and why, a starter, the organizer, the slot (or why there is none),
    the video link or place, and the calendar invitation."""
    match, reader = message.match, _reader(message)
    assert match is not None
    d = _details(match, reader)
    if reader:
        title = _("%(program)s: you meet %(names)s") % {
            "program": d.program,
            "names": d.other_names,
        }
        opening = _("this round of %(program)s you meet %(names)s.") % {
            "program": d.program,
            "names": d.other_names,
        }
    else:
        title = _("%(program)s: %(names)s") % {"program": d.program, "names": d.other_names}
        opening = _("this round of %(program)s you meet each other.") % {"program": d.program}
    if match.round.program.format == "outside_perspective":  # on request, not a round
        opening = _("you meet %(names)s for an outside perspective.") % {
            "names": d.other_names if reader else _("each other")
        }
    facts, actions = _video(d)
    actions.append(Action("open_match", _("See your match on Crosspaths"), d.url))
    notes = tuple(_bridge_paragraphs(match, reader))
    return MessageContent(
        notes=notes,
        kind=message.kind,
        language=language,
        title=title,
        greeting=_greeting(match, reader),
        paragraphs=(opening, *notes, *_match_paragraphs(d)),
        reasons_heading=_("Why we matched you:") if d.reasons else "",
        reasons=d.reasons,
        facts=(*_slot_facts(match, d, group=reader is None), *facts),
        actions=tuple(actions),
        footer=_footer(d.program),
        first_name=first_name(reader) if reader else "",
        match=d,
        attachments=_invitation(message, language),
        reply_to=_others_addresses(match, reader),
    )


def reschedule_content(message: Message, language: str) -> MessageContent:
    """The group's slot moved: the new time and an invitation that updates the event."""
    match, reader = message.match, _reader(message)
    assert match is not None
    d = _details(match, reader)
    names = d.other_names if reader else _("the others")
    opening = (
        _("your meeting with %(names)s has a new time: %(slot)s (%(timezone)s).")
        % {"names": names, "slot": d.slot, "timezone": d.timezone}
        if d.slot
        else _("your meeting with %(names)s has no fixed time any more.") % {"names": names}
    )
    facts, actions = _video(d)
    return MessageContent(
        kind=message.kind,
        language=language,
        title=_("%(program)s: new time with %(names)s") % {"program": d.program, "names": names},
        greeting=_greeting(match, reader),
        paragraphs=(opening,),
        facts=(*_slot_facts(match, d, group=reader is None), *facts),
        actions=tuple(actions),
        footer=_footer(d.program),
        first_name=first_name(reader) if reader else "",
        match=d,
        attachments=_invitation(message, language),
        reply_to=_others_addresses(match, reader),
    )


def reminder_content(message: Message, language: str) -> MessageContent:
    """A nudge before the slot, with the link, the starter and who organizes."""
    match, reader = message.match, _reader(message)
    assert match is not None and reader is not None
    d = _details(match, reader)
    paragraphs = [
        _("a reminder: you meet %(names)s on %(slot)s (%(timezone)s).")
        % {"names": d.other_names, "slot": d.slot, "timezone": d.timezone},
        _("A conversation starter:") + " " + d.starter,
    ]
    if d.is_organizer:
        paragraphs.append(
            _(
                "You are the organizer: if the time does not work any more, please suggest another one to the group."
            )
        )
    facts, actions = _video(d)
    if d.in_person and d.location:
        facts.append(Fact("location", _("Place:"), d.location))
    return MessageContent(
        kind=message.kind,
        language=language,
        title=_("Reminder: you meet %(names)s soon") % {"names": d.other_names},
        greeting=_greeting(match, reader),
        paragraphs=tuple(paragraphs),
        facts=(*_slot_facts(match, d, group=False), *facts),
        actions=tuple(actions),
        footer=_footer(d.program),
        first_name=first_name(reader),
        match=d,
        reply_to=_others_addresses(match, reader),
    )


def checkin_content(message: Message, language: str) -> MessageContent:
    """ "Did you meet?" with two one-click links that need no sign-in."""
    match, reader = message.match, _reader(message)
    assert match is not None and reader is not None
    d = _details(match, reader)
    member = next(m for m in match.members.all() if m.person_id == reader.pk)
    token = checkin_token(member.pk)
    return MessageContent(
        kind=message.kind,
        language=language,
        title=_("Did you meet %(names)s?") % {"names": d.other_names},
        greeting=_greeting(match, reader),
        paragraphs=(
            _("did you meet %(names)s for %(program)s? One click is enough, no sign-in needed:")
            % {"names": d.other_names, "program": d.program},
            _(
                "Your answer helps us suggest better matches and times. Only you and the program's organizers see it."
            ),
        ),
        actions=(
            Action("met", _("We met"), _url("meetings:checkin", token, "met"), "primary"),
            Action("missed", _("It did not happen"), _url("meetings:checkin", token, "missed")),
        ),
        footer=_footer(d.program),
        first_name=first_name(reader),
        match=d,
    )


def nudge_content(message: Message, language: str) -> MessageContent:
    """To the group's organizer, two working days after the introduction, when nobody
    confirmed or moved the time: one link to the match page, where both are."""
    match, reader = message.match, _reader(message)
    assert match is not None and reader is not None
    d = _details(match, reader)
    if d.slot:
        ask = _(
            "nobody has confirmed the time of your meeting with %(names)s yet: %(slot)s "
            "(%(timezone)s). As the organizer, please confirm it or propose another time "
            "on the match page, so everyone can plan."
        ) % {"names": d.other_names, "slot": d.slot, "timezone": d.timezone}
    else:
        ask = _(
            "your meeting with %(names)s has no time yet. As the organizer, please propose "
            "one on the match page; it shows the times that suit everyone."
        ) % {"names": d.other_names}
    return MessageContent(
        kind=message.kind,
        language=language,
        title=_("%(program)s: please confirm the time with %(names)s")
        % {"program": d.program, "names": d.other_names},
        greeting=_greeting(match, reader),
        paragraphs=(ask,),
        facts=tuple(_slot_facts(match, d, group=False)),
        actions=(Action("open_match", _("Confirm or propose a time"), d.url, "primary"),),
        footer=_footer(d.program),
        first_name=first_name(reader),
        match=d,
        reply_to=_others_addresses(match, reader),
    )


def left_out_key(round_id: int, person_id: int, channel: str = "email") -> str:
    """The outbox key of a left-out notice: one per round, person and channel (the
    row has no match; the key is how its content finds the round)."""
    key = f"{Kind.LEFT_OUT.value}:round{round_id}:{person_id}"
    return key if channel == "email" else f"{key}@{channel}"


def _left_out_round(message: Message) -> int | None:
    """The round a left-out notice is about, from its key (``left_out:round<id>:...``)."""
    head = message.dedupe_key.split("@", 1)[0]
    try:
        return int(head.split(":")[1].removeprefix("round"))
    except (IndexError, ValueError):
        return None


def left_out_row(message: Message) -> LeftOut | None:
    """The left-out entry a notice is about (None once the person was placed in a group
    after all, e.g. to replace someone who dropped out). Read once per batch by
    ``left_out_rows_load``, or here."""
    if "_left_out" in message.__dict__:
        return message.__dict__["_left_out"]
    round_id = _left_out_round(message)
    if round_id is None or message.person_id is None:
        return None
    return (
        LeftOut.objects.select_related("round__program__organization")
        .filter(
            organization_id=message.organization_id, round_id=round_id, person_id=message.person_id
        )
        .first()
    )


def left_out_rows_load(messages: list[Message]) -> None:
    """Read the left-out entries of a batch's notices in one query and keep each on its
    row for ``left_out_row`` (delivery reads them twice: to skip, then to build)."""
    notices = [m for m in messages if m.kind == Kind.LEFT_OUT]
    if not notices:
        return
    wanted = {(m.organization_id, _left_out_round(m), m.person_id) for m in notices}
    found: dict[tuple[int, int | None, int | None], LeftOut] = {
        (row.organization_id, row.round_id, row.person_id): row
        for row in LeftOut.objects.select_related("round__program__organization").filter(
            organization_id__in={o for o, _, _ in wanted},
            round_id__in={r for _, r, _ in wanted if r is not None},
            person_id__in={p for _, _, p in wanted},
        )
    }
    for m in notices:
        m.__dict__["_left_out"] = found.get((m.organization_id, _left_out_round(m), m.person_id))


def next_round_date(program: Any, day: Any) -> Any:
    """The program's round after the one on ``day`` (None: a one-off program)."""
    try:
        return scheduling.next_date_after(program, scheduling.run_at(program, day))
    except scheduling.BadSchedule:
        return None


def left_out_content(message: Message, language: str) -> MessageContent:
    """Why the reader got no group this round, when their next round is, and that they
    go first then (the engine lets whoever waited longest go first)."""
    reader = _reader(message)
    row = left_out_row(message)
    assert reader is not None and row is not None, "skipped before building"
    program = row.round.program
    upcoming = next_round_date(program, row.round.date)
    paragraphs = [
        _("this round of %(program)s we could not place you in a group: %(reason)s.")
        % {"program": program.name, "reason": left_out_text_for_you(row.code)},
        _(
            "Your next round is on %(date)s. You will be among the first to be matched then, "
            "because you waited this time."
        )
        % {"date": formats.date_format(upcoming, "DATE_FORMAT")}
        if upcoming
        else _(
            "No further round of this program is planned yet; we will tell you when there is one."
        ),
        _("Nothing for you to do. Sorry for the wait!"),
    ]
    attachments: tuple[Attachment, ...] = ()
    if message.match_id and message.channel == "email":
        # The group this person was in fell apart: their copy of its invitation goes.
        assert message.match is not None
        ics = match_calendar(
            match=message.match, method="CANCEL", language=language, attendees=[reader]
        )
        if ics:
            paragraphs.insert(1, _("The meeting is removed from your calendar."))
            attachments = (Attachment("invite.ics", "text/calendar", ics, {"method": "CANCEL"}),)
    return MessageContent(
        kind=message.kind,
        language=language,
        title=_("%(program)s: no group for you this round") % {"program": program.name},
        greeting=_("Hello %(name)s,") % {"name": first_name(reader)},
        paragraphs=tuple(paragraphs),
        actions=(Action("home", _("See your programs"), settings.SITE_URL + "/"),),
        footer=_footer(program.name),
        first_name=first_name(reader),
        attachments=attachments,
    )


def _withdrawal_of(message: Message) -> Any:
    """The withdrawal a group-change notice is about (its key ends in ``:w<id>``)."""
    head = message.dedupe_key.split("@", 1)[0]
    tail = head.rsplit(":", 1)[-1]
    if not tail.startswith("w") or not tail[1:].isdigit() or message.match_id is None:
        return None
    return (
        Withdrawal.objects.select_related("person", "replaced_by")
        .filter(
            organization_id=message.organization_id, match_id=message.match_id, pk=int(tail[1:])
        )
        .first()
    )


def withdrawn_content(message: Message, language: str) -> MessageContent:
    """The reader said they cannot make it: confirmed, their next round, and their copy
    of the invitation cancelled (CANCEL naming only them, the event's UID)."""
    match, reader = message.match, _reader(message)
    assert match is not None and reader is not None
    program = match.round.program
    upcoming = next_round_date(program, match.round.date)
    paragraphs = [
        _(
            "You said you cannot make it this round of %(program)s, so you are out of the "
            "group and the meeting is removed from your calendar."
        )
        % {"program": program.name},
        _("The others in the group have been told."),
        _("Your next round is on %(date)s.")
        % {"date": formats.date_format(upcoming, "DATE_FORMAT")}
        if upcoming
        else _("No further round of this program is planned yet."),
    ]
    ics = match_calendar(match=match, method="CANCEL", language=language, attendees=[reader])
    return MessageContent(
        kind=message.kind,
        language=language,
        title=_("%(program)s: you are out of this round") % {"program": program.name},
        greeting=_("Hello %(name)s,") % {"name": first_name(reader)},
        paragraphs=tuple(paragraphs),
        actions=(Action("home", _("See your programs"), settings.SITE_URL + "/"),),
        footer=_footer(program.name),
        first_name=first_name(reader),
        attachments=(Attachment("invite.ics", "text/calendar", ics, {"method": "CANCEL"}),)
        if ics
        else (),
    )


def group_change_content(message: Message, language: str) -> MessageContent:
    """Someone in the reader's group cannot make it: who, who is in the group now (a
    stand-in, if one joined), the time (unchanged), and the updated invitation."""
    match, reader = message.match, _reader(message)
    assert match is not None and reader is not None
    withdrawal = _withdrawal_of(message)
    if withdrawal is not None and withdrawal.person_id == reader.pk:
        return withdrawn_content(message, language)
    d = _details(match, reader)
    gone = display_name(withdrawal.person) if withdrawal else _("Someone in your group")
    paragraphs = [_("%(name)s cannot make it this round.") % {"name": gone}]
    if withdrawal and withdrawal.replaced_by:
        paragraphs.append(
            _("%(name)s joins you instead: they were free this round.")
            % {"name": display_name(withdrawal.replaced_by)}
        )
    paragraphs.append(_("You meet %(names)s.") % {"names": d.other_names})
    if d.slot:
        paragraphs.append(
            _("The time stays: %(slot)s (%(timezone)s). Your calendar invitation is updated.")
            % {"slot": d.slot, "timezone": d.timezone}
        )
    facts, actions = _video(d)
    return MessageContent(
        kind=message.kind,
        language=language,
        title=_("%(program)s: your group changed") % {"program": d.program},
        greeting=_greeting(match, reader),
        paragraphs=tuple(paragraphs),
        facts=(*_slot_facts(match, d, group=False), *facts),
        actions=tuple(actions),
        footer=_footer(d.program),
        first_name=first_name(reader),
        match=d,
        attachments=_invitation(message, language),
        reply_to=_others_addresses(match, reader),
    )


def announcement_program(message: Message) -> Any:
    """The program an announcement is about (its key is ``announcement:program<id>:<person>``;
    None when the program is gone)."""
    head = message.dedupe_key.split("@", 1)[0]
    try:
        program_id = int(head.split(":")[1].removeprefix("program"))
    except (IndexError, ValueError):
        return None
    if not head.startswith(announcement_prefix(program_id)):
        return None
    return Program.objects.filter(organization_id=message.organization_id, pk=program_id).first()


def announcement_content(message: Message, language: str) -> MessageContent:
    """HR enrolled the reader in a program: what it is, when its next round is, and a
    one-click way out (the reader did not choose it, so leaving must be as easy)."""
    reader = _reader(message)
    program = announcement_program(message)
    assert reader is not None and program is not None, "skipped before building"
    leave_url = _url(
        "mail:unsubscribe",
        unsubscribe_token(person_id=reader.pk, program_id=program.pk, leave=True),
    )
    try:
        upcoming = scheduling.next_date_after(program, clock.now())
    except scheduling.BadSchedule:
        upcoming = None
    paragraphs = [
        _("%(organization)s has added you to %(program)s (%(format)s) on Crosspaths.")
        % {
            "organization": program.organization.name,
            "program": program.name,
            "format": program.get_format_display(),
        }
    ]
    if program.description:
        paragraphs.append(program.description)
    if message.channel != Message.Channel.EMAIL:  # the chat it arrives in
        paragraphs.append(
            _(
                "Its next round is on %(date)s: you will get a message here saying whom you "
                "meet, why, and a suggested time."
            )
            % {"date": formats.date_format(upcoming, "DATE_FORMAT")}
            if upcoming
            else _("You will get a message here saying whom you meet, why, and a suggested time.")
        )
    else:
        paragraphs.append(
            _(
                "Its next round is on %(date)s: you will get an e-mail saying whom you meet, "
                "why, and a suggested time."
            )
            % {"date": formats.date_format(upcoming, "DATE_FORMAT")}
            if upcoming
            else _("You will get an e-mail saying whom you meet, why, and a suggested time.")
        )
    paragraphs.append(
        _(
            "Not for you? One click on “Leave the program” takes you out; you can join "
            "again at any time on your programs page."
        )
    )
    return MessageContent(
        kind=message.kind,
        language=language,
        title=_("You are now part of %(program)s") % {"program": program.name},
        greeting=_("Hello %(name)s,") % {"name": first_name(reader)},
        paragraphs=tuple(paragraphs),
        actions=(
            Action("home", _("See your programs"), settings.SITE_URL + "/", "primary"),
            Action("leave", _("Leave the program"), leave_url),
        ),
        footer=_("You get this message because %(organization)s enrolled you in %(program)s.")
        % {"organization": program.organization.name, "program": program.name},
        first_name=first_name(reader),
        unsubscribe_url=leave_url,
    )


BUILDERS: dict[str, Callable[[Message, str], MessageContent]] = {
    Kind.INTRO: intro_content,
    Kind.RESCHEDULE: reschedule_content,
    Kind.REMINDER: reminder_content,
    Kind.CHECKIN: checkin_content,
    Kind.LEFT_OUT: left_out_content,
    Kind.GROUP_CHANGE: group_change_content,
    Kind.NUDGE: nudge_content,
    Kind.ANNOUNCEMENT: announcement_content,
}


def test_content(message: Message, language: str) -> MessageContent:
    """ "Send a test message to yourself" from the console: says which channel works."""
    reader = _reader(message)
    assert reader is not None
    channel = Message.Channel(message.channel).label
    return MessageContent(
        kind=message.kind,
        language=language,
        title=_("Test message from Crosspaths"),
        greeting=_("Hello %(name)s,") % {"name": first_name(reader)},
        paragraphs=(
            _(
                "this is the test message you asked for: Crosspaths reaches you on %(channel)s. "
                "Introductions, reminders and check-ins will come here."
            )
            % {"channel": channel},
        ),
        actions=(Action("home", _("See your programs"), settings.SITE_URL + "/"),),
        first_name=first_name(reader),
    )


BUILDERS[Kind.TEST] = test_content


def message_language(message: Message) -> str:
    """The reader's language; a group's is its organization's."""
    if message.person is not None:
        return message.person.effective_language
    return message.organization.language


def message_content(message: Message) -> MessageContent:
    """The content of an outbox row (person and match loaded), in its reader's language."""
    language = message_language(message)
    with translation.override(language):
        content = BUILDERS[message.kind](message, language)
    if message.person_id and message.match_id:
        assert message.match is not None
        token = unsubscribe_token(
            person_id=message.person_id, program_id=message.match.round.program_id
        )
        content = replace(content, unsubscribe_url=_url("mail:unsubscribe", token))
    return content
