"""``manage.py collaboration_settings --org SLUG --on|--off [--weeks N]
[--retention-months N]``: turn the collection of interaction counts on or off."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from crosspaths.collaboration.services import collaboration_configure, collaboration_settings
from crosspaths.people.models import Organization


class Command(BaseCommand):
    help = "Show or change whether an organization collects interaction counts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="the organization's slug")
        switch = parser.add_mutually_exclusive_group()
        switch.add_argument("--on", action="store_true", help="collect interaction counts")
        switch.add_argument(
            "--off", action="store_true", help="stop, and delete every stored count"
        )
        parser.add_argument("--weeks", type=int, help="weeks compared before and after (1-26)")
        parser.add_argument("--retention-months", type=int, help="keep counts this long")

    def handle(self, *args: object, **options: Any) -> None:
        org = Organization.objects.filter(slug=options["org"]).first()
        if org is None:
            raise CommandError(f"No organization with the slug '{options['org']}'.")
        weeks = options["weeks"]
        if weeks is not None and not 1 <= int(weeks) <= 26:
            raise CommandError("--weeks must be from 1 to 26.")
        months = options["retention_months"]
        if months is not None and not 1 <= int(months) <= 120:
            raise CommandError("--retention-months must be from 1 to 120.")
        current = collaboration_settings(org)
        if options["on"] or options["off"] or weeks or months:
            enabled = bool(options["on"]) or (current.enabled and not options["off"])
            current = collaboration_configure(
                organization=org,
                enabled=enabled,
                weeks_after=weeks,
                retention_months=months,
            )
        self.stdout.write(
            f"{org.slug}: interaction counts {'on' if current.enabled else 'off'}, "
            f"{current.weeks_after} weeks before and after, kept "
            f"{current.retention_months} months."
        )
