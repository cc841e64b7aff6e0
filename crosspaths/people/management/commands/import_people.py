"""``manage.py import_people FILE.csv --org SLUG``: all-or-nothing roster import."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from crosspaths.matching.roster import RosterError, read_csv_text
from crosspaths.people.models import Organization
from crosspaths.people.services import LastAdminError, MassDeactivationError, people_import


class Command(BaseCommand):
    help = (
        "Create or update people from a roster CSV (columns: id,name,email,department,team,"
        "location,level,manager_id,start_date,timezone,languages,interests,active). One bad "
        "row aborts the import; every problem is listed with its row and column."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="roster CSV file")
        parser.add_argument("--org", required=True, help="the organization's slug")
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="deactivate active people who are not in the file",
        )
        parser.add_argument(
            "--confirm-deactivations",
            type=int,
            metavar="N",
            help="confirm a mass deactivation (more than 10%% of the active people): N must "
            "be the number of people the import deactivates",
        )

    def handle(self, *args: object, **options: Any) -> None:
        path = str(options["file"])
        org = Organization.objects.filter(slug=options["org"]).first()
        if org is None:
            raise CommandError(f"No organization with the slug '{options['org']}'.")
        try:
            text = read_csv_text(path)
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except UnicodeDecodeError as e:
            raise CommandError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
        try:
            summary = people_import(
                organization=org,
                text=text,
                file=path,
                deactivate_missing=bool(options["deactivate_missing"]),
                confirmed_deactivations=options["confirm_deactivations"],
            )
        except MassDeactivationError as e:
            raise CommandError(
                f"This import deactivates {e.count} people; nothing was imported. "
                f"Run it again with --confirm-deactivations {e.count} if that is right."
            ) from None
        except LastAdminError as e:
            raise CommandError(" ".join(e.messages) + " Nothing was imported.") from None
        except RosterError as e:
            for problem in e.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(e.problems)} problem(s) found; nothing was imported."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                "Imported {file} into {org}: {new} new, {updated} updated, {unchanged} unchanged, "
                "{deactivated} deactivated.".format(file=path, org=org.slug, **summary)
            )
        )
