"""Sets up a fault test's database from a subprocess (the test process's own Django
connection belongs to the ordinary suite): migrate, an organization with ``--people``
colleagues in a virtual coffee whose round is due a minute ago, and with ``--publish``
the round drafted and published here (its delivery tasks go to the configured queue).

    DATABASE_URL=... python tests/faults/scenario.py --people 40 [--publish]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspaths.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=0)
    parser.add_argument("--publish", action="store_true")
    parser.add_argument("--migrate-only", action="store_true", help="the template database")
    args = parser.parse_args()

    import django

    django.setup()
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from django.core.management import call_command

    from crosspaths import clock
    from crosspaths.people.models import Organization
    from crosspaths.programs.services import round_draft, round_publish
    from tests.programs.crowd import coffee, crowd, enroll

    call_command("migrate", verbosity=0)
    if args.migrate_only:
        return
    org = Organization.objects.create(name="Faults", slug="faults", timezone="Europe/Berlin")
    # Due a minute ago in the organization's zone, whatever the day: the scheduler's
    # first pass drafts (and publishes) it.
    local = (clock.now() - timedelta(minutes=1)).astimezone(ZoneInfo("Europe/Berlin"))
    program = coffee(
        org,
        starts_on=local.date(),
        weekday=local.weekday(),
        time=local.time().replace(second=0, microsecond=0),
    )
    enroll(program, crowd(org, args.people))
    if args.publish:
        rnd = round_draft(program=program, on=local.date())
        round_publish(round=rnd)
        print(f"published round {rnd.pk}", flush=True)
    print(f"program {program.pk}", flush=True)


if __name__ == "__main__":
    main()
