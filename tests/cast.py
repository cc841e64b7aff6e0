"""The shared test cast: one organization with Alice (admin), Bob (participant, Alice's
report) and Chidi (another department), and Dana in another organization."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User

from crosspaths.people.models import Department, Location, Organization, Person

PASSWORD = "correct horse battery staple"


@dataclass
class Cast:
    org: Organization
    other_org: Organization
    people_dept: Department
    engineering: Department
    munich: Location
    alice: Person
    bob: Person
    chidi: Person
    dana: Person


def make_person(
    org: Organization, email: str, name: str, *, login: bool = True, **fields
) -> Person:
    user = None
    if login:
        user = User.objects.create_user(username=email, email=email, password=PASSWORD)
    return Person.objects.create(organization=org, email=email, name=name, user=user, **fields)


def make_cast() -> Cast:
    org = Organization.objects.create(name="Acme", slug="acme", timezone="Europe/Berlin")
    other = Organization.objects.create(name="Globex", slug="globex", timezone="America/New_York")
    people_dept = Department.objects.create(organization=org, name="People")
    engineering = Department.objects.create(organization=org, name="Engineering")
    munich = Location.objects.create(organization=org, name="Munich", timezone="Europe/Berlin")
    alice = make_person(
        org,
        "alice@acme.test",
        "Alice Adler",
        external_id="A1",
        department=people_dept,
        location=munich,
        role=Person.Role.ADMIN,
        languages=["en", "de"],
        interests=["cycling"],
        start_date=date(2019, 3, 1),
        level=5,
    )
    bob = make_person(
        org,
        "bob@acme.test",
        "Bob Brandt",
        external_id="B2",
        department=people_dept,
        location=munich,
        manager=alice,
        languages=["de"],
        interests=["chess", "cycling"],
        start_date=date(2024, 9, 1),
        level=2,
    )
    chidi = make_person(
        org,
        "chidi@acme.test",
        "Chidi Okafor",
        external_id="C3",
        department=engineering,
        location=munich,
        languages=["en", "de"],
        interests=["chess"],
        start_date=date(2021, 1, 4),
        level=3,
    )
    other_dept = Department.objects.create(organization=other, name="Engineering")
    dana = make_person(
        other,
        "dana@globex.test",
        "Dana Duarte",
        external_id="D4",
        department=other_dept,
        role=Person.Role.ADMIN,
        languages=["en"],
    )
    return Cast(org, other, people_dept, engineering, munich, alice, bob, chidi, dana)
