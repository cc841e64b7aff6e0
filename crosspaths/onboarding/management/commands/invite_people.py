"""``manage.py invite_people --org SLUG [EMAIL ...]``: send invitations from the shell.

The console's button for the same thing; useful right after ``import_people``.
Without addresses it invites every active person who has never been invited and
never signed in, so running it twice sends nothing new the second time.
"""

from __future__ import annotations

from smtplib import SMTPException
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from crosspaths.onboarding.invitations import person_invite
from crosspaths.people.models import Organization, Person


class Command(BaseCommand):
    help = "E-mail invitations (a 14-day sign-in link) to people of an organization."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "emails", nargs="*", help="only these people (invited again if need be)"
        )
        parser.add_argument("--org", required=True, help="the organization's slug")

    def handle(self, *args: object, **options: Any) -> None:
        org = Organization.objects.filter(slug=options["org"]).first()
        if org is None:
            raise CommandError(f"No organization with the slug '{options['org']}'.")
        people = Person.objects.filter(organization=org, active=True).select_related(
            "organization", "location"
        )
        emails = [str(e).strip().lower() for e in options["emails"]]
        if emails:
            people = people.filter(email__in=emails)
            unknown = sorted(set(emails) - set(people.values_list("email", flat=True)))
            if unknown:
                raise CommandError("Not active people of this organization: " + ", ".join(unknown))
        else:
            people = people.filter(invited_at__isnull=True, user__isnull=True)
        sent = failed = skipped = 0
        for person in people.order_by("pk"):
            try:
                token = person_invite(person=person)
            except (ValidationError, SMTPException, OSError) as error:
                failed += 1
                self.stderr.write(f"{person.email}: {error}")
            else:
                if token is None:  # invited a moment ago (by a click or another run)
                    skipped += 1
                else:
                    sent += 1
        skipped_words = f", {skipped} invited a moment ago" if skipped else ""
        self.stdout.write(f"{sent} invitation(s) sent, {failed} failed{skipped_words}.")
        if failed:
            raise CommandError("Some invitations were not sent; run the command again for them.")
