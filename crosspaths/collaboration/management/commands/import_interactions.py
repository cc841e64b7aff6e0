"""``manage.py import_interactions FILE.csv --org SLUG``: weekly interaction counts per
pair (docs/collaboration.md), all-or-nothing, streamed."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from crosspaths.collaboration.imports import CollaborationOff, interactions_import
from crosspaths.matching.roster import RosterError
from crosspaths.people.models import Organization


class Command(BaseCommand):
    help = (
        "Import interaction counts (columns: period_start,person_a,person_b,channel,count; "
        "ids are roster ids; period_start is a Monday). One bad row aborts the import; "
        "problems are listed with their row and column. The file replaces the weeks and "
        "channels it contains."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="interactions CSV file")
        parser.add_argument("--org", required=True, help="the organization's slug")
        parser.add_argument(
            "--skip-unknown",
            action="store_true",
            help="skip rows naming someone not in the roster (guests, bots, leavers) "
            "instead of refusing the file",
        )

    def handle(self, *args: object, **options: object) -> None:
        path = str(options["file"])
        org = Organization.objects.filter(slug=options["org"]).first()
        if org is None:
            raise CommandError(f"No organization with the slug '{options['org']}'.")
        try:
            with open(path, encoding="utf-8-sig", newline="") as stream:
                summary = interactions_import(
                    organization=org,
                    stream=stream,
                    file=path,
                    skip_unknown=bool(options["skip_unknown"]),
                )
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except UnicodeDecodeError as e:
            raise CommandError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
        except CollaborationOff as e:
            raise CommandError(str(e)) from None
        except RosterError as e:
            for problem in e.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(e.problems)} problem(s) found; nothing was imported."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {path} into {org.slug}: {summary.rows} rows, {summary.stored} "
                f"stored, {summary.opted_out} skipped (opted out), {summary.unknown} skipped "
                f"(unknown ids), {summary.replaced} earlier rows of {len(summary.weeks)} "
                "week(s) replaced."
            )
        )
