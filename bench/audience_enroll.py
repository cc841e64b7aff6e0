"""HR enrolls an audience: the preview page and the confirm (enrollments, announcement
rows and the audit entry in one transaction) at size, as the demo's admin.

    .venv/bin/python bench/audience_enroll.py [--people 10000] [--repeat 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME .venv/bin/python bench/audience_enroll.py

Loads a demo organization (crosspaths/demo/synthetic.py) without history, creates an onboarding
program, then times the preview page ``--repeat`` times (median; SQL queries) and one
confirm of "everyone" (deliveries are not run: the rows are what the request writes),
then the daily new-hires step with nobody new (what it costs every day). Prints a table.
SQLite in a fresh file by default; with DATABASE_URL the demo organization is deleted
afterwards.
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
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspaths.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("CROSSPATHS_VAR_DIR", tempfile.mkdtemp(prefix="crosspaths-bench-"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from crosspaths import clock
    from crosspaths.console.audiences import new_hires_enroll
    from crosspaths.demo.loader import load_demo_organization
    from crosspaths.notify.models import Message
    from crosspaths.people.models import Organization, Person
    from crosspaths.programs.enrollments import AudienceFilter, audience_plan
    from crosspaths.programs.models import Enrollment, Program

    call_command("migrate", verbosity=0)
    Organization.objects.filter(slug="bench-audience").delete()
    org = load_demo_organization(people=args.people, slug="bench-audience", past_rounds=0)
    program = Program.objects.create(
        organization=org, name="Bench onboarding", format=Program.Format.ONBOARDING
    )
    Enrollment.objects.filter(program__organization=org).delete()
    admin = Person.objects.get(organization=org, email="alice@demo.crosspaths.test")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client()
    client.force_login(admin.user)
    client.cookies["django_language"] = "en"
    url = f"/console/programs/{program.pk}/enroll/"

    rows = []
    times, queries = [], 0
    for _ in range(args.repeat):
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t0)
        assert response.status_code == 200
        queries = len(captured)
    rows.append(("preview everyone (page)", statistics.median(times), queries))
    expected = audience_plan(program=program, audience=AudienceFilter(), on=clock.today()).new
    with CaptureQueriesContext(connection) as captured:
        t0 = time.perf_counter()
        response = client.post(url, {"expected": str(len(expected))})
        confirm = time.perf_counter() - t0
    assert response.status_code == 302, response.status_code
    rows.append(("confirm: enroll + announce", confirm, len(captured)))
    with CaptureQueriesContext(connection) as captured:
        t0 = time.perf_counter()
        new_hires_enroll(now=clock.now())
        rows.append(("daily new-hires step", time.perf_counter() - t0, len(captured)))

    enrolled = Enrollment.objects.filter(program=program).count()
    announced = Message.objects.filter(organization=org, kind="announcement").count()
    print(f"{connection.vendor}, {args.people} people: {enrolled} enrolled, {announced} announced")
    print(f"{'step':<32} {'seconds':>8} {'queries':>8}")
    for name, seconds, n in rows:
        print(f"{name:<32} {seconds:>8.2f} {n:>8}")
    if connection.vendor == "postgresql":
        org.delete()


if __name__ == "__main__":
    main()
