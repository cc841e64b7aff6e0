"""Insights at scale: dashboard p95 and aggregation time for an organization of 100,000
people with two years of weekly rounds (about 5 million encounters).

    .venv/bin/python bench/insights.py                  # SQLite and PostgreSQL, prints a table
    .venv/bin/python bench/insights.py --db sqlite --people 20000 --weeks 26   # smaller
    .venv/bin/python bench/insights.py --quick          # 10,000 people, 26 weeks, both

What it does, per database (each in its own process, on its own database:
var/bench-insights.sqlite3 and PostgreSQL ``bench_insights`` on
BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/bench_insights):

1. Writes the organization, its people, two programs (weekly virtual coffee in pairs,
   lunch for four every two weeks) and their enrollments with bulk inserts.
2. History: simulates every round older than four weeks with NumPy (random groups,
   answers, ratings) and writes what the aggregation would have written for it
   directly: the figure tables, the reach snapshots, and the working tables the
   aggregation reads (one ``Connection`` row per distinct pair, about 5 million, via
   COPY on PostgreSQL without the per-row foreign-key checks, which one anti-join per
   key replaces; ``PersonReach``; ``LastMatch``).
3. The last four weeks are written as real rows (matches, members, check-ins) and
   aggregated by the real code: each round with ``round_aggregate`` (what happens when a
   round closes), twice on the same data: with the network writes as they were (model
   objects, a statement per reach row; kept in this file) and as they are (COPY, one
   upsert), the first run rolled back, both checked to leave the same rows. Then the
   nightly ``insights_backfill`` (which recounts them all), timed; peak memory of one
   round's aggregation with tracemalloc. Each round is then
   aggregated again twice, with the participation and reach snapshots as they were
   (Python loops, kept in this file) and as they are (SQL): before/after on the same
   data, and a check that both write the same rows.
4. Times the dashboard, a CSV and the quarterly PDF through Django's test client with
   several filters: p50 and p95 over repeated requests.

Target: every dashboard view under 300 ms p95 on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SMALL = 50  # crosspaths.insights.models.SMALL_GROUP_IDS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--departments", type=int, default=24)
    parser.add_argument("--locations", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=15, help="requests per dashboard view")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="10,000 people over 26 weeks, 5 requests per view (minutes on a busy machine)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure again on the organization an earlier run generated (PostgreSQL: the "
        "database is kept), skipping the generation",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.people, args.weeks, args.repeat = 10_000, 26, 5
    if args.child:
        print("RESULT " + json.dumps(run(args)), flush=True)
        return
    results = []
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        env = dict(os.environ)
        if db == "sqlite":
            var = ROOT / "var"
            var.mkdir(exist_ok=True)
            path = var / "bench-insights.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            env["DATABASE_URL"] = f"sqlite:///{path}"
        else:
            url = os.environ.get(
                "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/bench_insights"
            )
            if not args.reuse:
                _recreate_postgres(url)
            env["DATABASE_URL"] = url
        print(f"--- {db}: generating and measuring (this takes minutes) ---", flush=True)
        cmd = (
            [sys.executable, __file__, "--child", "--db", db]
            + [
                f"--{k}={getattr(args, k)}"
                for k in ("people", "weeks", "departments", "locations", "repeat")
            ]
            + (["--reuse"] if args.reuse else [])
        )
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        sys.stderr.write(out.stderr[-3000:])
        lines = [line for line in out.stdout.splitlines() if line.startswith("RESULT ")]
        for line in out.stdout.splitlines():
            if not line.startswith("RESULT "):
                print("  " + line, flush=True)
        if not lines:
            raise SystemExit(f"{db}: the run failed")
        results.append(json.loads(lines[-1][7:]))
    print_table(results)


def _recreate_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


# --- in the child process ----------------------------------------------------------------


def run(args) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspaths.settings")
    os.environ.setdefault("DEBUG", "1")  # a benchmark, not a site: development settings
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False  # no query log: time what production would do

    call_command("migrate", verbosity=0)
    result: dict = {"db": args.db, "people": args.people, "weeks": args.weeks}
    t = time.perf_counter()
    world = generated() if args.reuse else generate(args)
    result["generate_s"] = time.perf_counter() - t
    result.update(world.pop("counts"))
    result.update(aggregate(world))
    result["views"] = dashboards(world, args.repeat)
    return result


def log(msg: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {msg}", flush=True)


def generated() -> dict:
    """The world of an earlier run, read back from its database (``--reuse``)."""
    from crosspaths.insights.models import Connection
    from crosspaths.people.models import Location, Organization, Person
    from crosspaths.programs.models import Match, Program, Round

    org = Organization.objects.get(slug="bench")
    raw = Match.objects.filter(organization=org).values_list("round_id", flat=True).distinct()
    return {
        "org": org,
        "admin": Person.objects.get(organization=org, email="admin@bench.test"),
        "coffee": Program.objects.filter(organization=org).order_by("pk")[0],
        "location": Location.objects.filter(organization=org).order_by("pk")[1],
        "raw_rounds": list(
            Round.objects.filter(pk__in=raw).order_by("date", "pk").values_list("pk", flat=True)
        ),
        "counts": {
            "history_encounters": 0,  # not recounted: see the generating run
            "connections": Connection.objects.filter(organization=org).count(),
            "rounds": Round.objects.filter(organization=org).count(),
        },
    }


def generate(args) -> dict:
    import numpy as np
    from django.db import connection, transaction
    from django.utils import timezone

    from crosspaths.people.models import Department, Location, Organization, Person
    from crosspaths.programs.models import Enrollment, Program, Round

    rng = np.random.default_rng(7)
    today = timezone.localdate()
    n, n_dept, n_loc = args.people, args.departments, args.locations

    with transaction.atomic():
        org = Organization.objects.create(name="Bench Corp", slug="bench", min_cell_size=5)
        depts = Department.objects.bulk_create(
            [Department(organization=org, name=f"Department {i + 1:02d}") for i in range(n_dept)]
        )
        locs = Location.objects.bulk_create(
            [Location(organization=org, name=f"Office {i + 1}") for i in range(n_loc)]
        )
    dept_w = 1 / np.arange(1, n_dept + 1) ** 0.9  # very uneven, like real companies
    loc_w = 1 / np.arange(1, n_loc + 1)
    person_dept = rng.choice(n_dept, size=n, p=dept_w / dept_w.sum())
    person_loc = rng.choice(n_loc, size=n, p=loc_w / loc_w.sum())
    start = today - timedelta(weeks=args.weeks + 2)
    invited = datetime.combine(start, datetime.min.time(), UTC)
    with transaction.atomic():
        people = Person.objects.bulk_create(
            [
                Person(
                    organization=org,
                    email=f"p{i}@bench.test",
                    name=f"Person {i}",
                    department_id=depts[person_dept[i]].pk,
                    location_id=locs[person_loc[i]].pk,
                    invited_at=invited,
                    onboarded_at=invited if i % 10 else None,
                )
                for i in range(n)
            ],
            batch_size=5000,
        )
    pid = np.array([p.pk for p in people], dtype=np.int64)
    log(f"{n} people")
    dept_key = np.array([d.pk for d in depts], dtype=np.int64)[person_dept]
    loc_key = np.array([loc.pk for loc in locs], dtype=np.int64)[person_loc]

    programs = []
    with transaction.atomic():
        for name, fmt, size, step, share in (
            ("Virtual coffee", "virtual_coffee", 2, 7, 0.6),
            ("Lunch for four", "lunch", 4, 14, 0.3),
        ):
            program = Program.objects.create(
                organization=org, name=name, format=fmt, group_size=size, starts_on=start
            )
            members = np.flatnonzero(rng.random(n) < share)
            Enrollment.objects.bulk_create(
                [
                    Enrollment(organization=org, program=program, person_id=int(pid[i]))
                    for i in members
                ],
                batch_size=5000,
            )
            Enrollment.objects.filter(program=program).update(joined_at=invited)
            last = today - timedelta(days=(today.weekday() - (0 if size == 2 else 3)) % 7 or 7)
            dates = [last - timedelta(days=step * k) for k in range(args.weeks * 7 // step)][::-1]
            rounds = Round.objects.bulk_create(
                [
                    Round(
                        organization=org,
                        program=program,
                        date=d,
                        status="published" if d > today - timedelta(days=8) else "closed",
                    )
                    for d in dates
                ]
            )
            programs.append((program, size, members, rounds))
    log("programs, enrollments, rounds")

    cutoff = today - timedelta(days=28)
    schedule = sorted(
        (
            (r.date, r.pk, program, size, members, r)
            for program, size, members, rounds in programs
            for r in rounds
        ),
        key=lambda t: (t[0], t[1]),
    )
    seen: set[int] = set()
    conn_rows: list[np.ndarray] = []  # (low, high, dept_low, dept_high, round, day ordinal)
    colleagues = np.zeros(n, dtype=np.int64)
    met_depts = np.zeros(n, dtype=np.int64)  # bit per department index
    last_match: dict[tuple[int, int], date] = {}
    raw: list[tuple] = []
    figure_rows = {"round": [], "pair": [], "dept": []}
    reach_rows, part_rows = [], []
    encounters = 0
    for day, _pk, program, size, members, rnd in schedule:
        perm = rng.permutation(members)
        groups = perm[: len(perm) // size * size].reshape(-1, size)
        left_out = len(perm) - groups.size
        if day >= cutoff:
            raw.append((rnd, groups, left_out))
            continue
        cols = [(a, b) for a in range(size) for b in range(a + 1, size)]
        g_low = np.concatenate([np.minimum(groups[:, a], groups[:, b]) for a, b in cols])
        g_high = np.concatenate([np.maximum(groups[:, a], groups[:, b]) for a, b in cols])
        group_of_pair = np.tile(np.arange(len(groups)), len(cols))
        answered = rng.random(len(groups)) < 0.7
        happened = answered & (rng.random(len(groups)) < 0.8)
        keys = pid[g_low] * (1 << 32) + pid[g_high]
        new = np.fromiter((int(k) not in seen for k in keys), dtype=bool, count=len(keys))
        seen.update(int(k) for k in keys[new])
        encounters += len(keys)
        conn_rows.append(
            np.stack(
                [
                    pid[g_low[new]],
                    pid[g_high[new]],
                    dept_key[g_low[new]],
                    dept_key[g_high[new]],
                    np.full(new.sum(), rnd.pk),
                    np.full(new.sum(), day.toordinal()),
                ],
                axis=1,
            )
        )
        np.add.at(colleagues, g_low[new], 1)
        np.add.at(colleagues, g_high[new], 1)
        np.bitwise_or.at(met_depts, g_low[new], 1 << person_dept[g_high[new]])
        np.bitwise_or.at(met_depts, g_high[new], 1 << person_dept[g_low[new]])
        for i in groups.ravel():
            last_match[(program.pk, int(i))] = day
        tally_history(
            figure_rows,
            rnd,
            program,
            day,
            groups,
            g_low,
            g_high,
            group_of_pair,
            new,
            answered,
            happened,
            left_out,
            len(members),
            person_dept,
            person_loc,
            dept_key,
            loc_key,
            pid,
            locs,
            rng,
        )
        reach_rows += reach_snapshot(
            org, day, colleagues, met_depts, person_dept, person_loc, locs, members
        )
        part_rows += [
            dict(
                organization_id=org.pk,
                date=day,
                location_id=scope,
                invited=cnt,
                opted_in=int(cnt * 0.9),
                enrolled=int(cnt * 0.7),
                paused=int(cnt * 0.02),
            )
            for scope, cnt in [(None, n)]
            + [(locs[k].pk, int((person_loc == k).sum())) for k in range(n_loc)]
        ]
    log(f"simulated {len(schedule) - len(raw)} history rounds, {encounters:,} encounters")
    write_history(
        org,
        figure_rows,
        reach_rows,
        part_rows,
        conn_rows,
        colleagues,
        met_depts,
        person_dept,
        dept_key,
        pid,
        last_match,
        depts,
    )
    log("history written")
    write_raw(org, raw, pid, rng)
    log(f"{len(raw)} recent rounds written as matches, members and check-ins")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum would have done by now
    admin = Person.objects.create(
        organization=org, email="admin@bench.test", name="Admin", role="admin"
    )
    return {
        "org": org,
        "admin": admin,
        "coffee": programs[0][0],
        "location": locs[1],
        "raw_rounds": [r.pk for r, _g, _l in raw],
        "counts": {
            "history_encounters": encounters,
            "connections": len(seen),
            "rounds": len(schedule),
        },
    }


def tally_history(
    rows,
    rnd,
    program,
    day,
    groups,
    g_low,
    g_high,
    group_of_pair,
    new,
    answered,
    happened,
    left_out,
    enrolled,
    person_dept,
    person_loc,
    dept_key,
    loc_key,
    pid,
    locs,
    rng,
):
    """What round_aggregate would store for a simulated round (NumPy, per scope)."""
    import numpy as np

    from crosspaths.insights.models import DepartmentFigures, PairFigures, RoundFigures

    size = groups.shape[1]
    common = dict(
        organization_id=rnd.organization_id, round_id=rnd.pk, program_id=program.pk, date=day
    )
    ratings = rng.multinomial(
        int(happened.sum() * size * 0.6), [0.02, 0.05, 0.18, 0.35, 0.40]
    ).tolist()
    da, db = dept_key[g_low], dept_key[g_high]
    lo_key, hi_key = np.minimum(da, db), np.maximum(da, db)
    pair_happened = happened[group_of_pair]
    for scope in [None, *range(len(locs))]:
        if scope is None:
            gmask = np.ones(len(groups), dtype=bool)
            pmask = np.ones(len(g_low), dtype=bool)
            location_id = None
        else:
            gmask = (person_loc[groups] == scope).any(axis=1)
            pmask = (person_loc[g_low] == scope) | (person_loc[g_high] == scope)
            location_id = locs[scope].pk
        share = gmask.mean() if len(gmask) else 0
        cross = pmask & (da != db)
        people = np.unique(groups[gmask])
        rows["round"].append(
            RoundFigures(
                **common,
                location_id=location_id,
                people=len(people),
                enrolled=int(enrolled * share) if scope is not None else enrolled,
                matched=int(groups.size * share),
                paused=int(enrolled * 0.02 * share),
                left_out=left_out if scope is None else 0,
                matches=int(gmask.sum()),
                happened=int((happened & gmask).sum()),
                not_happened=int((answered & ~happened & gmask).sum()),
                unanswered=int((~answered & gmask).sum()),
                answers=int((answered & gmask).sum() * size * 0.8),
                no_shows=int((answered & ~happened & gmask).sum() * size * 0.5),
                ratings=[int(r * share) for r in ratings],
                encounters=int(pmask.sum()),
                cross_department=int(cross.sum()),
                same_department=int((pmask & (da == db)).sum()),
                new_connections=int((new & pmask).sum()),
                new_connections_met=int((new & pmask & pair_happened).sum()),
            )
        )
        cell = lo_key[pmask] * 100_000 + hi_key[pmask]
        cells, inverse, enc = np.unique(cell, return_inverse=True, return_counts=True)
        hap = np.bincount(inverse, weights=pair_happened[pmask], minlength=len(cells))
        nw = np.bincount(inverse, weights=new[pmask], minlength=len(cells))
        both = np.concatenate(
            [np.stack([inverse, pid[g_low[pmask]]], 1), np.stack([inverse, pid[g_high[pmask]]], 1)]
        )
        uniq = np.unique(both, axis=0)
        per_cell = np.bincount(uniq[:, 0], minlength=len(cells))
        for k, c in enumerate(cells):
            ids = sorted(uniq[uniq[:, 0] == k][:, 1].tolist()) if per_cell[k] < SMALL else []
            rows["pair"].append(
                PairFigures(
                    **common,
                    location_id=location_id,
                    department_a=int(c // 100_000),
                    department_b=int(c % 100_000),
                    people=int(per_cell[k]),
                    people_ids=ids,
                    encounters=int(enc[k]),
                    happened=int(hap[k]),
                    new_connections=int(nw[k]),
                )
            )
        for d in np.unique(np.concatenate([da[pmask], db[pmask]])):
            internal = int((pmask & (da == d) & (db == d)).sum())
            external = int((pmask & (da != db) & ((da == d) | (db == d))).sum())
            members = np.unique(
                np.concatenate([g_low[pmask & (da == d)], g_high[pmask & (db == d)]])
            )
            rows["dept"].append(
                DepartmentFigures(
                    **common,
                    location_id=location_id,
                    department=int(d),
                    people=len(members),
                    people_ids=sorted(pid[members].tolist()) if len(members) < SMALL else [],
                    external=external,
                    internal=internal,
                )
            )


def reach_snapshot(org, day, colleagues, met_depts, person_dept, person_loc, locs, members):
    import numpy as np

    from crosspaths.insights.models import ReachSnapshot
    from crosspaths.insights.tally import COLLEAGUE_BARS, DEPARTMENT_BARS, bar_of

    bits = np.unpackbits(met_depts.view(np.uint8)).reshape(-1, 64).sum(axis=1)
    other = bits - ((met_depts >> person_dept) & 1)
    rows = []
    for scope in [None, *range(len(locs))]:
        mask = np.ones(len(colleagues), bool) if scope is None else person_loc == scope
        for metric, values, bars in (
            ("colleagues", colleagues, COLLEAGUE_BARS),
            ("departments", other, DEPARTMENT_BARS),
        ):
            counts = dict.fromkeys((low for low, _ in bars), 0)
            lows = np.array([low for low, _ in bars])
            idx = np.searchsorted(lows, values[mask], side="right") - 1
            for k, c in zip(*np.unique(idx, return_counts=True), strict=True):
                counts[int(lows[k])] += int(c)
            assert bar_of(0, bars) == 0
            rows += [
                ReachSnapshot(
                    organization=org,
                    date=day,
                    location_id=None if scope is None else locs[scope].pk,
                    metric=metric,
                    low=low,
                    high=high,
                    people=counts[low],
                )
                for low, high in bars
            ]
    return rows


def write_history(
    org,
    figure_rows,
    reach_rows,
    part_rows,
    conn_rows,
    colleagues,
    met_depts,
    person_dept,
    dept_key,
    pid,
    last_match,
    depts,
):
    import numpy as np
    from django.db import transaction

    from crosspaths.insights.models import (
        Connection,
        DepartmentFigures,
        LastMatch,
        PairFigures,
        ParticipationFigures,
        PersonReach,
        ReachSnapshot,
        RoundFigures,
    )
    from crosspaths.programs.models import Enrollment

    with transaction.atomic():
        RoundFigures.objects.bulk_create(figure_rows["round"], batch_size=2000)
        PairFigures.objects.bulk_create(figure_rows["pair"], batch_size=2000)
        DepartmentFigures.objects.bulk_create(figure_rows["dept"], batch_size=2000)
        ReachSnapshot.objects.bulk_create(reach_rows, batch_size=2000)
        ParticipationFigures.objects.bulk_create(
            [ParticipationFigures(**r) for r in part_rows], batch_size=2000
        )
    log("  figure tables")
    edges = np.concatenate(conn_rows)
    bulk_rows(
        Connection._meta.db_table,
        "organization_id, person_low_id, person_high_id, department_low, department_high, first_round_id, first_date",
        (
            (org.pk, lo, hi, dl, dh, r, date.fromordinal(d))
            for lo, hi, dl, dh, r, d in edges.tolist()
        ),
    )
    log(f"  {len(edges):,} connections")
    # PersonReach: per person, colleagues per department of the other side
    person = np.concatenate([edges[:, 0], edges[:, 1]])
    other_dept = np.concatenate([edges[:, 3], edges[:, 2]])
    key, counts = np.unique(person * 1_000_000 + other_dept, return_counts=True)
    bulk_rows(
        PersonReach._meta.db_table,
        "organization_id, person_id, department, colleagues",
        (
            (org.pk, k // 1_000_000, k % 1_000_000, c)
            for k, c in zip(key.tolist(), counts.tolist(), strict=True)
        ),
    )
    log(f"  {len(key):,} reach rows")
    dangling(Connection, "person_low", "person_high", "first_round")
    dangling(PersonReach, "person")
    with transaction.atomic():
        enrollment = {
            (p, pr): e
            for e, p, pr in Enrollment.objects.filter(organization=org).values_list(
                "pk", "person_id", "program_id"
            )
        }
        LastMatch.objects.bulk_create(
            [
                LastMatch(
                    organization=org,
                    enrollment_id=enrollment[(int(pid[i]), program)],
                    matched_on=day,
                )
                for (program, i), day in last_match.items()
            ],
            batch_size=5000,
        )


def dangling(model, *fields: str) -> None:
    """Fail unless every foreign key ``bulk_rows`` wrote unchecked points at a row: one
    anti-join per key instead of a check per row."""
    for name in fields:
        field = model._meta.get_field(name)
        target = field.related_model
        if model.objects.exclude(**{f"{name}_id__in": target.objects.values("pk")}).exists():
            raise SystemExit(f"{model.__name__}.{name}: rows without their {target.__name__}")


def bulk_rows(table: str, cols: str, rows) -> None:
    """COPY on PostgreSQL, batched executemany on SQLite: millions of rows in seconds."""
    from itertools import islice

    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The rows are consistent by construction (the ids were just read back), so
            # the deferred foreign-key checks are skipped: checked one row at a time at
            # commit they were most of the time spent writing 5 million connections.
            # Needs a superuser (the bench's default); SET LOCAL ends with the commit.
            cursor.execute("SET LOCAL session_replication_role = replica")
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(cols.split(",")))
        sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"
        rows = iter(rows)
        while batch := list(islice(rows, 100_000)):
            cursor.executemany(sql, batch)


def write_raw(org, raw, pid, rng):
    """The recent rounds as real rows, for the real aggregation to read."""
    from django.db import transaction

    from crosspaths.meetings.models import CheckIn
    from crosspaths.programs.models import Match, MatchMember

    for rnd, groups, _left in raw:
        with transaction.atomic():
            matches = Match.objects.bulk_create(
                [Match(organization=org, round=rnd) for _ in range(len(groups))], batch_size=5000
            )
            members = MatchMember.objects.bulk_create(
                [
                    MatchMember(organization=org, match=m, round=rnd, person_id=int(pid[i]))
                    for m, g in zip(matches, groups, strict=True)
                    for i in g
                ],
                batch_size=5000,
            )
            answers = rng.random(len(members))
            CheckIn.objects.bulk_create(
                [
                    CheckIn(
                        organization=org,
                        member=m,
                        met=a < 0.55,
                        rating=int(rng.integers(3, 6)) if a < 0.4 else None,
                    )
                    for m, a in zip(members, answers, strict=True)
                    if a < 0.7
                ],
                batch_size=5000,
            )


# --- the snapshots as they were before they moved into SQL (2026-12) -----------------------
# Kept here only to measure "before" against "after" on the same data in one run, and to
# check that both write the same rows.


def legacy_participation_write(org, day, also_enrolled: set[int]) -> None:
    """The whole organization's participation on ``day`` (every program together);
    ``also_enrolled`` are people evidently enrolled then (in a group that day)."""

    from crosspaths.insights.models import ParticipationFigures
    from crosspaths.insights.services import _employed_on, _enrolled_on
    from crosspaths.insights.snapshots import cutoff_of
    from crosspaths.people.models import Person
    from crosspaths.programs.models import Enrollment

    cutoff = cutoff_of(org, day)
    enrolled: dict[int, bool] = {}  # person -> paused in every enrollment
    for person_id, joined, left, paused_until in Enrollment.objects.filter(
        organization=org
    ).values_list("person_id", "joined_at", "left_at", "paused_until"):
        if _enrolled_on(joined, left, cutoff):
            paused = paused_until is not None and paused_until >= day
            enrolled[person_id] = enrolled.get(person_id, True) and paused
    for person_id in also_enrolled:
        enrolled[person_id] = False  # in a group, so not paused everywhere
    counts: dict[int | None, ParticipationFigures] = {}
    for person_id, loc, invited, onboarded, active, gone in Person.objects.filter(
        organization=org
    ).values_list("pk", "location_id", "invited_at", "onboarded_at", "active", "deactivated_at"):
        if not _employed_on(active, gone, cutoff):
            continue
        is_enrolled = person_id in enrolled
        is_invited = invited is not None and invited < cutoff
        opted_in = is_invited and (is_enrolled or (onboarded is not None and onboarded < cutoff))
        for scope in {None, loc}:
            row = counts.get(scope)
            if row is None:
                row = counts[scope] = ParticipationFigures(
                    organization=org, date=day, location_id=scope
                )
            row.invited += is_invited
            row.opted_in += opted_in
            row.enrolled += is_enrolled
            row.paused += is_enrolled and enrolled[person_id]
    ParticipationFigures.objects.filter(organization=org, date=day).delete()
    ParticipationFigures.objects.bulk_create(counts.values())


def legacy_reach_snapshot_write(org, day) -> None:
    """Histograms of colleagues and other departments met, as of ``day``, for everyone
    enrolled in a program or who has met anyone, still at the company."""
    from collections import defaultdict

    from django.db.models import Count, F, Q, Sum

    from crosspaths.insights.models import PersonReach, ReachSnapshot
    from crosspaths.insights.services import _employed_on, _enrolled_on
    from crosspaths.insights.snapshots import cutoff_of
    from crosspaths.insights.tally import COLLEAGUE_BARS, DEPARTMENT_BARS, histogram
    from crosspaths.people.models import Person
    from crosspaths.programs.models import Enrollment

    cutoff = cutoff_of(org, day)
    people = {
        pk: (loc, dept or 0)
        for pk, loc, dept, active, gone in Person.objects.filter(organization=org).values_list(
            "pk", "location_id", "department_id", "active", "deactivated_at"
        )
        if _employed_on(active, gone, cutoff)
    }
    enrolled = {
        person_id
        for person_id, joined, left in Enrollment.objects.filter(organization=org).values_list(
            "person_id", "joined_at", "left_at"
        )
        if _enrolled_on(joined, left, cutoff)
    }
    # Summed per person in the database: a row per person, not per person and department.
    other_department = ~Q(department=0) & (
        Q(person__department__isnull=True) | ~Q(department=F("person__department_id"))
    )
    colleagues: dict[int, int] = {}
    departments: dict[int, int] = {}
    for person_id, n, d in (
        PersonReach.objects.filter(organization=org, colleagues__gt=0)
        .values("person_id")
        .annotate(n=Sum("colleagues"), d=Count("pk", filter=other_department))
        .values_list("person_id", "n", "d")
    ):
        if person_id in people:
            colleagues[person_id] = n
            departments[person_id] = d
    population = (enrolled | set(colleagues)) & set(people)
    by_scope: dict[int | None, list[int]] = defaultdict(list)
    for person_id in population:
        by_scope[None].append(person_id)
        loc = people[person_id][0]
        if loc is not None:
            by_scope[loc].append(person_id)
    rows = []
    for scope, members in by_scope.items():
        for metric, values, bars in (
            (ReachSnapshot.Metric.COLLEAGUES, colleagues, COLLEAGUE_BARS),
            (ReachSnapshot.Metric.DEPARTMENTS, departments, DEPARTMENT_BARS),
        ):
            counts = histogram((values.get(p, 0) for p in members), bars)
            rows += [
                ReachSnapshot(
                    organization=org,
                    date=day,
                    location_id=scope,
                    metric=metric,
                    low=low,
                    high=high,
                    people=counts[low],
                )
                for low, high in bars
            ]
    ReachSnapshot.objects.filter(organization=org, date=day).delete()
    ReachSnapshot.objects.bulk_create(rows, batch_size=1000)


def legacy_connections_insert(rnd, edges) -> None:
    """The round's first encounters as model objects through ``bulk_create``."""
    from crosspaths.insights.models import Connection

    Connection.objects.bulk_create(
        [
            Connection(
                organization_id=rnd.organization_id,
                person_low_id=low,
                person_high_id=high,
                department_low=dept_low,
                department_high=dept_high,
                first_round_id=rnd.pk,
                first_date=rnd.date,
            )
            for low, high, dept_low, dept_high in edges
        ],
        batch_size=1000,
    )


