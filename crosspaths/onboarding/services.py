"""A person's first steps after the invitation: the one-minute onboarding, where they
answer the preference questions and pick their programs in one go. It needs both
people (the answers) and programs (the enrollments), so it sits above both."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from crosspaths import clock
from crosspaths.people.models import Person
from crosspaths.people.preferences import Preferences, person_preferences_update
from crosspaths.programs.enrollments import enrollments_set


@transaction.atomic
def person_onboard(
    *,
    person: Person,
    preferences: Preferences,
    programs: Iterable,
    offered: Iterable = (),
    profile: dict | None = None,
) -> Person:
    """The one-minute onboarding in one transaction: the person's answers, their
    programs (``programs`` ticked out of ``offered``), and ``onboarded_at``."""
    person_preferences_update(person=person, preferences=preferences, profile=profile)
    enrollments_set(person=person, programs=programs, offered=offered)
    if person.onboarded_at is None:
        person.onboarded_at = clock.now()
        person.save(update_fields=["onboarded_at", "updated_at"])
    return person
