"""A round's per-program participation and its members' last matches are counted by
the database since 2026-12-02; before, Python read every enrollment of the program.
For random rounds (people leaving, pausing, joining late, left out, matched without an
enrollment, last matches before and after the round) the rows written must be those
the Python rules of ``tally.tally_participation`` give. Runs on SQLite and, with
DATABASE_URL, on PostgreSQL."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from crosspaths.insights.models import LastMatch, RoundFigures
from crosspaths.insights.services import round_aggregate
from crosspaths.insights.snapshots import cutoff_of
from crosspaths.insights.tally import Enrolled, tally_participation
from crosspaths.people.models import Department, Location, Organization, Person
from crosspaths.programs.models import Enrollment, LeftOut, Match, MatchMember, Program, Round

DAY = date(2026, 3, 2)


def at(days: float) -> datetime:
    """A moment ``days`` after the round's date began (UTC)."""
    return datetime(2026, 3, 2, tzinfo=UTC) + timedelta(days=days)


def random_round(seed: int) -> Round:
    rng = random.Random(seed)
    org = Organization.objects.create(name=f"Random {seed}", slug=f"random-{seed}")
    depts = [Department.objects.create(organization=org, name=f"D{i}") for i in range(3)]
    locs = [Location.objects.create(organization=org, name=f"L{i}") for i in range(3)]
    people = [
        Person.objects.create(
            organization=org,
            email=f"p{i}@random.test",
            department=rng.choice([*depts, None]),
            location=rng.choice([*locs, None]),
            active=rng.random() < 0.8,
            deactivated_at=rng.choice([None, None, at(-3), at(0.5), at(3)]),
        )
        for i in range(70)
    ]
    program = Program.objects.create(
        organization=org, name="Coffee", format="virtual_coffee", starts_on=DAY
    )
    other = Program.objects.create(
        organization=org, name="Lunch", format="lunch", group_size=4, starts_on=DAY
    )
    for person in people:
        for prog in (program, other):
            if rng.random() < 0.75:
                e = Enrollment.objects.create(organization=org, program=prog, person=person)
                Enrollment.objects.filter(pk=e.pk).update(
                    joined_at=rng.choice([at(-30), at(-30), at(0.5), at(2)]),
                    left_at=rng.choice([None, None, at(-2), at(0.9), at(5)]),
                    paused_until=rng.choice(
                        [None, None, DAY - timedelta(days=1), DAY, DAY + timedelta(days=9)]
                    ),
                )
                if rng.random() < 0.4:
                    LastMatch.objects.create(
                        organization=org,
                        enrollment=e,
                        matched_on=DAY + timedelta(days=rng.choice([-14, -7, 0, 7])),
                    )
    # An office whose only people left the program before the round: no row for it.
    quiet = Location.objects.create(organization=org, name="Quiet")
    for i in range(2):
        person = Person.objects.create(organization=org, email=f"q{i}@random.test", location=quiet)
        e = Enrollment.objects.create(organization=org, program=program, person=person)
        Enrollment.objects.filter(pk=e.pk).update(joined_at=at(-30), left_at=at(-2))
    rnd = Round.objects.create(organization=org, program=program, date=DAY, status="closed")
    shuffled = rng.sample(people, len(people))
    in_groups, left = shuffled[:40], shuffled[40:48]
    for i in range(0, len(in_groups), 2):
        match = Match.objects.create(organization=org, round=rnd)
        for person in in_groups[i : i + 2]:
            MatchMember.objects.create(organization=org, match=match, round=rnd, person=person)
    for person in left:
        LeftOut.objects.create(organization=org, round=rnd, person=person, code="x", reason="x")
    return rnd


def python_participation(rnd: Round) -> dict:
    """The per-program participation as ``round_aggregate`` counted it in Python."""
    cutoff = cutoff_of(rnd.organization, rnd.date)
    matched = set(MatchMember.objects.filter(round=rnd).values_list("person_id", flat=True))
    left_out = list(LeftOut.objects.filter(round=rnd).values_list("person_id", flat=True))
    enrollments = []
    for e in Enrollment.objects.filter(program=rnd.program).select_related("person"):
        p = e.person
        here = p.deactivated_at >= cutoff if p.deactivated_at else p.active
        enrolled = here and e.joined_at < cutoff and (e.left_at is None or e.left_at >= cutoff)
        paused = enrolled and e.paused_until is not None and e.paused_until >= rnd.date
        enrollments.append(Enrolled(p.pk, p.location_id, enrolled, paused))
    location = dict(
        Person.objects.filter(organization=rnd.organization).values_list("id", "location_id")
    )
    counts = tally_participation(
        enrollments=enrollments, matched=matched, left_out=left_out, location=location
    )
    return {scope: (c.enrolled, c.paused, c.matched, c.left_out) for scope, c in counts.items()}


def python_last_matches(rnd: Round) -> dict:
    """Each enrollment's last match after the round, by the rule of the Python loop."""
    before = dict(
        LastMatch.objects.filter(organization=rnd.organization).values_list(
            "enrollment_id", "matched_on"
        )
    )
    members = MatchMember.objects.filter(round=rnd).values("person_id")
    for e in Enrollment.objects.filter(program=rnd.program, person_id__in=members):
        if e.pk not in before or before[e.pk] < rnd.date:
            before[e.pk] = rnd.date
    return before


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_random_round_writes_the_participation_and_last_matches_of_the_python_rules(db, seed):
    rnd = random_round(seed)
    participation = python_participation(rnd)
    last_matches = python_last_matches(rnd)
    round_aggregate(round_id=rnd.pk)
    stored = {
        f.location_id: (f.enrolled, f.paused, f.matched, f.left_out)
        for f in RoundFigures.objects.filter(round=rnd)
    }
    # The same scopes (every member counts where they work), none with only zeros.
    assert stored == participation
    assert (
        dict(
            LastMatch.objects.filter(organization=rnd.organization).values_list(
                "enrollment_id", "matched_on"
            )
        )
        == last_matches
    )
    # Again: nothing moves.
    round_aggregate(round_id=rnd.pk)
    assert (
        dict(
            LastMatch.objects.filter(organization=rnd.organization).values_list(
                "enrollment_id", "matched_on"
            )
        )
        == last_matches
    )
