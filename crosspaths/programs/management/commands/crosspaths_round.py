"""``manage.py crosspaths_round``: run a round of a program now, outside its schedule.

For operators ("we changed the rules, run this week's round again on Thursday") and
for the demo: ``manage.py crosspaths_round "Virtual coffee" --org demo --publish``
matches the demo organization's coffee program at once, and the running worker
delivers the introductions into the development mailbox (/notify/dev/mail/).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from crosspaths import clock
from crosspaths.programs.models import Program
from crosspaths.programs.services import round_draft, round_publish
from crosspaths.request_numbers import whole_number


class Command(BaseCommand):
    help = "Draft (and optionally publish) a round of a program now."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("program", help="the program's name or id")
        parser.add_argument("--org", help="the organization's slug (when names repeat)")
        parser.add_argument("--date", help="the round's date, YYYY-MM-DD (default: today)")
        parser.add_argument("--publish", action="store_true", help="publish it right away")

    def handle(self, *args: Any, **options: Any) -> None:
        chosen = self._program(options["program"], options["org"])
        day = self._date(options["date"])
        publish = options["publish"]
        try:
            rnd = round_draft(program=chosen, on=day)
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from None
        metrics = rnd.metrics
        self.stdout.write(
            f"round {rnd.pk} {rnd}: {metrics.get('people', 0)} people, "
            f"{metrics.get('groups', 0)} groups, {metrics.get('left_out', 0)} left out"
        )
        if publish:
            round_publish(round=rnd)
            self.stdout.write("published: a worker delivers the introductions now")
        else:
            self.stdout.write("kept as a draft (publish it with --publish or in the console)")

    def _program(self, value: str, org: str | None) -> Program:
        programs = Program.objects.select_related("organization")
        if org:
            programs = programs.filter(organization__slug=org)
        found = list(
            programs.filter(pk=number)
            if (number := whole_number(value)) is not None
            else programs.filter(name=value)
        )
        if not found:
            raise CommandError(f"No program '{value}'" + (f" in '{org}'" if org else "") + ".")
        if len(found) > 1:
            slugs = ", ".join(sorted(p.organization.slug for p in found))
            raise CommandError(f"'{value}' exists in several organizations ({slugs}); add --org.")
        return found[0]

    def _date(self, value: str | None) -> date:
        if value is None:
            return clock.today()
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"--date must look like 2026-11-30, not '{value}'.") from None
