"""What a person can type to Crosspaths in a chat (pause until a date, resume, status)
and the answer to a chat's "Propose another time".

One parser and one set of answers for Slack's ``/crosspaths`` command and for a
message to the Teams bot, in English or German ("pause bis 2027-01-15", "weiter").
The writes are the programs page's services (``person_pause``), so a pause typed in
a chat is the pause set on the web. The caller has found the person in the
organization the workspace or tenant belongs to; this module never looks anyone up.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

from crosspaths import clock
from crosspaths.meetings.organizing import match_propose
from crosspaths.people.models import Person
from crosspaths.programs.enrollments import enrollments_of, paused_until, person_pause
from crosspaths.programs.models import MatchMember, Round

PAUSE = re.compile(
    r"^(?:pause|pausiere|pausieren)\s+(?:(?:until|bis)\s+)?(\S+)$",
    re.IGNORECASE,
)
PAUSE_WORDS = ("pause", "pausiere", "pausieren")
RESUME_WORDS = ("resume", "weiter", "fortsetzen")
STATUS_WORDS = ("status",)
_TAGS = re.compile(r"<[^>]*>")


def command_text(text: str) -> str:
    """The words of a chat message: Teams' mention of the bot and HTML tags removed,
    spaces collapsed."""
    text = re.sub(r"<at>.*?</at>", " ", text or "", flags=re.IGNORECASE | re.DOTALL)
    return " ".join(_TAGS.sub(" ", text).replace("&nbsp;", " ").split())


def chat_command(*, person: Person, text: str, prefix: str = "") -> str:
    """The answer to ``pause until YYYY-MM-DD``, ``resume`` or ``status`` (anything
    else gets the help), in the active language. ``prefix`` is how the chat's users
    start a command in the examples (``/crosspaths `` on Slack, nothing on Teams)."""
    text = command_text(text)
    word = text.split(" ", 1)[0].lower() if text else ""
    if word in RESUME_WORDS and " " not in text:
        person_pause(person=person, until=None)
        return _("Welcome back: you are in the next rounds again.")
    if word in PAUSE_WORDS:
        return _pause(person, text, prefix)
    if word in STATUS_WORDS and " " not in text:
        return chat_status(person=person)
    return chat_help(prefix=prefix)


def chat_help(*, prefix: str = "") -> str:
    return _("Try `%(prefix)sstatus`, `%(prefix)spause until %(day)s` or `%(prefix)sresume`.") % {
        "prefix": prefix,
        "day": _example_day().isoformat(),
    }


def _example_day() -> date:
    return clock.today() + timedelta(days=14)


def _pause(person: Person, text: str, prefix: str) -> str:
    found = PAUSE.match(text)
    try:
        until = date.fromisoformat(found.group(1)) if found else None
    except ValueError:
        until = None
    if until is None:
        return _("Write the date as YYYY-MM-DD, for example `%(prefix)spause until %(day)s`.") % {
            "prefix": prefix,
            "day": _example_day().isoformat(),
        }
    try:
        person_pause(person=person, until=until)
    except ValidationError as error:
        return " ".join(error.messages)
    return _("Paused until %(date)s. Enjoy the break!") % {
        "date": formats.date_format(until, "DATE_FORMAT")
    }


def chat_status(*, person: Person) -> str:
    """The person's programs, their pause and their latest match, one line each."""
    today = clock.today()
    current = [e for e in enrollments_of(person=person).values() if e.left_at is None]
    lines = []
    if not current:
        lines.append(_("You are not in any program yet."))
    else:
        names = ", ".join(sorted(e.program.name for e in current))
        lines.append(_("Your programs: %(names)s.") % {"names": names})
        until = paused_until(enrollments=current, today=today)
        if until:
            lines.append(
                _("Paused until %(date)s.") % {"date": formats.date_format(until, "DATE_FORMAT")}
            )
    latest = current_matches(person=person, limit=1)
    if latest:
        member = latest[0]
        lines.append(
            _("Current match (%(program)s): %(names)s.")
            % {"program": member.match.round.program.name, "names": other_names(member)}
        )
    return "\n".join(lines)


def chat_propose(*, member: MatchMember, start: str) -> str:
    """A chat's "Propose another time" choice (an ISO start): the match page's
    ``match_propose`` (the organizer only; everybody gets the new time with an
    updated invitation); the answer for the clicker. Refusals raise ValidationError."""
    try:
        moment = datetime.fromisoformat(start)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValidationError(_("Choose a time."))
    match_propose(match=member.match, person=member.person, start=moment)
    return _("Done: everybody gets the new time with an updated invitation.")


def current_matches(*, person: Person, limit: int = 5) -> list[MatchMember]:
    """The person's memberships in published rounds, newest round first."""
    return list(
        MatchMember.objects.filter(
            organization_id=person.organization_id,
            person=person,
            round__status=Round.Status.PUBLISHED,
        )
        .select_related("match__round__program")
        .order_by("-round__date", "-pk")[:limit]
    )


def other_names(member: MatchMember) -> str:
    """Everybody else in the member's group, by name."""
    return ", ".join(
        m.person.name or m.person.email
        for m in member.match.members.select_related("person").order_by("pk")
        if m.person_id != member.person_id
    )
