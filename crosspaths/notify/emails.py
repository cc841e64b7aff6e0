"""One function per e-mail type, each rendered from three templates (subject, text,
HTML) under ``templates/emails/<type>/`` in the recipient's language.

They take an outbox ``Message`` (with its person and match loaded) and return a
ready ``EmailMultiAlternatives``; the outbox decides when and whether to send it.
"""

from __future__ import annotations

from datetime import datetime
from email.mime.text import MIMEText
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from crosspaths.meetings.calendar import match_calendar
from crosspaths.meetings.tokens import checkin_token
from crosspaths.people.models import Person
from crosspaths.programs.models import Match, MatchMember
from crosspaths.programs.reasons import join_words, reason_text

from .models import Message


def _starters() -> list[str]:
    return [
        _("What does your team do that the rest of the company would be surprised by?"),
        _("What did you work on before you joined?"),
        _("What is one thing you learned this month?"),
        _("If you could swap jobs with someone here for a day, whose job would it be?"),
        _("What is the best tip you got in your first weeks here?"),
    ]


def conversation_starter(match: Match) -> str:
    """Something to open with: a shared interest if the group has one, else one of a
    few questions (the same one for everybody in the group)."""
    for reason in match.reasons or []:
        if reason.get("code") == "shared_interests" and reason.get("params", {}).get("interests"):
            return _("Ask each other how you got into %(interest)s.") % {
                "interest": join_words(reason["params"]["interests"])
            }
    starters = _starters()
    return starters[(match.pk or 0) % len(starters)]


def when(moment: datetime, person: Person) -> str:
    """A moment in the person's own zone and language: "Wednesday, 2. Dezember 2026, 10:00"."""
    local = moment.astimezone(ZoneInfo(person.effective_timezone))
    return "{}, {}, {}".format(
        formats.date_format(local, "l"),
        formats.date_format(local, "DATE_FORMAT"),
        formats.time_format(local, "TIME_FORMAT"),
    )


def first_name(person: Person) -> str:
    return (person.name or person.email).split()[0]


def _members(match: Match) -> list[MatchMember]:
    """The match's members, from the prefetch cache when the caller loaded them."""
    return sorted(match.members.all(), key=lambda m: (m.person_id != match.organizer_id, m.pk))


def _url(name: str, *args: Any) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def match_context(message: Message) -> dict[str, Any]:
    """What every e-mail about a match says: who, why, when, where, who organizes."""
    match = message.match
    assert match is not None
    person = message.person
    members = _members(match)
    others = [m.person for m in members if m.person_id != person.pk]
    organizer = match.organizer
    return {
        "person": person,
        "first_name": first_name(person),
        "program": match.round.program,
        "match": match,
        "others": others,
        "other_names": join_words([p.name or p.email for p in others]),
        "organizer": organizer,
        "is_organizer": organizer is not None and organizer.pk == person.pk,
        "reasons": [reason_text(r) for r in match.reasons or []],
        "starter": conversation_starter(match),
        "slot": when(match.suggested_start, person) if match.suggested_start else "",
        "timezone": person.effective_timezone,
        "video_link": match.video_link,
        "location": match.location.name if match.location_id else "",
        "in_person": match.round.program.mode == "in-person",
        "site_url": settings.SITE_URL,
    }


def _render(kind: str, context: dict[str, Any]) -> tuple[str, str, str]:
    subject = render_to_string(f"emails/{kind}/subject.txt", context)
    text = render_to_string(f"emails/{kind}/body.txt", context)
    html = render_to_string(f"emails/{kind}/body.html", context)
    return " ".join(subject.split()), text, html


def _email(
    message: Message, subject: str, text: str, html: str, reply_to: list[str]
) -> EmailMultiAlternatives:
    host = urlparse(settings.SITE_URL).hostname or "crosspaths.invalid"
    person = message.person
    to = f"{person.name} <{person.email}>" if person.name else person.email
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=reply_to,
        headers={
            # Stable per outbox row: a receiving server can drop a duplicate.
            "Message-ID": f"<crosspaths.{message.pk}@{host}>",
            "X-Crosspaths-Message": message.dedupe_key,
            "Auto-Submitted": "auto-generated",
        },
    )
    email.attach_alternative(html, "text/html")
    return email


def _attach_invitation(email: EmailMultiAlternatives, message: Message) -> None:
    assert message.match is not None
    ics = match_calendar(match=message.match, language=message.person.effective_language)
    if ics is None:
        return
    part = MIMEText(ics.decode("utf-8"), "calendar", "utf-8")
    part.set_param("method", "REQUEST")
    part.add_header("Content-Disposition", "attachment", filename="invite.ics")
    email.attach(part)


def _group_reply_to(message: Message) -> list[str]:
    assert message.match is not None
    return [m.person.email for m in _members(message.match) if m.person_id != message.person_id]


def intro_email(message: Message) -> EmailMultiAlternatives:
    """Who you meet and why, a conversation starter, the organizer, a suggested slot
    (or why there is none), the video link or place, and the calendar invitation.
    Replies go to the others in the group."""
    with translation.override(message.person.effective_language):
        context = match_context(message)
        email = _email(message, *_render("intro", context), _group_reply_to(message))
        _attach_invitation(email, message)
    return email


def reschedule_email(message: Message) -> EmailMultiAlternatives:
    """The group's slot moved: the new time and an invitation that updates the event."""
    with translation.override(message.person.effective_language):
        context = match_context(message)
        email = _email(message, *_render("reschedule", context), _group_reply_to(message))
        _attach_invitation(email, message)
    return email


def reminder_email(message: Message) -> EmailMultiAlternatives:
    """A nudge before the slot, with the link and who organizes."""
    with translation.override(message.person.effective_language):
        context = match_context(message)
        email = _email(message, *_render("reminder", context), _group_reply_to(message))
    return email


def checkin_email(message: Message) -> EmailMultiAlternatives:
    """ "Did you meet?" with two one-click links that need no sign-in."""
    assert message.match is not None
    member = next(m for m in message.match.members.all() if m.person_id == message.person_id)
    token = checkin_token(member.pk)
    with translation.override(message.person.effective_language):
        context = match_context(message)
        context["met_url"] = _url("meetings:checkin", token, "met")
        context["missed_url"] = _url("meetings:checkin", token, "missed")
        email = _email(message, *_render("checkin", context), [])
    return email


BUILDERS = {
    Message.Kind.INTRO: intro_email,
    Message.Kind.RESCHEDULE: reschedule_email,
    Message.Kind.REMINDER: reminder_email,
    Message.Kind.CHECKIN: checkin_email,
}


def build_message(message: Message) -> EmailMultiAlternatives:
    return BUILDERS[Message.Kind(message.kind)](message)
