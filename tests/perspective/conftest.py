"""The cast plus colleagues who give outside perspectives, for Bob (People) to ask."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from crosspaths.people.models import Department, Location, Person
from crosspaths.perspective.services import giver_save

from ..cast import PASSWORD, Cast, make_person


@dataclass
class Givers:
    cast: Cast
    sales: Department
    berlin: Location
    eve: Person  # Sales, Munich, chess and design, en/de
    finn: Person  # Engineering, Berlin, chess, English only
    gina: Person  # Sales, Berlin, chess and design, en/de


@pytest.fixture
def givers(cast) -> Givers:
    sales = Department.objects.create(organization=cast.org, name="Sales")
    berlin = Location.objects.create(organization=cast.org, name="Berlin", timezone="Europe/Berlin")
    eve = make_person(
        cast.org,
        "eve@acme.test",
        "Eve Egger",
        department=sales,
        location=cast.munich,
        languages=["en", "de"],
        interests=["Chess", "design"],
    )
    finn = make_person(
        cast.org,
        "finn@acme.test",
        "Finn Fischer",
        department=cast.engineering,
        location=berlin,
        languages=["en"],
        interests=["chess"],
    )
    gina = make_person(
        cast.org,
        "gina@acme.test",
        "Gina Graf",
        department=sales,
        location=berlin,
        languages=["en", "de"],
        interests=["chess", "design"],
    )
    for p in (cast.chidi, eve, finn, gina, cast.alice):
        giver_save(person=p, active=True, monthly_cap=2)
    return Givers(cast, sales, berlin, eve, finn, gina)


@pytest.fixture
def bob_client(client, cast):
    client.login(username="bob@acme.test", password=PASSWORD)
    return client


__all__ = ["PASSWORD", "Givers"]
