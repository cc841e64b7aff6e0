"""Account e-mails: the sign-in link a person asked for and the invitation HR sends.

One function per e-mail, each rendering a subject, a plain-text and an HTML template
under ``templates/emails/account/`` in the recipient's language. They send right
away (not through the task queue) because the link inside must never be stored:
only its hash is, and a queued message would keep the raw link in the database.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from crosspaths import clock
from crosspaths.people.models import Person


def _send(*, to: str, template: str, context: dict, language: str) -> None:
    with translation.override(language):
        subject = render_to_string(f"emails/account/{template}_subject.txt", context)
        text = render_to_string(f"emails/account/{template}.txt", context)
        html = render_to_string(f"emails/account/{template}.html", context)
    message = EmailMultiAlternatives(
        " ".join(subject.split()),  # one line, whatever the template's whitespace
        text,
        to=[to],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    message.send()


def _local(moment: datetime, person: Person) -> datetime:
    return timezone.localtime(moment, ZoneInfo(person.effective_timezone))


def send_sign_in_link(
    *, person: Person, url: str, expires_at: datetime, language: str | None = None
) -> None:
    """The link a person asked for on the sign-in page. ``language`` is the page's
    language when the person has not chosen one yet: they are reading it right now."""
    minutes = max(1, round((expires_at - clock.now()).total_seconds() / 60))
    _send(
        to=person.email,
        template="sign_in_link",
        context={
            "person": person,
            "organization": person.organization,
            "url": url,
            "minutes": minutes,
            "site_url": settings.SITE_URL,
        },
        language=person.language or language or person.organization.language,
    )


def send_invitation(
    *, person: Person, url: str, expires_at: datetime, invited_by: Person | None = None
) -> None:
    """The invitation for someone HR imported, from the person who sent it if known."""
    _send(
        to=person.email,
        template="invitation",
        context={
            "person": person,
            "organization": person.organization,
            "invited_by": invited_by,
            "url": url,
            "expires": _local(expires_at, person),
            "site_url": settings.SITE_URL,
        },
        language=person.effective_language,
    )
