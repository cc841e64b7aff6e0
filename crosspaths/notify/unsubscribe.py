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
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core import signing
from django.db import transaction

from crosspaths.people.models import Person
from crosspaths.programs.enrollments import enrollment_pause
from crosspaths.programs.models import Program

from .models import Message

SALT = "crosspaths.notify.unsubscribe"
SKIPPED = "{person} unsubscribed from {program} with the e-mail's one-click link; not sent."


class BadToken(Exception):
    """The link was altered, made for something else, or is too old."""

    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def unsubscribe_token(*, person_id: int, program_id: int) -> str:
    return signing.dumps({"p": person_id, "g": program_id}, salt=SALT, compress=True)


def unsubscribe_target(token: str) -> tuple[Person, Program]:
    """The person and program a token was made for (both of one organization);
    BadToken when forged, expired, or naming something that no longer exists."""
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
    return person, program


@dataclass(frozen=True)
class Unsubscribed:
    paused_until: date | None  # None: the person was not (or no longer) in the program
    skipped: int  # waiting messages of the program not sent


@transaction.atomic
def person_unsubscribe(*, person: Person, program: Program) -> Unsubscribed:
    """Pause ``person`` in ``program`` and skip the messages of that program still
    waiting for them. Safe to run twice (a provider may POST more than once)."""
    until = enrollment_pause(person=person, program=program)
    skipped = Message.objects.filter(
        organization_id=person.organization_id,
        person=person,
        match__round__program=program,
        status=Message.Status.QUEUED,
    ).update(
        status=Message.Status.SKIPPED,
        lease_until=None,
        last_error=SKIPPED.format(person=person, program=program.name),
    )
    return Unsubscribed(paused_until=until, skipped=skipped)
