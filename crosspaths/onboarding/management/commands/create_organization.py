"""``manage.py create_organization --name NAME --slug SLUG --admin-email EMAIL``: a real
organization from scratch, with its first admin, who is sent a sign-in invitation."""

from __future__ import annotations

from smtplib import SMTPException

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from crosspaths.onboarding.invitations import person_invite
from crosspaths.people.organizations import organization_create


class Command(BaseCommand):
    help = "Create an organization and its first admin, and e-mail the admin a sign-in link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--slug", required=True, help="short id used by other commands")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-name", default="")
        parser.add_argument("--timezone", default="Europe/Berlin")
        parser.add_argument("--language", default="en", choices=["en", "de"])
        parser.add_argument("--no-invite", action="store_true", help="do not e-mail the admin")

    def handle(self, *args: object, **options: object) -> None:
        try:
            admin = organization_create(
                name=str(options["name"]),
                slug=str(options["slug"]),
                admin_email=str(options["admin_email"]),
                admin_name=str(options["admin_name"]),
                timezone=str(options["timezone"]),
                language=str(options["language"]),
            )
        except ValidationError as error:
            problems = (
                [f"--{k.replace('_', '-')}: {' '.join(v)}" for k, v in error.message_dict.items()]
                if hasattr(error, "error_dict")
                else error.messages
            )
            raise CommandError("; ".join(problems)) from error
        org = admin.organization
        self.stdout.write(f"Organization '{org.name}' ({org.slug}) created; admin {admin.email}.")
        if options["no_invite"]:
            return
        try:
            person_invite(person=admin)
        except (SMTPException, OSError) as error:
            raise CommandError(
                f"The invitation to {admin.email} could not be sent ({error}); the organization "
                f"exists: run `manage.py invite_people --org {org.slug} {admin.email}` again."
            ) from error
        self.stdout.write(f"Invitation sent to {admin.email}.")
