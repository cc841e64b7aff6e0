"""The daily journey step on a demo organization, in a fresh SQLite file.

    .venv/bin/python bench/journeys.py [--people 10000] [--new-hires 200] [--weeks 6]

Loads a demo organization (everyone in its programs, past rounds as history), marks
``--new-hires`` people as starting this Monday and enrolls them in an onboarding program
with journeys on, then runs the daily step on each journey day and prints per day: the
journeys started, steps taken, colleagues found, the time and the SQL queries; then a
second run of the last day (must be 0 and cheap). Set DATABASE_URL to measure on
PostgreSQL (the script then uses that database and deletes its organization afterwards).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--new-hires", type=int, default=200)
    parser.add_argument("--weeks", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=8, help="past rounds of history")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspaths.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("CROSSPATHS_VAR_DIR", tempfile.mkdtemp(prefix="crosspaths-bench-"))
    import django

    django.setup()
    import time_machine
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from crosspaths.demo.loader import load_demo_organization
    from crosspaths.journeys.models import JourneyStep
    from crosspaths.journeys.services import journey_plan_set, journeys_run
    from crosspaths.people.models import Organization, Person
    from crosspaths.programs.models import Enrollment, Program

    day_one = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)  # a Thursday
    call_command("migrate", verbosity=0)
    Organization.objects.filter(slug="bench-journeys").delete()
    with time_machine.travel(day_one - timedelta(days=3), tick=False):
        org = load_demo_organization(
            people=args.people, slug="bench-journeys", past_rounds=args.rounds, with_logins=False
        )
    onboarding = Program.objects.create(
        organization=org, name="Welcome", format=Program.Format.ONBOARDING, active=True
    )
    hires = list(
        Person.objects.filter(organization=org)
        .order_by("?")
        .values_list("pk", flat=True)[: args.new_hires]
    )
    Person.objects.filter(pk__in=hires).update(start_date=day_one.date() - timedelta(days=3))
    Enrollment.objects.bulk_create(
        [Enrollment(organization=org, program=onboarding, person_id=pk) for pk in hires]
    )
    plan = journey_plan_set(program=onboarding, actor=None, weeks=args.weeks)
    people = Person.objects.filter(organization=org, active=True).count()
    print(f"{people} people, {len(hires)} new hires, {plan.steps} journey weeks\n")
    print("| day | journeys started + steps | met | missed | seconds | queries |")
    print("|---|---|---|---|---|---|")

    def run(moment: datetime, label: str) -> None:
        before = JourneyStep.objects.filter(colleague__isnull=False).count()
        missed_before = JourneyStep.objects.filter(colleague__isnull=True).count()
        with time_machine.travel(moment, tick=True), CaptureQueriesContext(connection) as q:
            started = time.perf_counter()
            done = journeys_run(now=moment)
            took = time.perf_counter() - started
        met = JourneyStep.objects.filter(colleague__isnull=False).count() - before
        missed = JourneyStep.objects.filter(colleague__isnull=True).count() - missed_before
        print(f"| {label} | {done} | {met} | {missed} | {took:.2f} | {len(q)} |")

    for week in range(plan.steps):
        run(day_one + timedelta(weeks=week), (day_one + timedelta(weeks=week)).date().isoformat())
    last = day_one + timedelta(weeks=plan.steps - 1, hours=2)
    run(last, f"{last.date().isoformat()} again")
    per_colleague = {}
    for pid in JourneyStep.objects.filter(colleague__isnull=False).values_list(
        "colleague_id", flat=True
    ):
        per_colleague[pid] = per_colleague.get(pid, 0) + 1
    if per_colleague:
        print(
            f"\n{len(per_colleague)} colleagues met new hires; most journey meetings by one "
            f"colleague over the whole run: {max(per_colleague.values())}"
        )
    if os.environ.get("DATABASE_URL"):
        Organization.objects.filter(pk=org.pk).delete()


if __name__ == "__main__":
    main()
