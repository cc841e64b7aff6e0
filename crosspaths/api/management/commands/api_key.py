"""manage.py api_key --org SLUG [--scope read|write] [--resource R ...] [--name NAME]:
a new API key, printed on stdout (for automation)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from crosspaths.api.keys import api_key_create
from crosspaths.api.models import RESOURCES, ApiKey
from crosspaths.people.models import Organization


class Command(BaseCommand):
    help = "Create an API key for an organization and print it (shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="the organization's slug")
        parser.add_argument("--scope", choices=ApiKey.Scope.values, default=ApiKey.Scope.READ)
        parser.add_argument(
            "--resource",
            action="append",
            default=[],
            choices=list(RESOURCES),
            help="limit the key to this resource (repeat; default: every resource)",
        )
        parser.add_argument("--name", default="Operator", help="what the key is for")

    def handle(self, *args: object, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(f"No organization with the slug '{options['org']}'.")
        try:
            _key, raw = api_key_create(
                organization=organization,
                name=str(options["name"]),
                scope=str(options["scope"]),
                resources=options["resource"],
            )
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from None
        self.stdout.write(raw)
