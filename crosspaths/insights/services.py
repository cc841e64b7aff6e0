"""Writes of the insights app: aggregate a round into the small tables dashboards read.

``round_aggregate`` recomputes one round's figures from its groups and check-ins and
replaces whatever was stored for it, so running it twice, or again after late
check-ins, is safe. It also keeps the network's working tables (``Connection``,
``PersonReach``, ``LastMatch``) in step. Rounds of one organization are aggregated one
at a time (the organization's row is locked), because two rounds can share a pair of
people and only one of them is that pair's first encounter.

``round_close`` calls ``round_aggregate_enqueue(round_id=...)``; ``manage.py
insights_backfill`` is the nightly job (it also counts published rounds still open) and
the first-time backfill.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q

from crosspaths import clock
from crosspaths.bulk import insert_rows
from crosspaths.meetings.models import CheckIn
from crosspaths.people.models import Organization, Person
from crosspaths.programs.hooks import Hook
from crosspaths.programs.models import Enrollment, LeftOut, MatchMember, Round

from .models import (
    SMALL_GROUP_IDS,
    Connection,
    DepartmentFigures,
    LastMatch,
    NightlyRun,
    PairFigures,
    ParticipationFigures,
    PersonReach,
    ReachSnapshot,
    RoundFigures,
)
from .snapshots import EMPLOYED, cutoff_of, participation_write, reach_snapshot_write
from .tally import (
    Answer,
    Pair,
    Participation,
    ScopeTally,
    pairs_of,
    tally_round,
)

logger = logging.getLogger(__name__)

# The tasks run this module's services, so this module cannot import them: ``tasks.py``
# answers these hooks (plugged in ``InsightsConfig.ready``).
# ``(*, round_id) -> None``: queue one round's aggregation.
round_aggregate_queue = Hook("insights.round_aggregate_queue", "crosspaths.insights")
# ``(*, day) -> None``: queue the nightly refresh of ``day`` (an ISO date).
nightly_queue = Hook("insights.nightly_queue", "crosspaths.insights")

Edge = tuple[int, int, int, int]  # person low, person high, their departments (0 = none)

COUNTED = (Round.Status.PUBLISHED, Round.Status.CLOSED)
LOOKUP_BATCH = 400  # pairs per query: 800 parameters, well within SQLite's limit
NIGHTLY_DAYS = 28  # check-ins arrive within a few weeks; older rounds stay as they were


@dataclass
class AggregateResult:
    round_id: int
    encounters: int = 0
    new_connections: int = 0
    stale_rounds: tuple[int, ...] = ()  # later rounds whose first encounters moved here

    def as_dict(self) -> dict[str, object]:
        return {
            "round_id": self.round_id,
            "encounters": self.encounters,
            "new_connections": self.new_connections,
            "stale_rounds": list(self.stale_rounds),
        }


def round_aggregate_enqueue(*, round_id: int) -> None:
    """Queue the aggregation of a round once the caller's transaction commits (called by
    ``round_close``; calling it twice only costs time)."""
    transaction.on_commit(lambda: round_aggregate_queue(round_id=round_id))


def round_aggregate(*, round_id: int) -> AggregateResult:
    """Recompute one round's figures (replacing the stored ones) and queue the later
    rounds that lost a first encounter to it."""
    with transaction.atomic():
        rnd = Round.objects.select_related("organization").filter(pk=round_id).first()
        if rnd is None:
            return AggregateResult(round_id=round_id)
        # One aggregation per organization at a time (see the module docstring). SQLite
        # has no row locks; its IMMEDIATE transactions serialize writers anyway.
        list(Organization.objects.select_for_update().filter(pk=rnd.organization_id))
        rnd.refresh_from_db(fields=["status", "date"])
        result = _aggregate(rnd)
    for stale in result.stale_rounds:
        transaction.on_commit(partial(round_aggregate_queue, round_id=stale))
    return result


def insights_backfill(
    *,
    organization: Organization | None = None,
    days: int = NIGHTLY_DAYS,
    rebuild: bool = False,
    today: date | None = None,
    progress=None,
) -> int:
    """Aggregate every published or closed round never aggregated, plus those of the
    last ``days`` days (late check-ins); with ``rebuild`` forget everything first and
    aggregate all rounds. Oldest first, so first encounters land where they belong.
    Returns how many rounds were aggregated."""
    today = today or clock.today()
    orgs = [organization] if organization else list(Organization.objects.all())
    done = 0
    for org in orgs:
        if rebuild:
            _forget(org)
        rounds = Round.objects.filter(organization=org, status__in=COUNTED)
        if not rebuild:
            aggregated = RoundFigures.objects.filter(organization=org, location__isnull=True)
            rounds = rounds.filter(
                Q(date__gte=today - timedelta(days=days)) | ~Q(pk__in=aggregated.values("round_id"))
            )
        queue = list(rounds.order_by("date", "pk").values_list("pk", flat=True))
        while queue:
            round_id = queue.pop(0)
            with transaction.atomic():
                rnd = Round.objects.get(pk=round_id)
                list(Organization.objects.select_for_update().filter(pk=org.pk))
                result = _aggregate(rnd)
            done += 1
            if progress:
                progress(rnd, result)
            # A later round lost a first encounter: recount it too. Stale rounds are always
            # later than the one that made them stale, so this ends.
            queue.extend(r for r in result.stale_rounds if r not in queue)
    return done


def figures_counted_at(*, organization: Organization) -> datetime | None:
    """When the organization's figures were last counted (the newest round aggregation),
    None before the first."""
    return RoundFigures.objects.filter(organization=organization).aggregate(
        last=Max("computed_at")
    )["last"]


def insights_nightly_due(*, now: datetime) -> bool:
    """Queue the nightly refresh (``insights_backfill``: late check-ins of the last weeks,
    rounds never aggregated) once per UTC day, after ``INSIGHTS_NIGHTLY_HOUR_UTC``. The
    scheduler calls this every pass; the unique NightlyRun row is the claim, so several
    schedulers queue it once. Returns whether this call queued it."""
    now = now.astimezone(ZoneInfo("UTC"))
    if now.hour < settings.INSIGHTS_NIGHTLY_HOUR_UTC:
        return False
    try:
        with transaction.atomic():
            NightlyRun.objects.create(date=now.date())
            transaction.on_commit(lambda: nightly_queue(day=now.date().isoformat()))
    except IntegrityError:
        return False
    return True


def _forget(org: Organization) -> None:
    with transaction.atomic():
        for model in (
            RoundFigures,
            PairFigures,
            DepartmentFigures,
            ParticipationFigures,
            ReachSnapshot,
            PersonReach,
            LastMatch,
            Connection,
        ):
            model.objects.filter(organization=org).delete()


# --- one round ----------------------------------------------------------------------


def _aggregate(rnd: Round) -> AggregateResult:
    counted = rnd.status in COUNTED
    members = (
        list(
            MatchMember.objects.filter(round=rnd).values_list(
                "match_id", "person_id", "person__department_id", "person__location_id"
            )
        )
        if counted
        else []
    )
    groups: dict[int, list[int]] = defaultdict(list)
    department: dict[int, int] = {}
    location: dict[int, int | None] = {}
    for match_id, person_id, department_id, location_id in members:
        groups[match_id].append(person_id)
        department[person_id] = department_id or 0
        location[person_id] = location_id
    answers: dict[int, list[Answer]] = defaultdict(list)
    if counted:
        for match_id, met, rating in CheckIn.objects.filter(member__round=rnd).values_list(
            "member__match_id", "met", "rating"
        ):
            answers[match_id].append(Answer(met=met, rating=rating))
    pairs = {pair for group in groups.values() for pair in pairs_of(group)}

    new_pairs, stale = _connections_update(rnd, pairs, department)
    scopes = tally_round(
        groups=groups,
        answers=answers,
        department=department,
        location=location,
        new_pairs=new_pairs,
    )
    for model in (RoundFigures, PairFigures, DepartmentFigures):
        model.objects.filter(round=rnd).delete()
    if counted:
        _write_round_figures(rnd, scopes)
        _last_match_update(rnd)
        participation_write(rnd)
        newer = RoundFigures.objects.filter(
            organization_id=rnd.organization_id, location__isnull=True, date__gt=rnd.date
        )
        if not newer.exists():
            reach_snapshot_write(rnd.organization, rnd.date)
    overall = scopes.get(None)
    return AggregateResult(
        round_id=rnd.pk,
        encounters=overall.encounters if overall else 0,
        new_connections=overall.new_connections if overall else 0,
        stale_rounds=tuple(sorted(stale)),
    )


def _ids(people: set[int]) -> list[int]:
    return sorted(people) if len(people) < SMALL_GROUP_IDS else []


def _write_round_figures(rnd: Round, scopes: dict[int | None, ScopeTally]) -> None:
    common = {
        "organization_id": rnd.organization_id,
        "round_id": rnd.pk,
        "program_id": rnd.program_id,
        "date": rnd.date,
    }
    participation = _program_participation(rnd)
    round_rows, pair_rows, department_rows = [], [], []
    for scope in sorted(set(scopes) | set(participation), key=lambda s: (s is not None, s or 0)):
        # A location whose enrolled people got no group still gets its participation.
        s = scopes.get(scope) or ScopeTally()
        p = participation.get(scope)
        round_rows.append(
            RoundFigures(
                **common,
                location_id=scope,
                people=len(s.people),
                people_ids=_ids(s.people),
                enrolled=p.enrolled if p else 0,
                paused=p.paused if p else 0,
                matched=p.matched if p else 0,
                left_out=p.left_out if p else 0,
                matches=s.matches,
                happened=s.happened,
                not_happened=s.not_happened,
                unanswered=s.unanswered,
                answers=s.answers,
                no_shows=s.no_shows,
                ratings=s.ratings,
                encounters=s.encounters,
                cross_department=s.cross_department,
                same_department=s.same_department,
                new_connections=s.new_connections,
                new_connections_met=s.new_connections_met,
            )
        )
        for (a, b), cell in s.cells.items():
            pair_rows.append(
                PairFigures(
                    **common,
                    location_id=scope,
                    department_a=a,
                    department_b=b,
                    people=len(cell.people),
                    people_ids=_ids(cell.people),
                    encounters=cell.encounters,
                    happened=cell.happened,
                    new_connections=cell.new_connections,
                )
            )
        for dept, d in s.departments.items():
            department_rows.append(
                DepartmentFigures(
                    **common,
                    location_id=scope,
                    department=dept,
                    people=len(d.people),
                    people_ids=_ids(d.people),
                    external=d.external,
                    internal=d.internal,
                )
            )
    RoundFigures.objects.bulk_create(round_rows)
    PairFigures.objects.bulk_create(pair_rows, batch_size=500)
    DepartmentFigures.objects.bulk_create(department_rows, batch_size=500)


def _enrolled_on(joined_at: datetime, left_at: datetime | None, cutoff: datetime) -> bool:
    return joined_at < cutoff and (left_at is None or left_at >= cutoff)


def _program_participation(rnd: Round) -> dict[int | None, Participation]:
    """The program's participation on the round's date per scope (the rules of
    ``tally.tally_participation``), counted by the database: reading the program's
    enrollments into Python cost about a second at 100,000 people. A person counts in
    the scope of their own location and the whole organization's; a scope where nobody
    counts gets no entry."""
    at = connection.ops.adapt_datetimefield_value(cutoff_of(rnd.organization, rnd.date))
    on = connection.ops.adapt_datefield_value(rnd.date)
    members = f"SELECT person_id FROM {MatchMember._meta.db_table} WHERE round_id = %s"
    left_out = f"SELECT person_id FROM {LeftOut._meta.db_table} WHERE round_id = %s"
    enrollment = Enrollment._meta.db_table
    sql = f"""
        WITH people AS (
            SELECT p.location_id,
                e.id IS NOT NULL AND {EMPLOYED} AND e.joined_at < %s
                    AND (e.left_at IS NULL OR e.left_at >= %s) AS enrolled,
                e.paused_until >= %s AS paused,
                p.id IN ({members}) AS matched,
                p.id IN ({left_out}) AS left_out
            FROM {Person._meta.db_table} p
            LEFT JOIN {enrollment} e ON e.person_id = p.id AND e.program_id = %s
            WHERE p.organization_id = %s AND (e.id IS NOT NULL
                OR p.id IN ({members}) OR p.id IN ({left_out}))
        )
        SELECT location_id,
            SUM(CASE WHEN enrolled OR matched OR left_out THEN 1 ELSE 0 END),
            SUM(CASE WHEN enrolled AND paused AND NOT matched THEN 1 ELSE 0 END),
            SUM(CASE WHEN matched THEN 1 ELSE 0 END),
            SUM(CASE WHEN left_out THEN 1 ELSE 0 END)
        FROM people
        GROUP BY location_id
        HAVING SUM(CASE WHEN enrolled OR matched OR left_out THEN 1 ELSE 0 END) > 0
    """
    params = [at, True, at, at, on, rnd.pk, rnd.pk, rnd.program_id, rnd.organization_id]
    params += [rnd.pk, rnd.pk]
    out: dict[int | None, Participation] = defaultdict(Participation)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for loc, enrolled, paused, matched, left in cursor.fetchall():
            for scope in {None, loc}:
                p = out[scope]
                p.enrolled += int(enrolled)
                p.paused += int(paused)
                p.matched += int(matched)
                p.left_out += int(left)
    return dict(out)


def _employed_on(active: bool, deactivated_at: datetime | None, cutoff: datetime) -> bool:
    if deactivated_at is not None:
        return deactivated_at >= cutoff
    return active


# --- the network's edges --------------------------------------------------------------


def _connections_update(
    rnd: Round, pairs: set[Pair], department: dict[int, int]
) -> tuple[set[Pair], set[int]]:
    """Record the round's pairs in ``Connection`` and say which of them are first
    encounters and which later rounds lost a first encounter to this one. A pair whose
    only encounter was in this round and is gone (a group changed) is forgotten, or
    moved to its next encounter."""
    org_id = rnd.organization_id
    key = (rnd.date, rnd.pk)
    existing = _connections_lookup(pairs)
    new_pairs: set[Pair] = set()
    inserts: list[Edge] = []
    moved: list[Pair] = []
    stale: set[int] = set()
    for pair in pairs:
        found = existing.get(pair)
        if found is None:
            new_pairs.add(pair)
            inserts.append((*pair, department.get(pair[0], 0), department.get(pair[1], 0)))
        elif (found[1], found[0]) == key:
            new_pairs.add(pair)
        elif (found[1], found[0]) > key:  # stored as first, but this round is earlier
            new_pairs.add(pair)
            moved.append(pair)
            stale.add(found[0])
    inserts.sort()  # index order: the inserts and their key checks touch fewer pages
    _connections_insert(rnd, inserts)
    _reach_add(org_id, inserts, +1)
    for batch in _batches(moved, LOOKUP_BATCH):
        q = Q()
        for low, high in batch:
            q |= Q(person_low_id=low, person_high_id=high)
        Connection.objects.filter(q).update(first_round_id=rnd.pk, first_date=rnd.date)

    gone = [
        c
        for c in Connection.objects.filter(first_round=rnd).values_list(
            "pk", "person_low_id", "person_high_id", "department_low", "department_high"
        )
        if (c[1], c[2]) not in pairs
    ]
    for pk, low, high, dept_low, dept_high in gone:
        later = (
            MatchMember.objects.filter(
                person_id=low,
                round__organization_id=org_id,
                round__status__in=COUNTED,
                match__members__person_id=high,
            )
            .exclude(round=rnd)
            .order_by("round__date", "round_id")
            .values_list("round_id", "round__date")
            .first()
        )
        if later:
            Connection.objects.filter(pk=pk).update(first_round_id=later[0], first_date=later[1])
            stale.add(later[0])
        else:
            Connection.objects.filter(pk=pk).delete()
            _reach_add(org_id, [(low, high, dept_low, dept_high)], -1)
    stale.discard(rnd.pk)
    return new_pairs, stale


def _connections_lookup(pairs: set[Pair]) -> dict[Pair, tuple[int, date]]:
    """The stored first round (id, date) of each pair that has one (people belong to one
    organization, so the pair alone identifies the row)."""
    found: dict[Pair, tuple[int, date]] = {}
    table = Connection._meta.db_table
    select = (
        "SELECT c.person_low_id, c.person_high_id, c.first_round_id, c.first_date "
        f"FROM wanted JOIN {table} c "
        "ON c.person_low_id = wanted.low AND c.person_high_id = wanted.high"
    )
    # PostgreSQL takes the pairs as two arrays in one query; SQLite in batches within
    # its parameter limit.
    postgres = connection.vendor == "postgresql"
    for batch in [sorted(pairs)] if postgres else _batches(sorted(pairs), LOOKUP_BATCH):
        # A join against the pairs as a table: both SQLite and PostgreSQL then probe the
        # (person_low, person_high) index once per pair instead of scanning.
        if postgres:
            sql = "WITH wanted(low, high) AS (SELECT * FROM unnest(%s::bigint[], %s::bigint[])) "
            params: list = [_int_array(low for low, _ in batch), _int_array(h for _, h in batch)]
        else:
            values = ", ".join(["(%s, %s)"] * len(batch))
            sql = f"WITH wanted(low, high) AS (VALUES {values}) "
            params = [value for pair in batch for value in pair]
        with connection.cursor() as cursor:
            cursor.execute(sql + select, params)
            for low, high, round_id, first_date in cursor.fetchall():
                if isinstance(first_date, str):  # SQLite hands back text
                    first_date = date.fromisoformat(first_date)
                found[(low, high)] = (round_id, first_date)
    return found


def _connections_insert(rnd: Round, edges: Sequence[Edge]) -> None:
    """Store the round's first encounters (COPY on PostgreSQL: a round of 100,000 people
    has 30,000 to 45,000 of them, and building as many model objects cost seconds)."""
    insert_rows(
        Connection,
        (
            "organization_id",
            "person_low_id",
            "person_high_id",
            "department_low",
            "department_high",
            "first_round_id",
            "first_date",
        ),
        ((rnd.organization_id, *edge, rnd.pk, rnd.date) for edge in edges),
    )


def _reach_add(org_id: int, edges: Sequence[Edge], sign: int) -> None:
    """Add (or take back) edges (low, high, department of low, department of high) to
    each person's count of colleagues met per department."""
    delta: dict[tuple[int, int], int] = defaultdict(int)
    for low, high, dept_low, dept_high in edges:
        delta[(low, dept_high)] += sign
        delta[(high, dept_low)] += sign
    rows = sorted((person, dept, n) for (person, dept), n in delta.items() if n)
    if not rows:
        return
    table = PersonReach._meta.db_table
    upsert = (
        f"ON CONFLICT (person_id, department) "
        f"DO UPDATE SET colleagues = {table}.colleagues + excluded.colleagues"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement over three arrays: row by row, the upsert of a round of
            # 100,000 people (about 80,000 rows) took seconds of round trips. The keys
            # are distinct, so no row is updated twice in one statement.
            people, departments, counts = (_int_array(c) for c in zip(*rows, strict=True))
            cursor.execute(
                f"INSERT INTO {table} (organization_id, person_id, department, colleagues) "
                "SELECT %s, * FROM unnest(%s::bigint[], %s::bigint[], %s::integer[]) " + upsert,
                [org_id, people, departments, counts],
            )
            return
        sql = (
            f"INSERT INTO {table} (organization_id, person_id, department, colleagues) "
            "VALUES (%s, %s, %s, %s) " + upsert
        )
        for batch in _batches([(org_id, *row) for row in rows], 2000):
            cursor.executemany(sql, batch)


def _int_array(values: Iterable[int]) -> str:
    """A PostgreSQL array literal of integers (``{1,2,3}``) for a ``%s::bigint[]``
    parameter: psycopg adapting a Python list of 80,000 ints element by element took
    a third of a second of a round."""
    return "{" + ",".join(map(str, values)) + "}"


def _batches(items: Sequence, size: int) -> Iterable[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# --- people ---------------------------------------------------------------------------


def _last_match_update(rnd: Round) -> None:
    """Remember the round's date as the last match of each member's enrollment in the
    program (never moving a later date back). One upsert: reading the program's
    enrollments and last matches into Python and updating them 1,000 at a time took a
    second at 100,000 people."""
    table = LastMatch._meta.db_table
    sql = f"""
        INSERT INTO {table} (organization_id, enrollment_id, matched_on)
        SELECT %s, e.id, %s FROM {Enrollment._meta.db_table} e
        WHERE e.program_id = %s
            AND e.person_id IN (SELECT person_id FROM {MatchMember._meta.db_table}
                WHERE round_id = %s)
        ON CONFLICT (enrollment_id)
        DO UPDATE SET matched_on = excluded.matched_on
        WHERE {table}.matched_on < excluded.matched_on
    """
    on = connection.ops.adapt_datefield_value(rnd.date)
    with connection.cursor() as cursor:
        cursor.execute(sql, [rnd.organization_id, on, rnd.program_id, rnd.pk])
