"""``manage.py insights_backfill``: the nightly aggregation, and the first-time backfill.

Without options it aggregates every published or closed round that has no figures yet
and recounts the rounds of the last 28 days (check-ins arrive late). ``--rebuild``
forgets all figures and aggregates every round from the first. Safe to run twice.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from crosspaths.insights.services import NIGHTLY_DAYS, insights_backfill
from crosspaths.people.models import Organization


class Command(BaseCommand):
    help = "Aggregate rounds into the insights figures (nightly; --rebuild for all history)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="the organization's slug (default: every one)")
        parser.add_argument(
            "--days",
            type=int,
            default=NIGHTLY_DAYS,
            help=f"recount rounds of the last N days (default {NIGHTLY_DAYS})",
        )
        parser.add_argument(
            "--rebuild", action="store_true", help="forget all figures and aggregate every round"
        )

    def handle(self, *args: object, **options: Any) -> None:
        organization = None
        if options["org"]:
            organization = Organization.objects.filter(slug=options["org"]).first()
            if organization is None:
                raise CommandError(f"No organization with the slug '{options['org']}'.")
        days = int(options["days"])
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        started = time.perf_counter()

        def progress(rnd, result) -> None:
            if int(options["verbosity"]) > 1:
                self.stdout.write(
                    f"  {rnd}: {result.encounters} encounters, "
                    f"{result.new_connections} new connections"
                )

        count = insights_backfill(
            organization=organization,
            days=days,
            rebuild=bool(options["rebuild"]),
            progress=progress,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Aggregated {count} round(s) in {time.perf_counter() - started:.1f} s."
            )
        )
