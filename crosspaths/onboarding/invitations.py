"""Inviting people HR imported: the invitation flow, under this one name.

``person_invite`` sends one invitation (a sign-in link by e-mail, in the person's
language); ``people_invite_run`` decides whom of a console selection to invite and does
it in a task, because an admin inviting 5,000 people should not wait for 5,000 e-mails
in one request. The link inside is a ``people.sign_in_links`` token of purpose
``invitation``; following it leads to the onboarding (``onboarding.services``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from crosspaths import clock
from crosspaths.notify.account_emails import send_invitation
from crosspaths.people.models import Person, SignInToken
from crosspaths.people.sign_in_links import sign_in_token_create, sign_in_url

logger = logging.getLogger(__name__)

Invite = Callable[..., Any]

# A second invitation to the same person within this gap is a double click, not a resend.
INVITATION_RESEND_GAP = timedelta(minutes=10)


def person_invite(
    *,
    person: Person,
    invited_by: Person | None = None,
    requested_at: datetime | None = None,
) -> SignInToken | None:
    """Invite someone HR imported: a 14-day link by e-mail, in their language, that
    signs them in and leads to the one-minute onboarding. Calling it again later sends
    a fresh invitation (the console's "resend"); earlier ones stay valid until they
    expire.

    Concurrent or repeated clicks send one invitation: the person is claimed first by
    a conditional update of ``invited_at`` (not invited since ``requested_at`` nor within
    ``INVITATION_RESEND_GAP``), so of two requests racing for the same person only one
    sends; the other returns None. The e-mail goes out outside any transaction of ours;
    when the mail server fails, the claim is undone (``invited_at`` says what it said
    before), the exception reaches the caller and the unused token simply expires."""
    if not person.active:
        raise ValidationError(_("%(name)s is not active and cannot be invited.") % {"name": person})
    if invited_by is not None and invited_by.organization_id != person.organization_id:
        raise ValidationError(_("Only someone in the same organization can invite."))
    now = clock.now()
    cutoff = now - INVITATION_RESEND_GAP
    if requested_at is not None:
        cutoff = min(cutoff, requested_at)
    previous = person.invited_at
    claimed = (
        Person.objects.filter(pk=person.pk, active=True)
        .filter(Q(invited_at__isnull=True) | Q(invited_at__lt=cutoff))
        .update(invited_at=now, updated_at=now)
    )
    if claimed != 1:
        return None
    try:
        token, raw = sign_in_token_create(person=person, purpose=SignInToken.Purpose.INVITATION)
        send_invitation(
            person=person, url=sign_in_url(raw), expires_at=token.expires_at, invited_by=invited_by
        )
    except BaseException:
        Person.objects.filter(pk=person.pk, invited_at=now).update(invited_at=previous)
        raise
    person.invited_at = now
    return token


def invitable(people: Any) -> Any:
    """Of ``people``, those an invitation makes sense for: active and not joined yet."""
    return people.filter(active=True, user__isnull=True, onboarded_at__isnull=True)


def people_invite_run(
    *,
    organization_id: int,
    person_ids: list[int],
    invited_by_id: int | None,
    requested_at: datetime,
    invite: Invite | None = None,
) -> dict[str, int]:
    """Invite each person (of this organization only) unless they joined or were invited
    since the request (or a moment before it: a double click): a second run of the same
    task, or a second task from a concurrent click, sends nothing twice. One failed
    e-mail does not stop the others; it is logged and counted."""
    invite = invite or person_invite
    invited_by = (
        Person.objects.filter(pk=invited_by_id, organization_id=organization_id).first()
        if invited_by_id
        else None
    )
    people = invitable(
        Person.objects.filter(organization_id=organization_id, pk__in=person_ids)
    ).filter(Q(invited_at__isnull=True) | Q(invited_at__lt=requested_at))
    sent = failed = 0
    for person in people.order_by("pk").iterator(chunk_size=500):
        try:
            token = invite(person=person, invited_by=invited_by, requested_at=requested_at)
        except Exception:
            logger.exception("inviting person %s failed", person.pk)
            failed += 1
        else:
            sent += token is not None  # None: another request invited them just now
    return {"sent": sent, "failed": failed, "skipped": len(person_ids) - sent - failed}


def now() -> datetime:
    return clock.now()
