"""manage.py scim_token --org SLUG [--name NAME]: a new SCIM token, printed on stdout."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from crosspaths.people.models import Organization
from crosspaths.scim.tokens import scim_token_create


class Command(BaseCommand):
    help = "Create a SCIM bearer token for an organization and print it (shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="the organization's slug")
        parser.add_argument("--name", default="Operator", help="what the token is for")

    def handle(self, *args: object, **options: object) -> None:
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(f"No organization with the slug '{options['org']}'.")
        _token, raw = scim_token_create(organization=organization, name=str(options["name"]))
        self.stdout.write(raw)