def legacy_reach_add(org_id: int, edges, sign: int) -> None:
    """``PersonReach`` upserted one row per statement (``executemany``)."""
    from collections import defaultdict

    from django.db import connection

    from crosspaths.insights.models import PersonReach

    delta: dict[tuple[int, int], int] = defaultdict(int)
    for low, high, dept_low, dept_high in edges:
        delta[(low, dept_high)] += sign
        delta[(high, dept_low)] += sign
    if not delta:
        return
    table = PersonReach._meta.db_table
    sql = (
        f"INSERT INTO {table} (organization_id, person_id, department, colleagues) "
        "VALUES (%s, %s, %s, %s) ON CONFLICT (person_id, department) "
        f"DO UPDATE SET colleagues = {table}.colleagues + excluded.colleagues"
    )
    rows = [(org_id, person, dept, n) for (person, dept), n in delta.items() if n]
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 2000):
            cursor.executemany(sql, rows[i : i + 2000])


def network_rows(rnd) -> list:
    """The connections first made in the round and the reach of its members."""
    from crosspaths.insights.models import Connection, PersonReach
    from crosspaths.programs.models import MatchMember

    members = MatchMember.objects.filter(round=rnd).values("person_id")
    return sorted(
        Connection.objects.filter(first_round=rnd).values_list(
            "person_low_id",
            "person_high_id",
            "department_low",
            "department_high",
            "first_round_id",
            "first_date",
        )
    ) + sorted(
        PersonReach.objects.filter(person_id__in=members).values_list(
            "person_id", "department", "colleagues"
        )
    )


