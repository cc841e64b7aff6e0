"""Outside perspective at size: who may be asked for a request, the request itself (asks
and their e-mail rows in one transaction) and the last yes (the session: slot, round,
group, introductions), in a demo organization where a share of people opted in.

    .venv/bin/python bench/perspective.py [--people 10000] [--givers 0.2] [--repeat 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME .venv/bin/python bench/perspective.py

Loads a demo organization (crosspaths/demo/synthetic.py) without history, opts ``--givers`` of
its people in (cap 4), then times ``--repeat`` requests by different people (median and
worst; SQL queries of the median one). Deliveries are not run: the rows are what the
request writes. Prints a table. SQLite in a fresh file by default; with DATABASE_URL the
demo organization is deleted afterwards.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--givers", type=float, default=0.2)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspaths.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("CROSSPATHS_VAR_DIR", tempfile.mkdtemp(prefix="crosspaths-bench-"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from crosspaths import clock
    from crosspaths.demo.loader import load_demo_organization
    from crosspaths.people.models import Organization, Person
    from crosspaths.perspective.models import Ask, Giver
    from crosspaths.perspective.services import ask_answer, candidates_for, request_create

    call_command("migrate", verbosity=0)
    Organization.objects.filter(slug="bench-perspective").delete()
    org = load_demo_organization(people=args.people, slug="bench-perspective", past_rounds=0)
    people = list(Person.objects.filter(organization=org).order_by("pk"))
    step = max(1, round(1 / args.givers)) if args.givers > 0 else len(people) + 1
    Giver.objects.bulk_create(
        [Giver(organization=org, person=p, monthly_cap=4) for p in people[::step]]
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    requesters = [p for k, p in enumerate(people) if k % step][: args.repeat]
    needed_by = clock.today() + timedelta(days=14)

    timed: dict[str, list[tuple[float, float, int]]] = {
        "propose": [],
        "request": [],
        "last yes": [],
    }
    asked = 0
    for person in requesters:
        with CaptureQueriesContext(connection) as q:
            t0, c0 = time.perf_counter(), time.process_time()
            request = request_create(
                requester=person, topic="Bench topic", people_wanted=3, needed_by=needed_by
            )
            timed["request"].append((time.perf_counter() - t0, time.process_time() - c0, len(q)))
        asked += request.asks.count()
        with CaptureQueriesContext(connection) as q:
            t0, c0 = time.perf_counter(), time.process_time()
            candidates_for(request=request, now=clock.now(), limit=3)
            timed["propose"].append((time.perf_counter() - t0, time.process_time() - c0, len(q)))
        asks = list(request.asks.filter(status=Ask.Status.ASKED))
        for ask in asks[:-1]:
            ask_answer(ask=ask, accept=True)
        with CaptureQueriesContext(connection) as q:
            t0, c0 = time.perf_counter(), time.process_time()
            ask_answer(ask=asks[-1], accept=True)
            timed["last yes"].append((time.perf_counter() - t0, time.process_time() - c0, len(q)))

    givers = Giver.objects.filter(organization=org).count()
    print(
        f"{connection.vendor}, {len(people):,} people, {givers:,} opted in, "
        f"{len(requesters)} requests of 3 people ({asked} asked)"
    )
    print(f"{'step':<30}{'median ms':>10}{'worst ms':>10}{'CPU ms':>8}{'queries':>9}")
    labels = {
        "propose": "who may be asked (next 3)",
        "request": "request (asks + e-mail rows)",
        "last yes": "last yes (session set up)",
    }
    for key, rows in timed.items():
        ms = sorted(t * 1000 for t, _c, _n in rows)
        cpu = statistics.median(c * 1000 for _t, c, _n in rows)
        queries = sorted(n for _t, _c, n in rows)[len(rows) // 2]
        print(
            f"{labels[key]:<30}{statistics.median(ms):>10.0f}{ms[-1]:>10.0f}{cpu:>8.0f}{queries:>9}"
        )
    if connection.vendor == "postgresql":
        org.delete()


if __name__ == "__main__":
    main()
