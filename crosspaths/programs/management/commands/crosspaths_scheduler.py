"""``manage.py crosspaths_scheduler``: the loop that makes rounds run themselves.

Every few seconds it drafts (and publishes) rounds that are due, hands due messages
(introductions, reminders, check-ins) and webhook deliveries to the task workers, marks messages of dead
workers, closes rounds whose time is over, once a day queues the insights refresh
(late check-ins) and runs the housekeeping jobs (crosspaths/housekeeping: expired
sessions, spent sign-in links, old task results, unapplied roster uploads), saying
what each removed; after each pass it writes its heartbeat (``/api/ready``).
Each of these is a step its own app registers (crosspaths/housekeeping/registry.py);
this command only runs the list. ``--once`` does one pass, for cron.
Safe to run on several machines at once; stops cleanly on SIGTERM or SIGINT after
the pass in progress.
"""

from __future__ import annotations

import signal
import threading
from datetime import datetime
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils.dateparse import parse_datetime

from crosspaths import clock
from crosspaths.housekeeping.heartbeats import SCHEDULER, heartbeat_beat
from crosspaths.housekeeping.registry import pass_steps


class Command(BaseCommand):
    help = "Run due rounds, dispatch due messages and close finished rounds, forever or once."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Do one pass and exit (cron).")
        parser.add_argument(
            "--interval",
            type=float,
            default=settings.SCHEDULER_INTERVAL_SECONDS,
            help="Seconds between passes (default: %(default)s).",
        )
        parser.add_argument(
            "--now",
            help="Pretend it is this moment (ISO 8601 with offset); for trying schedules out.",
        )

    def handle(
        self, *args: Any, once: bool, interval: float, now: str | None, **options: Any
    ) -> None:
        fixed_now = self._parse_now(now)
        self.stopping = threading.Event()
        if once:
            self.tick(fixed_now or clock.now())
            return
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        self.stdout.write(f"scheduler started (every {interval:g} s)")
        try:
            while not self.stopping.is_set():
                try:
                    self.tick(fixed_now or clock.now())
                except Exception as e:  # keep running through a database hiccup
                    self.stderr.write(f"pass failed: {type(e).__name__}: {e}")
                finally:
                    close_old_connections()
                self.stopping.wait(interval)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("scheduler stopped")

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.stdout.write(f"{signal.Signals(signum).name} received, stopping after this pass")
        self.stopping.set()

    def _parse_now(self, value: str | None) -> datetime | None:
        if value is None:
            return None
        parsed = parse_datetime(value)
        if parsed is None or parsed.tzinfo is None:
            raise CommandError(
                "--now needs an ISO 8601 moment with an offset, e.g. 2026-11-30T09:00+01:00"
            )
        return parsed

    def tick(self, now: datetime) -> None:
        """One pass: every registered step in its order (crosspaths/housekeeping/registry.py:
        rounds due, nudges, messages, webhook deliveries, outside-perspective asks, rounds
        to close, the nightly insights, the daily jobs), then the heartbeat."""
        for name, step in pass_steps().items():
            done = step(now=now)
            if isinstance(done, int):
                if done:
                    self.stdout.write(f"{name}: {done}")
                continue
            for said in done:
                (self.stderr if said.problem else self.stdout).write(said.text)
        # A finished pass: /api/ready reports how long ago the last one was.
        heartbeat_beat(name=SCHEDULER, now=clock.now())
