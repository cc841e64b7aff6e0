"""Where an API read's CPU goes: the route mix of bench/api_reads.py sent through
Django's whole stack (the test client: every middleware, key auth and rate limit) in
this process, production settings, against a database holding the ``api-check``
organization. Prints each route's queries and CPU a read, then a cProfile table
(CPU time) of ``--reads`` reads of the mix, or of one route with ``--route N``.

    DEBUG=0 SECRET_KEY=… ALLOWED_HOSTS=testserver DATABASE_URL=postgres://…/crosspaths_bench_api \\
        .venv/bin/python bench/api_read_profile.py [--reads 500] [--route 8] [--sort tottime]

Makes five read keys in that organization each run. cProfile roughly doubles the CPU
of ORM-heavy code; the per-route figures are taken without it.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.api_reads import route_mix

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspaths.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=500)
    parser.add_argument("--route", type=int, default=None, help="only this route of the mix")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--lines", type=int, default=60)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from crosspaths.api.keys import api_key_create
    from crosspaths.people.models import Organization, Person
    from crosspaths.programs.models import Match, Program, Round

    org = Organization.objects.get(slug="api-check")
    keys = [
        api_key_create(organization=org, name=f"profile {n}", scope="read")[1] for n in range(5)
    ]
    people = list(Person.objects.filter(organization=org).values_list("pk", flat=True))
    programs = list(Program.objects.filter(organization=org).values_list("pk", flat=True))
    rounds = list(Round.objects.filter(program__organization=org).values_list("pk", flat=True))
    matches = list(Match.objects.filter(organization=org).values_list("pk", flat=True)[:2000])
    rng = random.Random(1)
    mix = route_mix(people, programs, rounds, matches, rng.choice)
    client = Client()

    def read(i: int, route: int) -> None:
        answer = client.get(
            "/api/v1" + mix[route][2](), headers={"Authorization": f"Bearer {keys[i % 5]}"}
        )
        if answer.status_code != 200:
            sys.exit(f"{mix[route][0]}: {answer.status_code} {answer.content[:300]!r}")

    for n in range(5):  # every key's window of this minute exists (the usual case)
        read(n, 8)
    print("| route | queries | CPU ms a read |\n| --- | ---: | ---: |")
    for route, (label, _w, _p) in enumerate(mix):
        read(0, route)
        with CaptureQueriesContext(connection) as queries:
            started = time.process_time()
            for n in range(10):
                read(n, route)
            cpu = (time.process_time() - started) / 10
        print(f"| {label} | {len(queries.captured_queries) / 10:.1f} | {1000 * cpu:.2f} |")

    weights = [w for _l, w, _p in mix]
    plan = [
        args.route if args.route is not None else rng.choices(range(len(mix)), weights)[0]
        for _ in range(args.reads)
    ]
    profile = cProfile.Profile(time.process_time)
    started = time.process_time()
    profile.enable()
    for i, route in enumerate(plan):
        read(i, route)
    profile.disable()
    cpu = 1000 * (time.process_time() - started) / len(plan)
    print(f"\n{len(plan)} reads, {cpu:.2f} ms CPU a read under cProfile")
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.lines)


if __name__ == "__main__":
    main()
