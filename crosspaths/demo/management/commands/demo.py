"""``manage.py demo``: load a deterministic demo organization (and print how to sign in)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from crosspaths import clock
from crosspaths.collaboration.synthetic import demo_collaboration
from crosspaths.demo.loader import load_demo_organization
from crosspaths.demo.synthetic import DEMO_LOGINS, DEMO_PASSWORD
from crosspaths.insights.services import insights_backfill
from crosspaths.people.models import Organization


class Command(BaseCommand):
    help = "Create a synthetic demo organization (deterministic for a seed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=300)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--slug", default="demo")
        parser.add_argument("--name", default="Northwind Demo")
        parser.add_argument("--rounds", type=int, default=None, help="past rounds per program")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when any organization exists"
        )
        parser.add_argument("--replace", action="store_true", help="delete an existing one first")

    def handle(self, *args: object, **options: Any) -> None:
        slug = str(options["slug"])
        if options["if_empty"] and Organization.objects.exists():
            self.stdout.write("The database already has an organization; no demo loaded.")
            self.print_logins()
            return
        existing = Organization.objects.filter(slug=slug)
        if existing.exists():
            if not options["replace"]:
                raise CommandError(f"An organization '{slug}' exists; use --replace.")
            existing.delete()
        started = time.perf_counter()
        org = load_demo_organization(
            people=int(options["people"]),
            seed=int(options["seed"]),
            slug=slug,
            name=str(options["name"]),
            past_rounds=options["rounds"],
        )
        loaded = time.perf_counter()
        # The demo's past rounds were written directly: aggregate them for the insights.
        rounds = insights_backfill(organization=org)
        counted = time.perf_counter()
        # Collaboration counts with a planted effect, so "Does it pay off?" has a figure.
        interactions = demo_collaboration(organization=org, today=clock.today())
        self._ensure_operator()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo organization '{org.name}' ({org.people.count()} people) "
                f"loaded in {loaded - started:.1f} s; insights of its {rounds} past "
                f"round(s) counted in {counted - loaded:.1f} s; {interactions} interaction "
                f"counts and the pay-off estimate in {time.perf_counter() - counted:.1f} s."
            )
        )
        self.print_logins()

    def _ensure_operator(self) -> None:
        """A Django superuser for /admin/ in development only."""
        if not settings.DEBUG:
            return
        User = get_user_model()
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@localhost", "admin")

    def print_logins(self) -> None:
        lines = [
            "",
            f"Crosspaths: {settings.SITE_URL}/",
            *[f"  {role:<12} {email}  password: {DEMO_PASSWORD}" for email, _, role in DEMO_LOGINS],
            f"  Django admin {settings.SITE_URL}/admin/  user: admin  password: admin (development only)",
            "",
        ]
        self.stdout.write("\n".join(lines))
