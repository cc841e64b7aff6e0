"""Reads of programs, rounds and matches; every function takes the person or
organization it is scoped to."""

from __future__ import annotations

from django.db.models import Prefetch

from crosspaths.people.models import Person

from .models import Match, MatchMember, Round


def current_match_for(*, person: Person) -> Match | None:
    """The person's match in their most recent published round, with members prefetched."""
    members = MatchMember.objects.select_related("person__department", "person__location")
    return (
        Match.objects.filter(
            organization=person.organization,
            members__person=person,
            round__status=Round.Status.PUBLISHED,
        )
        .select_related("round__program", "organizer")
        .prefetch_related(Prefetch("members", queryset=members))
        .order_by("-round__date", "-id")
        .first()
    )
