"""Console fixtures: signed-in clients per role, and a program with a round."""

from __future__ import annotations

from datetime import date

import pytest

from crosspaths.people.models import Person
from crosspaths.programs.models import Match, MatchMember, Program, Round

from ..cast import PASSWORD


@pytest.fixture
def admin_client(client, cast):
    client.login(username="alice@acme.test", password=PASSWORD)
    return client


@pytest.fixture
def participant_client(client, cast):
    client.login(username="bob@acme.test", password=PASSWORD)
    return client


@pytest.fixture
def coffee(cast):
    return Program.objects.create(
        organization=cast.org, name="Coffee roulette", format=Program.Format.VIRTUAL_COFFEE
    )


@pytest.fixture
def manager_client(client, cast, coffee):
    """Chidi, program manager of the coffee program only."""
    cast.chidi.role = Person.Role.PROGRAM_MANAGER
    cast.chidi.save()
    coffee.managers.add(cast.chidi)
    client.login(username="chidi@acme.test", password=PASSWORD)
    return client


@pytest.fixture
def published_round(cast, coffee):
    rnd = Round.objects.create(
        organization=cast.org, program=coffee, date=date(2026, 11, 2), status="published"
    )
    match = Match.objects.create(
        organization=cast.org,
        round=rnd,
        organizer=cast.chidi,
        score=12.5,
        reasons=[
            {
                "code": "different_departments",
                "text": "from different departments: Engineering and People",
                "params": {"departments": ["Engineering", "People"]},
            }
        ],
    )
    for p in (cast.chidi, cast.bob):
        MatchMember.objects.create(organization=cast.org, match=match, round=rnd, person=p)
    return rnd
