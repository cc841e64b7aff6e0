"""Reads of people data, always scoped to one organization."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from .models import Person


def person_for_user(
    *, user: AbstractBaseUser | AnonymousUser, organization_id: int | None = None
) -> Person | None:
    """The active person a signed-in user is; the one in ``organization_id`` when the user
    belongs to several organizations, else their first."""
    if not user.is_authenticated:
        return None
    people = Person.objects.filter(user=user, active=True).select_related(
        "organization", "department", "location", "team"
    )
    if organization_id is not None:
        chosen = people.filter(organization_id=organization_id).first()
        if chosen is not None:
            return chosen
    return people.order_by("organization_id").first()
