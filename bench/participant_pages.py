"""Queries and time per participant page, on a demo organization in a fresh SQLite file.

    .venv/bin/python bench/participant_pages.py [--people 2000] [--rounds 12] [--repeat 5]

Signs in as the demo's Bob (an engineer in Munich), says "we met" for every past
group he was in (so "My encounters" is full), then requests each page ``--repeat``
times and prints the number of SQL queries and the median time. The query count
must not grow with the organization or the history; compare two sizes to see it.
Set DATABASE_URL to measure on PostgreSQL instead (the script then uses that database
and deletes the demo organization it created afterwards).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--show-queries", action="store_true", help="print the home page's SQL")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspaths.settings")
    os.environ.setdefault("DEBUG", "1")  # a benchmark, not a site: development settings
    os.environ.setdefault("CROSSPATHS_VAR_DIR", tempfile.mkdtemp(prefix="crosspaths-bench-"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from crosspaths.demo.loader import load_demo_organization
    from crosspaths.meetings.models import CheckIn
    from crosspaths.people.models import Organization, Person
    from crosspaths.programs.models import MatchMember

    call_command("migrate", verbosity=0)
    Organization.objects.filter(slug="bench-participant").delete()
    started = time.perf_counter()
    org = load_demo_organization(
        people=args.people, slug="bench-participant", past_rounds=args.rounds, with_logins=True
    )
    loaded = time.perf_counter() - started
    bob = Person.objects.get(organization=org, email="bob@demo.crosspaths.test")
    Person.objects.filter(pk=bob.pk).update(onboarded_at=timezone.now())
    for member in MatchMember.objects.filter(person=bob):
        CheckIn.objects.update_or_create(
            member=member, defaults={"organization": org, "met": True, "rating": 5}
        )
    met = CheckIn.objects.filter(member__person=bob, met=True).count()

    client = Client()
    client.force_login(bob.user)
    client.cookies["django_language"] = "en"
    pages = [
        ("home (match card + encounters)", "/"),
        ("onboarding", "/start/"),
        ("my preferences", "/preferences/"),
        ("my programs", "/programs/"),
        ("don't pair me with (search)", "/preferences/blocked/?q=an"),
    ]
    current = MatchMember.objects.filter(person=bob, round__status="published").first()
    if current is not None:
        pages.append(("calendar file (.ics)", f"/matches/{current.match_id}/calendar.ics"))
    anonymous = Client()
    print(
        f"{args.people} people, {args.rounds} past rounds per program "
        f"(loaded in {loaded:.1f} s); Bob met {met} groups; "
        f"{connection.vendor}, median of {args.repeat}"
    )
    print(f"| {'page':32} | queries | median ms |")
    print(f"| {'-' * 32} | ------: | --------: |")
    rows = [(name, client, url) for name, url in pages]
    rows += [
        ("sign in (signed out)", anonymous, "/login/"),
        ("welcome (signed out)", anonymous, "/"),
    ]
    for name, who, url in rows:
        times, counts = [], set()
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                response = who.get(url)
                times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            counts.add(len(queries))
        print(f"| {name:32} | {max(counts):7} | {statistics.median(times):9.1f} |")
    if args.show_queries:
        with CaptureQueriesContext(connection) as queries:
            client.get("/")
        for q in queries.captured_queries:
            print(f"{float(q['time']) * 1000:7.1f} ms  {q['sql'][:300]}")
    Organization.objects.filter(pk=org.pk).delete()


if __name__ == "__main__":
    main()
