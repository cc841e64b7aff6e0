"""A crowd for round tests: the cast's organization plus ``n`` more colleagues across
departments, all enrolled in one program (bulk-created: fast for a few hundred)."""

from __future__ import annotations

from datetime import date, time

from crosspaths.people.models import Department, Organization, Person
from crosspaths.programs.models import Enrollment, Program

DEPARTMENTS = ("Sales", "Finance", "Legal", "Design")
INTERESTS = ("cycling", "chess", "cooking", "jazz", "hiking")


def enroll(program: Program, people) -> None:  # type: ignore[no-untyped-def]
    Enrollment.objects.bulk_create(
        [Enrollment(organization=program.organization, program=program, person=p) for p in people]
    )


def crowd(
    org: Organization, n: int, *, prefix: str = "colleague", language: str = "en"
) -> list[Person]:
    departments = [
        Department.objects.get_or_create(organization=org, name=name)[0] for name in DEPARTMENTS
    ]
    people = [
        Person(
            organization=org,
            email=f"{prefix}{i}@{org.slug}.test",
            name=f"{prefix.title()} {i}",
            department=departments[i % len(departments)],
            languages=["en", "de"],
            interests=[INTERESTS[i % len(INTERESTS)], INTERESTS[(i * 3 + 1) % len(INTERESTS)]],
            language=language,
            start_date=date(2020, 1, 1),
        )
        for i in range(n)
    ]
    return Person.objects.bulk_create(people)


def coffee(org: Organization, **fields) -> Program:  # type: ignore[no-untyped-def]
    defaults = {
        "name": "Virtual coffee",
        "format": "virtual_coffee",
        "weekday": 0,
        "time": time(9, 0),
        "starts_on": date(2026, 11, 2),
    }
    return Program.objects.create(organization=org, **{**defaults, **fields})
