"""One-click unsubscribe (RFC 8058) for a program's e-mails.

Every e-mail about a match carries ``List-Unsubscribe: <URL>`` and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click``. A mail provider's "unsubscribe"
button POSTs ``List-Unsubscribe=One-Click`` to the URL; a person opening it gets a page
that asks first. Either way the person is paused in that program (the longest pause,
undone on the programs page) and their waiting reminders and check-ins of that
program are not sent.

The URL carries a token naming the person and the program, signed with the site's
secret and a salt used for nothing else, valid ``UNSUBSCRIBE_LINK_MAX_AGE_DAYS``. No
sign-in is needed (the provider's POST has no session). GET never changes anything,
because corporate mail scanners open every link of a message.

The announcement that HR enrolled someone in a program carries the same kind of link
with a "leave" mark: it was not their choice to join, so one click takes them out of
the program (history kept, rejoin on the programs page) instead of pausing them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q

from crosspaths.people.models import Person
from crosspaths.programs.enrollments import enrollment_leave, enrollment_pause
from crosspaths.programs.models import Program

from .models import Message

SALT = "crosspaths.notify.unsubscribe"
SKIPPED = "{person} unsubscribed from {program} with the e-mail's one-click link; not sent."


class BadToken(Exception):
    """The link was altered, made for something else, or is too old."""

    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def unsubscribe_token(*, person_id: int, program_id: int, leave: bool = False) -> str:
    """Signed, not compressed: two ids are too short for zlib to save anything but a
    byte on ids of repeated digits, and trying cost every e-mail of a round 10 us."""
    data: dict[str, int] = {"p": person_id, "g": program_id}
    if leave:
        data["l"] = 1
    return signing.dumps(data, salt=SALT)


def unsubscribe_target(token: str) -> tuple[Person, Program]:
    """The person and program a token was made for (both of one organization);
    BadToken when forged, expired, or naming something that no longer exists."""
    person, program, _leave = unsubscribe_link(token)
    return person, program


def unsubscribe_link(token: str) -> tuple[Person, Program, bool]:
    """The person, program and whether the link leaves the program (else it pauses)."""
    max_age = settings.UNSUBSCRIBE_LINK_MAX_AGE_DAYS * 24 * 3600
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise BadToken(expired=True) from None
    except signing.BadSignature:
        raise BadToken(expired=False) from None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in "pg"):
        raise BadToken(expired=False)
    person = Person.objects.select_related("organization").filter(pk=data["p"]).first()
    program = (
        Program.objects.filter(pk=data["g"], organization_id=person.organization_id).first()
        if person is not None
        else None
    )
    if person is None or program is None:
        raise BadToken(expired=False)
    return person, program, data.get("l") == 1


@dataclass(frozen=True)
class Unsubscribed:
    paused_until: date | None  # None: the person was not (or no longer) in the program
    skipped: int  # waiting messages of the program not sent
    left: bool = False  # the link took the person out of the program


@transaction.atomic
def person_unsubscribe(*, person: Person, program: Program, leave: bool = False) -> Unsubscribed:
    """Pause ``person`` in ``program`` (or, with ``leave``, take them out of it) and skip
    the messages of that program still waiting for them. Safe to run twice (a provider
    may POST more than once)."""
    left = False
    if leave:
        enrollment = enrollment_leave(person=person, program=program)
        left, until = enrollment is not None, None
    else:
        until = enrollment_pause(person=person, program=program)
    skipped = Message.objects.filter(
        Q(match__round__program=program)
        | Q(dedupe_key__startswith=announcement_prefix(program.pk)),
        organization_id=person.organization_id,
        person=person,
        status=Message.Status.QUEUED,
    ).update(
        status=Message.Status.SKIPPED,
        lease_until=None,
        last_error=SKIPPED.format(person=person, program=program.name),
    )
    return Unsubscribed(paused_until=until, skipped=skipped, left=left)


def announcement_prefix(program_id: int) -> str:
    """The start of every announcement key of a program (the row has no match; the
    key is how its content finds the program)."""
    return f"{Message.Kind.ANNOUNCEMENT.value}:program{program_id}:"


def announcement_key(program_id: int, person_id: int) -> str:
    return f"{announcement_prefix(program_id)}{person_id}"
