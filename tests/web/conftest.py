"""Helpers for the participant pages' tests: a published match built directly from
the models (the scheduler is not needed to show one)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from crosspaths.people.models import Person
from crosspaths.programs.models import Match, MatchMember, Program, Round

REASONS = [
    {
        "code": "different_departments",
        "text": "from different departments: Engineering and People",
        "params": {"departments": ["Engineering", "People"]},
    },
    {"code": "first_meeting", "text": "meeting for the first time", "params": {}},
    {
        "code": "shared_interests",
        "text": "something to talk about: chess",
        "params": {"interests": ["chess"]},
    },
]


def make_program(org, **fields) -> Program:
    fields.setdefault("name", "Virtual coffee")
    fields.setdefault("format", Program.Format.VIRTUAL_COFFEE)
    return Program.objects.create(organization=org, **fields)


def make_match(
    people: list[Person],
    *,
    program: Program | None = None,
    status: str = Round.Status.PUBLISHED,
    on: date | None = None,
    start: datetime | None = None,
    minutes: int = 30,
    reasons: list[dict] | None = None,
    video_link: str = "https://meet.jit.si/crosspaths-test-room",
) -> Match:
    org = people[0].organization
    program = program or make_program(org)
    on = on or timezone.localdate()
    rnd, _ = Round.objects.get_or_create(
        organization=org, program=program, date=on, defaults={"status": status}
    )
    match = Match.objects.create(
        organization=org,
        round=rnd,
        organizer=people[0],
        suggested_start=start,
        suggested_end=start + timedelta(minutes=minutes) if start else None,
        video_link=video_link,
        reasons=REASONS if reasons is None else reasons,
    )
    for person in people:
        MatchMember.objects.create(organization=org, match=match, round=rnd, person=person)
    return match


@pytest.fixture
def onboarded(cast):
    """The cast, every one of them through the onboarding."""
    Person.objects.filter(organization__in=[cast.org, cast.other_org]).update(
        onboarded_at=timezone.now()
    )
    for person in (cast.alice, cast.bob, cast.chidi, cast.dana):
        person.refresh_from_db()
    return cast
