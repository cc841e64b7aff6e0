"""One round's first aggregation (``round_aggregate``), this tree against another, side by side.

    .venv/bin/python bench/round_aggregate.py --compare main
    .venv/bin/python bench/round_aggregate.py --people 60000 --history 4 --repeat 3

Creates a throw-away PostgreSQL database on ``--postgres`` (dropped afterwards), loads
an organization of ``--people`` colleagues (24 departments, 6 offices) with a weekly
virtual coffee (80% enrolled, groups of two), aggregates ``--history`` earlier rounds
so that ``Connection`` and ``PersonReach`` hold rows, and writes one more round (its
groups and check-ins). Then times that round's first aggregation ``--repeat`` times
with this tree and with ``git archive REF`` (each in its own process, the order
alternating), every run rolled back after its foreign-key checks (``SET CONSTRAINTS
ALL IMMEDIATE``, so the commit's deferred checks are counted). Before each run the
database is migrated to that tree's schema (``insights`` migrations). Reported per
run: wall time, the process's CPU, the database backend's CPU, the load average, and a
digest of every row the aggregation wrote: REF and this tree must agree.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--history", type=int, default=3, help="rounds aggregated before")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--compare", default="main", help="git ref to measure against")
    parser.add_argument("--child", choices=["setup", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--round", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    sys.path.insert(0, str(ROOT / "bench"))
    from delivery import checkout, drop_postgres, fresh_postgres

    url, name = fresh_postgres(args.postgres)
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            other = checkout(args.compare, Path(tmp))
            trees = {args.compare: other, "this tree": ROOT}
            migrations = {label: _last_insights_migration(tree) for label, tree in trees.items()}
            manage(env, "migrate", "-v0")
            t = time.perf_counter()
            setup = json.loads(spawn(env, ROOT, "--child", "setup", *_sizes(args)))
            print(f"setup {time.perf_counter() - t:.0f} s: {setup}", file=sys.stderr)
            runs: list[tuple[str, dict]] = []
            for k in range(args.repeat):
                order = list(trees) if k % 2 == 0 else list(trees)[::-1]
                for label in order:
                    manage(env, "migrate", "insights", migrations[label], "-v0")
                    out = spawn(
                        env, trees[label], "--child", "measure", "--round", str(setup["round"])
                    )
                    runs.append((label, json.loads(out)))
                    print(label, runs[-1][1], file=sys.stderr)
            manage(env, "migrate", "insights", migrations["this tree"], "-v0")
    finally:
        drop_postgres(args.postgres, name)
    report(setup, runs, list(trees))


def _sizes(args) -> list[str]:
    return ["--people", str(args.people), "--history", str(args.history)]


def _last_insights_migration(tree: Path) -> str:
    names = sorted(p.stem for p in (tree / "crosspaths/insights/migrations").glob("0*.py"))
    return names[-1]


def manage(env: dict[str, str], *argv: str) -> None:
    subprocess.run([PYTHON, "manage.py", *argv], cwd=ROOT, env=env, check=True)


def spawn(env: dict[str, str], tree: Path, *argv: str) -> str:
    """This script in a child process that imports ``crosspaths`` from ``tree``."""
    child_env = {**env, "PYTHONPATH": str(tree), "BENCH_TREE": str(tree)}
    done = subprocess.run(
        [PYTHON, str(Path(__file__).resolve()), *argv],
        cwd=tree,
        env=child_env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1]


def report(setup: dict, runs: list[tuple[str, dict]], labels: list[str]) -> None:
    print(
        f"\nround_aggregate, first aggregation: {setup['people']:,} people, "
        f"{setup['encounters']:,} encounters ({setup['new']:,} first ones), "
        f"{setup['connections']:,} connections and {setup['reach']:,} reach rows before"
    )
    print("| tree | wall s | process CPU s | database CPU s | load (1 min) | rows digest |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for label, r in runs:
        print(
            f"| {label} | {r['wall_s']:.2f} | {r['cpu_s']:.2f} | {r['db_cpu_s']:.2f} "
            f"| {r['load']:.1f} | {r['digest'][:12]} |"
        )
    for label in labels:
        walls = sorted(r["wall_s"] for lab, r in runs if lab == label)
        cpus = sorted(r["cpu_s"] + r["db_cpu_s"] for lab, r in runs if lab == label)
        print(
            f"{label}: wall {walls[0]:.2f} to {walls[-1]:.2f} s, CPU {cpus[0]:.2f} to {cpus[-1]:.2f} s"
        )
    digests = {r["digest"] for _, r in runs}
    print("same rows written by every run:", len(digests) == 1)


# --- in the child process -------------------------------------------------------------


def child(args) -> None:
    sys.path.insert(0, os.environ.get("BENCH_TREE", str(ROOT)))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspaths.settings")
    import django

    django.setup()
    out = setup(args) if args.child == "setup" else measure(args.round)
    print(json.dumps(out, default=str))


def setup(args) -> dict:
    import numpy as np
    from django.db import connection, transaction

    from crosspaths.insights.models import Connection, PersonReach
    from crosspaths.insights.services import round_aggregate
    from crosspaths.meetings.models import CheckIn
    from crosspaths.people.models import Department, Location, Organization, Person
    from crosspaths.programs.models import Enrollment, Match, MatchMember, Program, Round

    rng = np.random.default_rng(17)
    n = args.people
    last = date(2026, 11, 30)
    start = last - timedelta(weeks=args.history + 2)
    invited = datetime.combine(start, datetime.min.time(), UTC)
    with transaction.atomic():
        org = Organization.objects.create(name="Bench Corp", slug="bench", min_cell_size=5)
        depts = Department.objects.bulk_create(
            [Department(organization=org, name=f"Department {i + 1:02d}") for i in range(24)]
        )
        locs = Location.objects.bulk_create(
            [Location(organization=org, name=f"Office {i + 1}") for i in range(6)]
        )
        dept_w = 1 / np.arange(1, 25) ** 0.9
        person_dept = rng.choice(24, size=n, p=dept_w / dept_w.sum())
        person_loc = rng.choice(6, size=n, p=(w := 1 / np.arange(1, 7)) / w.sum())
        people = Person.objects.bulk_create(
            [
                Person(
                    organization=org,
                    email=f"p{i}@bench.test",
                    name=f"Person {i}",
                    department_id=depts[person_dept[i]].pk if i % 50 else None,
                    location_id=locs[person_loc[i]].pk if i % 40 else None,
                    invited_at=invited,
                    onboarded_at=invited if i % 10 else None,
                )
                for i in range(n)
            ],
            batch_size=5000,
        )
        program = Program.objects.create(
            organization=org, name="Coffee", format="virtual_coffee", group_size=2, starts_on=start
        )
        enrolled = [p.pk for p, r in zip(people, rng.random(n), strict=True) if r < 0.8]
        Enrollment.objects.bulk_create(
            [Enrollment(organization=org, program=program, person_id=p) for p in enrolled],
            batch_size=5000,
        )
        Enrollment.objects.filter(program=program).update(joined_at=invited)
        paused = enrolled[::37]
        Enrollment.objects.filter(program=program, person_id__in=paused).update(
            paused_until=last + timedelta(days=30)
        )
    dates = [last - timedelta(weeks=k) for k in range(args.history, -1, -1)]
    rounds = []
    for day in dates:
        with transaction.atomic():
            rnd = Round.objects.create(organization=org, program=program, date=day, status="closed")
            groups = rng.permutation(enrolled)
            groups = groups[: len(groups) // 2 * 2].reshape(-1, 2)
            matches = Match.objects.bulk_create(
                [Match(organization=org, round=rnd) for _ in range(len(groups))], batch_size=5000
            )
            members = MatchMember.objects.bulk_create(
                [
                    MatchMember(organization=org, match=m, round=rnd, person_id=int(p))
                    for m, g in zip(matches, groups, strict=True)
                    for p in g
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
                        rating=int(rng.integers(1, 6)) if a < 0.4 else None,
                    )
                    for m, a in zip(members, answers, strict=True)
                    if a < 0.7
                ],
                batch_size=5000,
            )
        rounds.append(rnd)
    for rnd in rounds[:-1]:
        round_aggregate(round_id=rnd.pk)
    with connection.cursor() as cursor:  # fresh tables: the planner needs statistics
        cursor.execute("ANALYZE")
    encounters = len(enrolled) // 2
    return {
        "people": n,
        "round": rounds[-1].pk,
        "encounters": encounters,
        "new": encounters,  # counted again by the measurement (repeats are rare)
        "connections": Connection.objects.count(),
        "reach": PersonReach.objects.count(),
    }


def measure(round_id: int) -> dict:
    from django.db import connection, transaction

    from crosspaths.insights.services import round_aggregate

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        load = os.getloadavg()[0]
        db0, cpu0, t0 = _backend_cpu(backend), time.process_time(), time.perf_counter()
        if os.environ.get("BENCH_PROFILE"):  # cProfile's top functions on stderr
            import cProfile
            import pstats

            with cProfile.Profile() as profile:
                result = round_aggregate(round_id=round_id)
            pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
        else:
            result = round_aggregate(round_id=round_id)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        db = _backend_cpu(backend) - db0
        digest = _digest(round_id)
        transaction.set_rollback(True)
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "db_cpu_s": db,
        "load": (load + os.getloadavg()[0]) / 2,
        "new_connections": result.new_connections,
        "digest": digest,
    }


def _backend_cpu(pid: int) -> float:
    """User and system CPU seconds of the PostgreSQL backend serving this connection."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _digest(round_id: int) -> str:
    """Every row the aggregation writes, in a stable order, hashed."""
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

    h = hashlib.sha256()
    skip = {"id", "computed_at"}
    for model in (
        Connection,
        PersonReach,
        LastMatch,
        RoundFigures,
        PairFigures,
        DepartmentFigures,
        ParticipationFigures,
        ReachSnapshot,
    ):
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
        for row in sorted(model.objects.values_list(*fields), key=repr):
            h.update(repr(row).encode())
    return h.hexdigest()


if __name__ == "__main__":
    main()
