"""Queries and time per intranet card, on a demo organization in a fresh SQLite file.

    .venv/bin/python bench/intranet_cards.py [--people 2000] [--rounds 8] [--repeat 5]

Says "we met" for every group of the demo's past rounds (so this month's organization
card counts the most it can), then requests the personal card (with a minted token)
and the organization card (computed, and as kept for five minutes) ``--repeat`` times each and prints the number of SQL queries
and the median time. Set DATABASE_URL to measure on PostgreSQL instead (the demo
organization is deleted afterwards).
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
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspaths.settings")
    os.environ.setdefault("DEBUG", "1")  # a benchmark, not a site: development settings
    os.environ.setdefault("CROSSPATHS_VAR_DIR", tempfile.mkdtemp(prefix="crosspaths-bench-"))
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from crosspaths.demo.loader import load_demo_organization
    from crosspaths.intranet.services import embed_settings_for
    from crosspaths.intranet.tokens import card_token_mint
    from crosspaths.meetings.models import CheckIn
    from crosspaths.people.models import Organization, Person
    from crosspaths.programs.models import MatchMember

    call_command("migrate", verbosity=0)
    Organization.objects.filter(slug="bench-intranet").delete()
    started = time.perf_counter()
    org = load_demo_organization(
        people=args.people, slug="bench-intranet", past_rounds=args.rounds, with_logins=False
    )
    loaded = time.perf_counter() - started
    CheckIn.objects.bulk_create(
        [
            CheckIn(organization=org, member_id=pk, met=True)
            for pk in MatchMember.objects.filter(organization=org).values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    current = MatchMember.objects.filter(organization=org, round__status="published").first()
    bob = current.person if current else Person.objects.filter(organization=org).first()
    key = embed_settings_for(organization=org).card_key
    pages = [
        ("personal card", "/embed/card/", {"t": card_token_mint(person=bob)[0]}, False),
        ("org card, computed", f"/embed/org/{key}/", {}, True),
        ("org card, kept 5 min", f"/embed/org/{key}/", {}, False),
    ]
    client = Client()
    rows = []
    for name, path, query, fresh in pages:
        times = []
        for _ in range(args.repeat):
            if fresh:
                cache.clear()
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                response = client.get(path, query)
                times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        rows.append((name, len(queries), statistics.median(times)))
    engine = connection.vendor
    members = MatchMember.objects.filter(organization=org).count()
    print(
        f"\n{args.people} people, {args.rounds} past rounds, {members} group memberships, "
        f"{engine}; demo loaded in {loaded:.0f} s\n"
    )
    print(f"| {'card':<20} | queries | median ms |")
    print(f"| {'-' * 20} | ------- | --------- |")
    for name, count, ms in rows:
        print(f"| {name:<20} | {count:>7} | {ms:>9.1f} |")
    if os.environ.get("DATABASE_URL"):
        org.delete()


if __name__ == "__main__":
    main()
