"""Event fixtures: the cast plus a crowd, and an all-hands event for them."""

from __future__ import annotations

from datetime import date

import pytest

from crosspaths.events.models import Event
from crosspaths.people.models import Department, Person

from ..cast import PASSWORD, make_person


@pytest.fixture
def crowd(cast):
    """33 more people of Acme in three departments (36 with Alice, Bob and Chidi)."""
    depts = [
        cast.people_dept,
        cast.engineering,
        Department.objects.create(organization=cast.org, name="Sales"),
    ]
    return [
        make_person(
            cast.org,
            f"p{k}@acme.test",
            f"Person {k:02d}",
            login=False,
            department=depts[k % 3],
            location=cast.munich if k % 2 else None,
        )
        for k in range(33)
    ]


@pytest.fixture
def townhall(cast, crowd):
    return Event.objects.create(
        organization=cast.org,
        name="Winter townhall",
        date=date(2026, 12, 10),
        table_size=6,
        rotations=3,
        created_by=cast.alice,
    )


@pytest.fixture
def admin_client(client, cast):
    client.login(username="alice@acme.test", password=PASSWORD)
    return client


@pytest.fixture
def participant_client(client, cast):
    client.login(username="bob@acme.test", password=PASSWORD)
    return client


__all__ = ["Person"]
