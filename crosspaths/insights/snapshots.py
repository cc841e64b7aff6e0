"""The organization-wide snapshots of a round's date, counted by the database.

Participation (invited, opted in, enrolled, paused in every program) and reach (how many
colleagues and other departments people have met) look at every person of the
organization, so at 100,000 people and 2 million ``PersonReach`` rows reading them into
Python loops was half of a round's aggregation. Each snapshot is now one aggregate
query grouped by location; Python only adds the locations up to the whole organization
and writes the few rows.

The SQL is plain (joins, ``CASE``, ``GROUP BY``) so SQLite and PostgreSQL run the same
text. The rules are those of the old loops, unchanged:

- "as of a day" means before the end of that day in the organization's time zone;
- a person counts while employed: not yet deactivated then, or active when no
  deactivation date is known;
- enrolled: an enrollment joined before and not left by then, or in a group of the
  round; paused: every such enrollment paused on the day, and in no group of the round;
- reach counts everyone enrolled or who has met anyone; "other departments" are the
  departments (not "none") of the colleagues met other than the person's own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection

from crosspaths.people.models import Organization, Person
from crosspaths.programs.models import Enrollment, MatchMember, Round

from .models import ParticipationFigures, PersonReach, ReachSnapshot
from .tally import COLLEAGUE_BARS, DEPARTMENT_BARS

PERSON = Person._meta.db_table
ENROLLMENT = Enrollment._meta.db_table
MEMBER = MatchMember._meta.db_table
REACH = PersonReach._meta.db_table

EMPLOYED = (  # cutoff, True
    "(p.deactivated_at >= %s OR (p.deactivated_at IS NULL AND p.active = %s))"
)
# The people with an enrollment in force at the cutoff (organization, cutoff, cutoff).
# Checked with an uncorrelated IN, which both databases run once into a hash or an
# index; a joined DISTINCT subquery was scanned once per person by SQLite (seconds at
# 10,000 people), and correlated EXISTS probes cost PostgreSQL a subplan per person.
IN_FORCE = (
    f"SELECT person_id FROM {ENROLLMENT} WHERE organization_id = %s "
    "AND joined_at < %s AND (left_at IS NULL OR left_at >= %s)"
)


def cutoff_of(org: Organization, day: date) -> datetime:
    """The end of ``day`` in the organization's time zone: "as of the round's date"."""
    return datetime.combine(day + timedelta(days=1), time.min, ZoneInfo(org.timezone))


def participation_write(rnd: Round) -> None:
    """The whole organization's participation on the round's date (every program
    together), overall and per location."""
    org, day = rnd.organization, rnd.date
    at = connection.ops.adapt_datetimefield_value(cutoff_of(org, day))
    on = connection.ops.adapt_datefield_value(day)
    sql = f"""
        WITH people AS (
            SELECT p.location_id, p.invited_at, p.onboarded_at,
                p.id IN ({IN_FORCE}) AS enrolled,
                p.id IN ({IN_FORCE} AND (paused_until IS NULL OR paused_until < %s)) AS unpaused,
                p.id IN (SELECT person_id FROM {MEMBER} WHERE round_id = %s) AS in_group
            FROM {PERSON} p
            WHERE p.organization_id = %s AND {EMPLOYED}
        )
        SELECT location_id,
            SUM(CASE WHEN invited_at < %s THEN 1 ELSE 0 END),
            SUM(CASE WHEN invited_at < %s AND (enrolled OR in_group OR onboarded_at < %s)
                THEN 1 ELSE 0 END),
            SUM(CASE WHEN enrolled OR in_group THEN 1 ELSE 0 END),
            SUM(CASE WHEN enrolled AND NOT unpaused AND NOT in_group THEN 1 ELSE 0 END)
        FROM people
        GROUP BY location_id
    """
    params = [org.pk, at, at, org.pk, at, at, on, rnd.pk, org.pk, at, True, at, at, at]
    counts: dict[int | None, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for loc, *numbers in _rows(sql, params):
        for scope in {None, loc}:
            counts[scope] = [a + int(b) for a, b in zip(counts[scope], numbers, strict=True)]
    ParticipationFigures.objects.filter(organization=org, date=day).delete()
    ParticipationFigures.objects.bulk_create(
        ParticipationFigures(
            organization=org,
            date=day,
            location_id=scope,
            invited=invited,
            opted_in=opted_in,
            enrolled=enrolled,
            paused=paused,
        )
        for scope, (invited, opted_in, enrolled, paused) in counts.items()
    )


def reach_snapshot_write(org: Organization, day: date) -> None:
    """Histograms of colleagues and other departments met, as of ``day``, for everyone
    enrolled in a program or who has met anyone, still at the company."""
    at = connection.ops.adapt_datetimefield_value(cutoff_of(org, day))
    per_person = f"""
        SELECT p.location_id AS loc,
            COALESCE(SUM(r.colleagues), 0) AS colleagues,
            SUM(CASE WHEN r.department <> 0 AND (p.department_id IS NULL
                OR r.department <> p.department_id) THEN 1 ELSE 0 END) AS departments
        FROM {PERSON} p
        LEFT JOIN {REACH} r
            ON r.person_id = p.id AND r.organization_id = %s AND r.colleagues > 0
        WHERE p.organization_id = %s AND {EMPLOYED}
        GROUP BY p.id, p.location_id
        HAVING COUNT(r.id) > 0 OR p.id IN ({IN_FORCE})
    """
    colleagues = bar_case("colleagues", COLLEAGUE_BARS)
    departments = bar_case("departments", DEPARTMENT_BARS)
    sql = (
        f"SELECT loc, {colleagues}, {departments}, COUNT(*) FROM ({per_person}) people "
        f"GROUP BY loc, {colleagues}, {departments}"
    )
    params = [org.pk, org.pk, at, True, org.pk, at, at]
    bars: dict[tuple[int | None, str], dict[int, int]] = {}
    for loc, colleague_bar, department_bar, people in _rows(sql, params):
        for scope in {None, loc}:
            for metric, low, template in (
                (ReachSnapshot.Metric.COLLEAGUES, colleague_bar, COLLEAGUE_BARS),
                (ReachSnapshot.Metric.DEPARTMENTS, department_bar, DEPARTMENT_BARS),
            ):
                counts = bars.setdefault((scope, metric), {b: 0 for b, _ in template})
                counts[low] += people
    highs: dict[str, dict[int, int | None]] = {
        metric: dict(template)
        for metric, template in (
            (ReachSnapshot.Metric.COLLEAGUES, COLLEAGUE_BARS),
            (ReachSnapshot.Metric.DEPARTMENTS, DEPARTMENT_BARS),
        )
    }
    ReachSnapshot.objects.filter(organization=org, date=day).delete()
    ReachSnapshot.objects.bulk_create(
        (
            ReachSnapshot(
                organization=org,
                date=day,
                location_id=scope,
                metric=metric,
                low=low,
                high=highs[metric][low],
                people=people,
            )
            for (scope, metric), counts in bars.items()
            for low, people in counts.items()
        ),
        batch_size=1000,
    )


def bar_case(column: str, bars: Sequence[tuple[int, int | None]]) -> str:
    """SQL for the low end of the histogram bar a value falls into (``tally.bar_of``).
    The bounds are the constants of ``tally``, never input, so they are written inline."""
    whens = " ".join(
        f"WHEN {column} >= {int(low)} THEN {int(low)}"
        if high is None
        else f"WHEN {column} BETWEEN {int(low)} AND {int(high)} THEN {int(low)}"
        for low, high in bars
    )
    return f"CASE {whens} END"


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
