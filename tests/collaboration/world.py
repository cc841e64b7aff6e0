"""A synthetic organization with past rounds whose groups met, for the estimate's tests."""

from __future__ import annotations

import random
from datetime import date, timedelta

from crosspaths.collaboration.services import collaboration_configure
from crosspaths.meetings.models import CheckIn
from crosspaths.people.models import Department, Location, Organization, Person
from crosspaths.programs.models import LeftOut, Match, MatchMember, Program, Round

DEPARTMENTS = ("Engineering", "Sales", "Finance", "People")


def build(
    *, people: int = 160, rounds: int = 6, first_round: date, seed: int = 3, slug: str = "synth"
) -> Organization:
    """``people`` people in four departments and two offices; ``rounds`` weekly rounds
    of random pairs from ``first_round`` on, in 80 % of which a member said "we met"."""
    rng = random.Random(seed)
    org = Organization.objects.create(name=f"Synth {slug}", slug=slug)
    collaboration_configure(organization=org, enabled=True)
    depts = [Department.objects.create(organization=org, name=d) for d in DEPARTMENTS]
    locs = [Location.objects.create(organization=org, name=n) for n in ("Munich", "Lisbon")]
    staff = Person.objects.bulk_create(
        Person(
            organization=org,
            email=f"p{i}@{slug}.test",
            name=f"Person {i}",
            external_id=f"E{i}",
            department=depts[i % len(depts)],
            location=locs[(i // 4) % 2],
            start_date=date(2020, 1, 1) if i % 3 else date(2026, 5, 1),
        )
        for i in range(people)
    )
    program = Program.objects.create(
        organization=org, name="Coffee", format=Program.Format.VIRTUAL_COFFEE, group_size=2
    )
    for k in range(rounds):
        day = first_round + timedelta(weeks=k)
        rnd = Round.objects.create(
            organization=org, program=program, date=day, status=Round.Status.CLOSED
        )
        pool = list(staff)
        rng.shuffle(pool)
        left = pool.pop() if len(pool) % 2 else None
        if left is not None:
            LeftOut.objects.create(organization=org, round=rnd, person=left, code="odd", reason="")
        pairs = [pool[x : x + 2] for x in range(0, len(pool), 2)]
        matches = Match.objects.bulk_create(Match(organization=org, round=rnd) for _ in pairs)
        members = MatchMember.objects.bulk_create(
            MatchMember(organization=org, match=m, round=rnd, person=p)
            for m, pair in zip(matches, pairs, strict=True)
            for p in pair
        )
        checkins = []
        for first in members[::2]:
            if rng.random() < 0.8:
                checkins.append(CheckIn(organization=org, member=first, met=True))
            elif rng.random() < 0.5:
                checkins.append(CheckIn(organization=org, member=first, met=False))
        CheckIn.objects.bulk_create(checkins)
    return org
