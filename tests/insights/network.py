"""A small known network whose figures are computed by hand in the tests.

People (department, location):
    f1 f2 f3  Finance, Munich        e1 e2  Engineering, Munich     e3  Engineering, Lisbon
    l1        Legal, Lisbon          n1     no department, Munich   z1  Finance, Munich (never matched)

Rounds:
    r1 coffee 2026-01-05 closed: [f1 e1] both met (ratings 5, 4); [f2 f3] f2 "did not happen";
                                 [e2 l1] no answer; [e3 n1] e3 met (no rating), n1 "did not happen"
    r2 lunch  2026-01-08 closed: [f1 e1 e2 l1] l1 met (rating 3); f2 left out
    r3 coffee 2026-01-12 published: [f1 f2] [e1 e3], no answers yet

Encounters: r1 4, r2 6 (f1-e1 and e2-l1 repeat r1), r3 2 -> 12, of them 10 first-time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from crosspaths.meetings.models import CheckIn
from crosspaths.people.models import Department, Location, Organization, Person
from crosspaths.programs.models import Enrollment, LeftOut, Match, MatchMember, Program, Round

JOINED = datetime(2025, 12, 1, 9, 0, tzinfo=UTC)


@dataclass
class Network:
    org: Organization
    finance: Department
    engineering: Department
    legal: Department
    munich: Location
    lisbon: Location
    coffee: Program
    lunch: Program
    people: dict[str, Person]
    r1: Round
    r2: Round
    r3: Round

    def __getattr__(self, name: str) -> Person:
        try:
            return self.__dict__["people"][name]
        except KeyError as e:
            raise AttributeError(name) from e


def build(org: Organization | None = None) -> Network:
    org = org or Organization.objects.create(name="Known", slug="known", min_cell_size=3)
    finance = Department.objects.get_or_create(organization=org, name="Finance")[0]
    engineering = Department.objects.get_or_create(organization=org, name="Engineering")[0]
    legal = Department.objects.get_or_create(organization=org, name="Legal")[0]
    munich = Location.objects.get_or_create(organization=org, name="Munich")[0]
    lisbon = Location.objects.get_or_create(organization=org, name="Lisbon")[0]
    where = {
        "f1": (finance, munich),
        "f2": (finance, munich),
        "f3": (finance, munich),
        "e1": (engineering, munich),
        "e2": (engineering, munich),
        "e3": (engineering, lisbon),
        "l1": (legal, lisbon),
        "n1": (None, munich),
        "z1": (finance, munich),
    }
    people = {
        key: Person.objects.create(
            organization=org,
            email=f"{key}@known.test",
            name=key.upper(),
            department=dept,
            location=loc,
            invited_at=JOINED,
        )
        for key, (dept, loc) in where.items()
    }
    coffee = Program.objects.create(organization=org, name="Coffee", format="virtual_coffee")
    lunch = Program.objects.create(
        organization=org, name="Lunch", format="lunch", group_size=4, cadence="biweekly"
    )
    for key in ("f1", "f2", "f3", "e1", "e2", "e3", "l1", "n1", "z1"):
        Enrollment.objects.create(organization=org, program=coffee, person=people[key])
    for key in ("f1", "f2", "e1", "e2", "l1"):
        Enrollment.objects.create(organization=org, program=lunch, person=people[key])
    Enrollment.objects.filter(program__organization=org).update(joined_at=JOINED)

    def round_(program: Program, day: date, status: str, groups, answers=(), left_out=()):
        rnd = Round.objects.create(organization=org, program=program, date=day, status=status)
        for group in groups:
            match = Match.objects.create(organization=org, round=rnd)
            for key in group:
                member = MatchMember.objects.create(
                    organization=org, match=match, round=rnd, person=people[key]
                )
                for who, met, rating in answers:
                    if who == key:
                        CheckIn.objects.create(
                            organization=org, member=member, met=met, rating=rating
                        )
        for key in left_out:
            LeftOut.objects.create(
                organization=org,
                round=rnd,
                person=people[key],
                code="no_partner",
                reason="odd one out",
            )
        return rnd

    r1 = round_(
        coffee,
        date(2026, 1, 5),
        Round.Status.CLOSED,
        [("f1", "e1"), ("f2", "f3"), ("e2", "l1"), ("e3", "n1")],
        answers=[
            ("f1", True, 5),
            ("e1", True, 4),
            ("f2", False, None),
            ("e3", True, None),
            ("n1", False, None),
        ],
    )
    r2 = round_(
        lunch,
        date(2026, 1, 8),
        Round.Status.CLOSED,
        [("f1", "e1", "e2", "l1")],
        answers=[("l1", True, 3)],
        left_out=["f2"],
    )
    r3 = round_(coffee, date(2026, 1, 12), Round.Status.PUBLISHED, [("f1", "f2"), ("e1", "e3")])
    return Network(
        org, finance, engineering, legal, munich, lisbon, coffee, lunch, people, r1, r2, r3
    )
