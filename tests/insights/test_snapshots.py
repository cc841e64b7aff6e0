"""The organization-wide snapshots of a round's date (participation and reach, counted
in SQL) against a small organization with every edge case, computed by hand."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection

from crosspaths.insights.models import ParticipationFigures, PersonReach, ReachSnapshot
from crosspaths.insights.services import round_aggregate
from crosspaths.insights.snapshots import bar_case
from crosspaths.insights.tally import COLLEAGUE_BARS, bar_of
from crosspaths.people.models import Department, Location, Organization, Person
from crosspaths.programs.models import Enrollment, Match, MatchMember, Program, Round

DAY = date(2026, 1, 12)  # the round; its end in Berlin (UTC+1) is 23:00 UTC
EARLY = datetime(2025, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def edge(db):
    org = Organization.objects.create(
        name="Edge", slug="edge", timezone="Europe/Berlin", min_cell_size=1
    )
    a_dept = Department.objects.create(organization=org, name="A")
    b_dept = Department.objects.create(organization=org, name="B")
    office = Location.objects.create(organization=org, name="Office")
    p1 = Program.objects.create(organization=org, name="P1", format="virtual_coffee")
    p2 = Program.objects.create(organization=org, name="P2", format="virtual_coffee")

    def person(key, dept, loc=office, **fields):
        fields.setdefault("invited_at", EARLY)
        return Person.objects.create(
            organization=org, email=f"{key}@edge.test", department=dept, location=loc, **fields
        )

    def enroll(who, program, joined=EARLY, **fields):
        e = Enrollment.objects.create(organization=org, program=program, person=who, **fields)
        Enrollment.objects.filter(pk=e.pk).update(joined_at=joined)

    people = {
        "a": person("a", a_dept),  # paused in P1 only: not paused
        "b": person("b", a_dept),  # paused in both: paused
        "c": person("c", b_dept),  # paused, but in a group of the round: not paused
        "d": person("d", b_dept, loc=None, onboarded_at=EARLY),  # left P1, signed up: opted in
        "e": person("e", b_dept, invited_at=datetime(2026, 1, 12, 23, 30, tzinfo=UTC)),
        "f": person("f", a_dept),  # joined at 00:30 Berlin the next day: not yet enrolled
        "g": person("g", a_dept, deactivated_at=datetime(2026, 1, 11, tzinfo=UTC)),  # gone
        "h": person("h", a_dept, active=False, deactivated_at=datetime(2026, 1, 20, tzinfo=UTC)),
        "i": person("i", a_dept, active=False),  # inactive, no date: not counted
    }
    enroll(people["a"], p1, paused_until=date(2026, 1, 20))
    enroll(people["a"], p2)
    enroll(people["b"], p1, paused_until=DAY)
    enroll(people["b"], p2, paused_until=date(2026, 2, 1))
    enroll(people["c"], p1, paused_until=DAY)
    enroll(people["d"], p1, left_at=datetime(2026, 1, 10, tzinfo=UTC))
    enroll(people["e"], p1, joined=datetime(2026, 1, 12, 22, 30, tzinfo=UTC))
    enroll(people["f"], p1, joined=datetime(2026, 1, 12, 23, 30, tzinfo=UTC))
    for key in ("g", "h", "i"):
        enroll(people[key], p1)
    rnd = Round.objects.create(organization=org, program=p1, date=DAY, status="closed")
    match = Match.objects.create(organization=org, round=rnd)
    for key in ("a", "c"):
        MatchMember.objects.create(organization=org, match=match, round=rnd, person=people[key])
    for key, dept, n in (
        ("b", a_dept.pk, 1),  # own department only
        ("d", a_dept.pk, 2),  # not enrolled, but has met people: counted
        ("f", b_dept.pk, 0),  # an emptied row: has met nobody
        ("g", b_dept.pk, 5),  # left the company: not counted
        ("h", 0, 3),  # colleagues without a department are no "other department"
    ):
        PersonReach.objects.create(
            organization=org, person=people[key], department=dept, colleagues=n
        )
    round_aggregate(round_id=rnd.pk)
    return org, office


def test_participation_on_a_rounds_date_counts_by_the_organizations_day(edge):
    org, office = edge
    rows = {
        r.location_id: (r.invited, r.opted_in, r.enrolled, r.paused)
        for r in ParticipationFigures.objects.filter(organization=org, date=DAY)
    }
    # employed: a b c d e f h; invited: all but e; enrolled: a b c e h; opted in:
    # a b c h (enrolled) and d (signed up); paused everywhere and in no group: b
    assert rows[None] == (6, 5, 5, 1)
    assert rows[office.pk] == (5, 4, 5, 1)  # d has no location
    assert set(rows) == {None, office.pk}


def test_reach_counts_the_enrolled_and_everyone_who_has_met_someone(edge):
    org, office = edge
    bars = {
        (r.location_id, r.metric, r.low): r.people
        for r in ReachSnapshot.objects.filter(organization=org, date=DAY)
    }
    # colleagues: e 0; a c (each other) b 1; d 2; h 3 -- f and g are not counted
    assert [bars[(None, "colleagues", low)] for low in (0, 1, 2, 3, 6)] == [1, 3, 1, 1, 0]
    assert [bars[(office.pk, "colleagues", low)] for low in (0, 1, 2, 3)] == [1, 3, 0, 1]
    # other departments: a c d one; b (own), e (none), h (no department) zero
    assert [bars[(None, "departments", low)] for low in (0, 1, 2)] == [3, 3, 0]
    assert [bars[(office.pk, "departments", low)] for low in (0, 1, 2)] == [3, 2, 0]


@pytest.mark.parametrize("value", [0, 1, 2, 3, 5, 6, 20, 21, 50, 51, 10_000])
def test_the_sql_histogram_bar_is_the_one_tally_names(db, value):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {bar_case('v', COLLEAGUE_BARS)} FROM (SELECT %s AS v) t", [value])
        assert cursor.fetchone()[0] == bar_of(value, COLLEAGUE_BARS)
