"""Inviting imported people from the console, in the background.

The invitation itself (a sign-in link by e-mail) is the participant app's
``crosspaths.people.invitations.person_invite(*, person, invited_by)``; this module
decides whom to invite and does it in a task, because an admin inviting 5,000 people
should not wait for 5,000 e-mails in one request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db.models import Q

from crosspaths import clock
from crosspaths.people.models import Person

logger = logging.getLogger(__name__)

Invite = Callable[..., Any]


def _person_invite() -> Invite:
    # Imported when used: the invitation e-mail lives in the participant app.
    from crosspaths.people.invitations import person_invite

    return person_invite


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
    invite = invite or _person_invite()
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