def first_aggregation(round_id: int, k: int) -> dict:
    """The round's first aggregation (its new connections and reach written) with the
    network writes as they were (model objects, a statement per reach row) and as they
    are (COPY, one upsert), on the same data: the first of the two runs is rolled back,
    the order alternates per round, and both must leave the same rows."""
    from django.db import connection, transaction

    from crosspaths.insights import services
    from crosspaths.insights.services import round_aggregate
    from crosspaths.programs.models import Round

    now = (services._connections_insert, services._reach_add)
    modes = {"before": (legacy_connections_insert, legacy_reach_add), "after": now}
    order = ["before", "after"] if k % 2 == 0 else ["after", "before"]
    out: dict = {}
    rows = {}
    for mode, rollback in zip(order, (True, False), strict=True):
        with transaction.atomic():
            services._connections_insert, services._reach_add = modes[mode]
            try:
                t = time.perf_counter()
                round_aggregate(round_id=round_id)
                if connection.vendor == "postgresql":
                    # The foreign-key checks deferred to the commit, now, so that the
                    # rolled-back run pays them too.
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                out[f"first_{mode}_s"] = time.perf_counter() - t
            finally:
                services._connections_insert, services._reach_add = now
            rows[mode] = network_rows(Round.objects.get(pk=round_id))
            transaction.set_rollback(rollback)
    out["first_same_rows"] = rows["before"] == rows["after"]
    out["first_rows"] = len(rows["after"])
    return out


