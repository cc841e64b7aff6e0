"""``manage.py crosspaths_scheduler``: the loop that makes rounds run themselves.

Every few seconds it drafts (and publishes) rounds that are due, hands due messages
(introductions, reminders, check-ins) and webhook deliveries to the task workers, marks messages of dead
workers, closes rounds whose time is over, once a day queues the insights refresh
(late check-ins) and runs the housekeeping jobs (crosspaths/housekeeping: expired
sessions, spent sign-in links, old task results, unapplied roster uploads), saying
what each removed; after each pass it writes its heartbeat (``/api/ready``).
``--once`` does one pass, for cron.
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
from crosspaths.housekeeping.services import housekeeping_run_due
from crosspaths.insights.services import insights_nightly_due
from crosspaths.notify.services import outbox_sweep, outbox_write_nudges
from crosspaths.programs.services import rounds_close_due, rounds_run_due
from crosspaths.webhooks.outbox import webhooks_sweep


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
        due = rounds_run_due(now=now)
        for rnd in due.drafted:
            state = "published" if rnd in due.published else "draft, waiting for review"
            self.stdout.write(f"round {rnd.pk} {rnd}: {state}")
        for rnd in due.resumed:
            self.stdout.write(f"round {rnd.pk} {rnd}: published (a draft left by an earlier pass)")
        for problem in due.skipped:
            self.stderr.write(f"skipped program {problem}")
        nudged = outbox_write_nudges(now=now)
        if nudged:
            self.stdout.write(f"{nudged} organizers nudged to confirm their group's time")
        recovered, dispatched = outbox_sweep(now=now)
        if recovered:
            self.stderr.write(f"{recovered} messages were interrupted mid-delivery (marked failed)")
        if dispatched:
            self.stdout.write(f"{dispatched} messages handed to workers")
        recovered, dispatched = webhooks_sweep(now=now)
        if recovered:
            self.stderr.write(
                f"{recovered} webhook deliveries were interrupted mid-send (queued again)"
            )
        if dispatched:
            self.stdout.write(f"{dispatched} webhook deliveries handed to workers")
        for name, step in pass_steps().items():  # e.g. expired outside-perspective asks
            done = step(now=now)
            if done:
                self.stdout.write(f"{name}: {done}")
        for rnd in rounds_close_due(now=now):
            self.stdout.write(f"round {rnd.pk} {rnd}: closed")
        if insights_nightly_due(now=now):
            self.stdout.write("nightly insights refresh handed to workers")
        for outcome in housekeeping_run_due(now=now):
            if outcome.error:
                self.stderr.write(f"housekeeping {outcome.job} failed: {outcome.error}")
            else:
                self.stdout.write(f"housekeeping {outcome.job}: removed {outcome.removed}")
        # A finished pass: /api/ready reports how long ago the last one was.
        heartbeat_beat(name=SCHEDULER, now=clock.now())
