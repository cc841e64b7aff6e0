"""A small organization for journeys: the shared cast, six more departments with two
tenured colleagues each (all in the virtual coffee), an onboarding program with
journeys on, and Nina, who starts on Monday 2026-11-23 in People."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from crosspaths.journeys.models import JourneyPlan
from crosspaths.journeys.services import journey_plan_set
from crosspaths.people.models import Department, Location, Person
from crosspaths.programs.models import Enrollment, Program

from ..cast import Cast, make_person

DEPARTMENTS = ("Finance", "Sales", "Legal", "Operations", "Design", "Marketing")
# Thursday 2026-11-26 09:00 Berlin: the first journey day in these tests.
DAY_ONE = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


@dataclass
class World:
    cast: Cast
    onboarding: Program
    coffee: Program
    plan: JourneyPlan | None
    nina: Person
    colleagues: list[Person]
    berlin: Location


def enroll(program: Program, *people: Person) -> None:
    for p in people:
        Enrollment.objects.get_or_create(
            program=program, person=p, defaults={"organization": program.organization}
        )


def make_world(cast: Cast, *, weeks: int = 6, journeys_on: bool = True) -> World:
    org = cast.org
    berlin = Location.objects.create(organization=org, name="Berlin", timezone="Europe/Berlin")
    coffee = Program.objects.create(
        organization=org, name="Virtual coffee", format="virtual_coffee"
    )
    onboarding = Program.objects.create(
        organization=org,
        name="Welcome",
        format=Program.Format.ONBOARDING,
        auto_enroll_since=date(2026, 11, 1),
    )
    colleagues = []
    for i, name in enumerate(DEPARTMENTS):
        dept = Department.objects.create(organization=org, name=name)
        for k in range(2):
            colleagues.append(
                make_person(
                    org,
                    f"{name.lower()}{k}@acme.test",
                    f"{name} Person{k}",
                    login=False,
                    department=dept,
                    # The first of each department sits in Berlin, the second in Munich.
                    location=berlin if k == 0 else cast.munich,
                    languages=["en"],
                    start_date=date(2018 + i % 3, 1, 1),
                )
            )
    enroll(coffee, cast.alice, cast.bob, cast.chidi, *colleagues)
    nina = make_person(
        org,
        "nina@acme.test",
        "Nina Neumann",
        department=cast.people_dept,
        location=cast.munich,
        manager=cast.alice,
        languages=["en", "de"],
        start_date=date(2026, 11, 23),
    )
    enroll(onboarding, nina)
    plan = (
        journey_plan_set(program=onboarding, actor=cast.alice, weeks=weeks) if journeys_on else None
    )
    return World(cast, onboarding, coffee, plan, nina, colleagues, berlin)


@pytest.fixture
def world(cast) -> World:
    return make_world(cast)
