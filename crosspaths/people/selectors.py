"""Reads of people data, always scoped to one organization."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from .models import Person


def memberships_of(*, user: User | AnonymousUser) -> QuerySet[Person]:
    """The organizations a login may act in: its active roster entries whose e-mail is
    still the address the login verified (its username).

    An organization controls its own roster rows, e-mail included. A row whose e-mail
    was changed no longer counts for the login that verified the old address, whoever
    changed it and however (roster, console, Django admin, SCIM), until a link sent to
    the new address is used: so no organization can point another organization's
    person's login at an address it reads."""
    if not user.is_authenticated:
        return Person.objects.none()
    return (
        Person.objects.filter(user=user, active=True, email=user.get_username().strip().lower())
        .select_related("organization", "department", "location", "team")
        .order_by("organization__name", "organization_id")
    )


def person_for_user(
    *,
    memberships: list[Person],
    organization_id: int | None,
    allowed: list[int] | None = None,
) -> Person | None:
    """The membership a request acts as, out of the login's ``memberships``: its
    person in ``organization_id``.

    No fallback: when that person left or the row no longer belongs to this login, the
    answer is None, never the login's membership in another organization. Without an
    ``organization_id`` the login's only membership is chosen, and nothing when it has
    several (the person chooses). ``allowed`` narrows the organizations to those the
    session signed in to (a sign-in link or an identity provider vouches for one
    organization only); None means the session proved the login itself (a password)."""
    people = [p for p in memberships if allowed is None or p.organization_id in allowed]
    if organization_id is not None:
        return next((p for p in people if p.organization_id == organization_id), None)
    return people[0] if len(people) == 1 else None
