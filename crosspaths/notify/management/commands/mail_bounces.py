"""Read failure reports (bounces) and stop e-mail to the addresses that failed for good.

    manage.py mail_bounces report1.eml report2.eml   # files, e.g. from the bounce mailbox
    fetchmail ... --mda "manage.py mail_bounces -"    # or one report on standard input
    manage.py mail_bounces --clear someone@example.com  # the mailbox works again

Safe to run twice on the same report. See docs/rounds.md ("Bounces")."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from crosspaths.people.services import people_clear_bounce

from ...bounces import bounces_record


class Command(BaseCommand):
    help = "Mark addresses that bounced for good (RFC 3464 reports), or --clear one."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("reports", nargs="*", help="report files; '-' reads standard input")
        parser.add_argument("--clear", metavar="EMAIL", help="e-mail to this address resumes")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["clear"]:
            count = people_clear_bounce(email=options["clear"])
            self.stdout.write(f"{options['clear']}: e-mail resumes for {count} people.")
            return
        if not options["reports"]:
            raise CommandError("name one or more report files, or '-' for standard input")
        for name in options["reports"]:
            try:
                raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
            except OSError as e:
                raise CommandError(f"{name}: {e.strerror}") from None
            marked = bounces_record(raw=raw)
            if not marked:
                self.stdout.write(f"{name}: no permanent failure in this message.")
            for address, count in marked.items():
                self.stdout.write(f"{name}: {address} bounced; {count} people get no e-mail now.")
