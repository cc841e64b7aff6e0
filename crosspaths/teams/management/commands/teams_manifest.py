"""``manage.py teams_manifest --org SLUG -o app.zip``: the Teams app package."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from crosspaths.people.models import Organization
from crosspaths.teams.manifest import manifest_zip


class Command(BaseCommand):
    help = "Write the Microsoft Teams app package (manifest.json and icons) of an organization."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="the organization's slug")
        parser.add_argument("-o", "--output", required=True, help="the zip file to write")
        parser.add_argument(
            "--base-url", default="", help="the site's public URL (default: SITE_URL)"
        )

    def handle(self, *args, **options):
        if not settings.TEAMS_APP_ID:
            raise CommandError(
                "TEAMS_APP_ID is not set: the package names the bot's app id (docs/teams.md)."
            )
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(f"no organization with the slug {options['org']!r}")
        data = manifest_zip(organization=organization, base_url=options["base_url"])
        with open(options["output"], "wb") as out:
            out.write(data)
        self.stdout.write(f"wrote {options['output']} ({len(data)} bytes) for {organization.name}")
