"""Benchmark: collaboration counts at company scale — importing a few million rows of
``period_start,person_a,person_b,channel,count`` and computing the "does it pay off?"
estimate over them.

    .venv/bin/python bench/roi.py [--people 100000] [--rows 3000000] [--rounds 4]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crosspaths_bench_roi .venv/bin/python bench/roi.py

Runs on a throw-away database (a temporary SQLite file, or test_<name> on PostgreSQL,
created and dropped here). An organization of --people in 20 departments and 5
locations; --rounds weekly rounds of a coffee program for 70 % of them, 80 % of the
groups saying "we met"; a CSV of --rows interaction rows over 8 weeks before the first
round to 8 weeks after the last (random pairs, mostly within a department, and a fifth
of the pairs that met already interacting weekly and twice as much afterwards: an
uplift near 2 when the estimate works). Phases, each timed:

  build      people, rounds, groups and check-ins written (set-up, not measured work)
  write csv  the CSV written (set-up)
  import     manage.py import_interactions' service on the file (streamed, one transaction)
  estimate   payoff_compute: comparison pairs drawn, outcomes summed, bootstrap, per
             department pair, the cross-department trend, stored
  pages      the "Does it pay off?" page, its CSV and the quarterly PDF (which
             includes the figure) through Django's test client as an admin: p50 and
             p95 of wall time over --repeat requests (target p95 < 300 ms), and the
             median CPU time of this process (what a request costs on a busy machine)

Prints a table with rows per second for the import.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WEEKS = 8
FIRST_ROUND = date(2026, 7, 6)  # a Monday


def setup_django(tmp: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspaths.settings")
    os.environ.setdefault("DEBUG", "1")  # a benchmark, not a site: development settings
    os.environ.setdefault("CROSSPATHS_VAR_DIR", str(tmp))
    import django
    from django.conf import settings

    django.setup()
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db.setdefault("TEST", {})["NAME"] = str(tmp / "bench.sqlite3")


def build(people: int, rounds: int, seed: int):
    """The organization, its people and rounds; returns (org, person keys, depts, met
    pairs as (a, b, round week index))."""
    from crosspaths.collaboration.services import collaboration_configure
    from crosspaths.meetings.models import CheckIn
    from crosspaths.people.models import Department, Location, Organization, Person
    from crosspaths.programs.models import Match, MatchMember, Program, Round

    rng = np.random.default_rng(seed)
    org = Organization.objects.create(name="Bench", slug="bench")
    collaboration_configure(organization=org, enabled=True, weeks_after=WEEKS)
    depts = Department.objects.bulk_create(
        Department(organization=org, name=f"Department {i}") for i in range(20)
    )
    locs = Location.objects.bulk_create(
        Location(organization=org, name=f"Office {i}") for i in range(5)
    )
    dept_of = rng.integers(0, 20, people)
    loc_of = rng.integers(0, 5, people)
    Person.objects.bulk_create(
        (
            Person(
                organization=org,
                email=f"p{i}@bench.test",
                external_id=f"E{i}",
                department_id=depts[dept_of[i]].pk,
                location_id=locs[loc_of[i]].pk,
                start_date=date(2015 + int(i % 11), 1, 1),
            )
            for i in range(people)
        ),
        batch_size=5000,
    )
    pks = np.array(
        Person.objects.filter(organization=org).order_by("pk").values_list("pk", flat=True)
    )
    program = Program.objects.create(organization=org, name="Coffee", format="virtual_coffee")
    met: list[tuple[int, int, int]] = []
    for k in range(rounds):
        rnd = Round.objects.create(
            organization=org,
            program=program,
            date=FIRST_ROUND + timedelta(weeks=k),
            status=Round.Status.CLOSED,
        )
        pool = rng.permutation(people)[: int(people * 0.7) // 2 * 2].reshape(-1, 2)
        matches = Match.objects.bulk_create(
            (Match(organization=org, round=rnd) for _ in range(len(pool))), batch_size=5000
        )
        members = MatchMember.objects.bulk_create(
            (
                MatchMember(organization=org, match=m, round=rnd, person_id=int(pks[i]))
                for m, pair in zip(matches, pool, strict=True)
                for i in pair
            ),
            batch_size=5000,
        )
        said = rng.random(len(pool)) < 0.8
        CheckIn.objects.bulk_create(
            (
                CheckIn(organization=org, member=members[2 * g], met=True)
                for g in np.nonzero(said)[0]
            ),
            batch_size=5000,
        )
        met.extend((int(x), int(y), k) for x, y in pool[said])
    return org, dept_of, met


def write_csv(path: Path, people: int, rows: int, rounds: int, dept_of, met, seed: int) -> None:
    """Background interactions of random pairs (80 % within a department) over every
    week; a fifth of the pairs that met are colleagues who already interact (a row a
    week) and, in the weeks after their round, interact twice as much."""
    rng = np.random.default_rng(seed + 1)
    first = FIRST_ROUND - timedelta(weeks=WEEKS)
    n_weeks = rounds - 1 + 2 * WEEKS
    days = [(first + timedelta(weeks=k)).isoformat() for k in range(n_weeks)]
    channels = ("chat", "mail", "meeting", "document", "intranet")
    tied = [met[i] for i in rng.permutation(len(met))[: min(len(met) // 5, rows // (3 * n_weeks))]]
    background = max(0, rows - len(tied) * (n_weeks + WEEKS))
    by_dept = [np.nonzero(dept_of == d)[0] for d in range(20)]
    a = rng.integers(0, people, background)
    same = rng.random(background) < 0.8
    b = rng.integers(0, people, background)
    for d in range(20):
        mask = same & (dept_of[a] == d)
        b[mask] = rng.choice(by_dept[d], int(mask.sum()))
    week = rng.integers(0, n_weeks, background)
    chan = rng.integers(0, 5, background)
    count = rng.integers(1, 6, background)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["period_start", "person_a", "person_b", "channel", "count"])
        for i in range(background):
            if a[i] != b[i]:
                w.writerow((days[week[i]], f"E{a[i]}", f"E{b[i]}", channels[chan[i]], count[i]))
        for x, y, k in tied:
            for wk in range(n_weeks):
                w.writerow((days[wk], f"E{x}", f"E{y}", "chat", int(rng.integers(1, 6))))
            for wk in range(WEEKS + k, 2 * WEEKS + k):
                w.writerow((days[wk], f"E{x}", f"E{y}", "mail", int(rng.integers(1, 6))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=15, help="requests per page")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        setup_django(tmp)
        from django.db import connection

        old = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            run(args, tmp, connection.vendor)
        finally:
            connection.creation.destroy_test_db(old, verbosity=0)


def run(args, tmp: Path, vendor: str) -> None:
    from crosspaths.collaboration.imports import interactions_import
    from crosspaths.collaboration.models import Interaction
    from crosspaths.collaboration.services import payoff_compute

    times: list[tuple[str, float, str]] = []
    t = time.perf_counter()
    org, dept_of, met = build(args.people, args.rounds, args.seed)
    times.append(("build", time.perf_counter() - t, f"{len(met):,} pairs met"))
    path = tmp / "interactions.csv"
    t = time.perf_counter()
    write_csv(path, args.people, args.rows, args.rounds, dept_of, met, args.seed)
    times.append(("write csv", time.perf_counter() - t, f"{path.stat().st_size / 1e6:.0f} MB"))
    t = time.perf_counter()
    with open(path, encoding="utf-8", newline="") as stream:
        summary = interactions_import(organization=org, stream=stream, file=str(path))
    took = time.perf_counter() - t
    stored = Interaction.objects.filter(organization=org).count()
    times.append(("import", took, f"{summary.rows:,} rows, {summary.rows / took:,.0f} rows/s"))
    t = time.perf_counter()
    est = payoff_compute(organization=org)
    times.append(
        (
            "estimate",
            time.perf_counter() - t,
            f"{est.pairs:,} pairs, {est.comparison_pairs:,} comparison pairs, "
            f"uplift {est.uplift:.2f} ({est.low:.2f}-{est.high:.2f})"
            if est.uplift is not None
            else f"{est.pairs} pairs, no figure",
        )
    )
    views = pages(org, args.repeat)
    print(
        f"\nbench/roi.py on {vendor}: {args.people:,} people, {stored:,} interaction rows stored, "
        f"{args.rounds} rounds, W = {WEEKS} weeks\n"
    )
    print(f"{'phase':<10} {'seconds':>8}  note")
    for name, seconds, note in times:
        print(f"{name:<10} {seconds:8.1f}  {note}")
    print(f"\n{'page':<32} {'p50 ms':>8} {'p95 ms':>8} {'CPU p50':>8}  target p95 < 300 ms")
    for label, p50, p95, cpu in views:
        ok = "ok" if p95 < 300 else "SLOW"
        print(f"{label:<32} {p50:8.0f} {p95:8.0f} {cpu:8.0f}  {ok}")
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end)")


def pages(org, repeat: int) -> list[tuple[str, float, float, float]]:
    """p50 and p95 of the pages that read the stored estimate, as an admin."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from crosspaths.people.models import Person

    user = get_user_model().objects.create_user("admin@bench.test", "admin@bench.test", "x")
    Person.objects.create(
        organization=org, email="admin@bench.test", name="Admin", role="admin", user=user
    )
    client = Client()
    client.force_login(user)
    last = FIRST_ROUND + timedelta(weeks=WEEKS)
    quarter = f"{last.year}-q{(last.month - 1) // 3 + 1}"
    out = []
    for label, url in (
        ("Does it pay off? page", "/insights/pays-off/"),
        ("Does it pay off? CSV", "/insights/pays-off/numbers.csv"),
        ("quarterly PDF report", f"/insights/report/{quarter}.pdf"),
    ):
        for _ in range(2):  # warm up
            assert client.get(url).status_code == 200, url
        samples, cpu = [], []
        for _ in range(repeat):
            t, c = time.perf_counter(), time.process_time()
            response = client.get(url)
            samples.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            assert response.status_code == 200, url
        samples.sort()
        p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
        out.append((label, statistics.median(samples), p95, statistics.median(cpu)))
    return out


if __name__ == "__main__":
    main()