def aggregate(world) -> dict:
    """Each recent round as it closes, then before/after on the same round in the same
    process: aggregated again with the old Python-loop snapshots and with the SQL ones
    (both re-runs do the same other work), checking they write the same rows."""
    from crosspaths.insights import services
    from crosspaths.insights.services import insights_backfill, round_aggregate
    from crosspaths.programs.models import MatchMember, Round

    sql_snapshots = (services.participation_write, services.reach_snapshot_write)
    times, compare = [], []
    spent: dict[str, float] = {}

    def timed(name, fn):
        def run(*args):
            t = time.perf_counter()
            fn(*args)
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - t

        return run

    firsts = []
    for k, round_id in enumerate(world["raw_rounds"]):
        first = first_aggregation(round_id, k)
        times.append(first["first_after_s"])
        firsts.append(first)
        rnd = Round.objects.get(pk=round_id)
        members = set(MatchMember.objects.filter(round=rnd).values_list("person_id", flat=True))
        row = {}
        for mode, participation, reach in (
            (
                "before",
                lambda r, members=members: legacy_participation_write(
                    r.organization, r.date, members
                ),
                legacy_reach_snapshot_write,
            ),
            ("after", *sql_snapshots),
        ):
            spent.clear()
            services.participation_write = timed("participation", participation)
            services.reach_snapshot_write = timed("reach", reach)
            try:
                t = time.perf_counter()
                round_aggregate(round_id=round_id)
                row[f"{mode}_round_s"] = time.perf_counter() - t
            finally:
                services.participation_write, services.reach_snapshot_write = sql_snapshots
            row[f"{mode}_participation_s"] = spent.get("participation", 0.0)
            row[f"{mode}_reach_s"] = spent.get("reach", 0.0)
            row[f"{mode}_rows"] = snapshot_rows(rnd)
        row["same_rows"] = row.pop("before_rows") == row.pop("after_rows")
        compare.append(row)
    t = time.perf_counter()
    count = insights_backfill(organization=world["org"])
    nightly = time.perf_counter() - t
    tracemalloc.start()
    round_aggregate(round_id=world["raw_rounds"][-1])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    import resource

    return {
        "round_s": times,
        "first": firsts,
        "compare": compare,
        "nightly_s": nightly,
        "nightly_rounds": count,
        "round_peak_mb": peak / 2**20,
        "process_max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def snapshot_rows(rnd) -> list:
    """The participation and reach rows of the round's date, comparable across runs."""
    from crosspaths.insights.models import ParticipationFigures, ReachSnapshot

    part = ParticipationFigures.objects.filter(organization_id=rnd.organization_id, date=rnd.date)
    reach = ReachSnapshot.objects.filter(organization_id=rnd.organization_id, date=rnd.date)
    return sorted(
        part.values_list("location_id", "invited", "opted_in", "enrolled", "paused"),
        key=str,
    ) + sorted(reach.values_list("location_id", "metric", "low", "high", "people"), key=str)


def dashboards(world, repeat: int) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    users = get_user_model().objects
    user = users.filter(username="admin@bench.test").first() or users.create_user(
        "admin@bench.test", "admin@bench.test", "x"
    )
    world["admin"].user = user
    world["admin"].save()
    client = Client()
    client.force_login(user)
    today = date.today()
    quarter = f"{today.year - 1}-q{(today.month - 1) // 3 + 1}"
    loc, coffee = world["location"].pk, world["coffee"].pk
    views = [
        ("dashboard, last 12 months", "/insights/"),
        ("dashboard, all time (2 years)", "/insights/?period=all"),
        ("dashboard, 3 months, one office", f"/insights/?period=3m&location={loc}"),
        ("dashboard, one program, 12 months", f"/insights/?program={coffee}&period=12m"),
        ("dashboard, a quarter a year ago", f"/insights/?period={quarter}"),
        ("heatmap CSV, all time", "/insights/departments.csv?period=all"),
        ("quarterly PDF report", f"/insights/report/{quarter}.pdf"),
        ("does it pay off?", "/insights/pays-off/"),
    ]
    out = []
    for label, url in views:
        for _ in range(2):  # warm up
            assert client.get(url).status_code == 200, url
        samples = []
        for _ in range(repeat):
            t = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200
        samples.sort()
        p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
        out.append({"view": label, "p50_ms": statistics.median(samples), "p95_ms": p95})
    return out


def print_table(results: list[dict]) -> None:
    print()
    for r in results:
        print(
            f"## {r['db']}: {r['people']:,} people, {r['rounds']} rounds over {r['weeks']} weeks, "
            f"{r['history_encounters']:,} encounters in history, {r['connections']:,} distinct connections"
        )
        print(f"generation: {r['generate_s']:.0f} s")
        print(f"{'view':<40} {'p50 ms':>8} {'p95 ms':>8}  target p95 < 300 ms")
        for v in r["views"]:
            ok = "ok" if v["p95_ms"] < 300 else "SLOW"
            print(f"{v['view']:<40} {v['p50_ms']:>8.0f} {v['p95_ms']:>8.0f}  {ok}")
        rounds = ", ".join(f"{s:.1f}" for s in r["round_s"])
        print(f"round_aggregate per round closing (s): {rounds}")
        print(
            "its first aggregation, network writes before (objects, a statement per reach "
            "row) and after (COPY, one upsert):"
        )
        print(f"{'round':>5} {'before s':>9} {'after s':>8} {'rows':>9} {'same rows':>9}")
        for k, f in enumerate(r.get("first", []), start=1):
            print(
                f"{k:>5} {f['first_before_s']:>9.2f} {f['first_after_s']:>8.2f} "
                f"{f['first_rows']:>9,} {'yes' if f['first_same_rows'] else 'NO':>9}"
            )
        print()
        print("the same round aggregated again, snapshots before (Python loops) and after (SQL):")
        print(
            f"{'round':>5} {'before s':>9} {'after s':>8} {'participation s':>16} "
            f"{'reach s':>14} {'same rows':>9}"
        )
        for k, c in enumerate(r["compare"], start=1):
            print(
                f"{k:>5} {c['before_round_s']:>9.2f} {c['after_round_s']:>8.2f} "
                f"{c['before_participation_s']:>7.2f} → {c['after_participation_s']:<5.2f} "
                f"{c['before_reach_s']:>6.2f} → {c['after_reach_s']:<5.2f} "
                f"{'yes' if c['same_rows'] else 'NO':>9}"
            )
        print()
        print(
            f"nightly insights_backfill ({r['nightly_rounds']} rounds of the last 28 days): {r['nightly_s']:.1f} s"
        )
        print(
            f"peak Python memory of one round's aggregation: {r['round_peak_mb']:.0f} MiB (process max RSS incl. generator {r['process_max_rss_mb']:.0f} MiB)"
        )
        print()


if __name__ == "__main__":
    main()
