"""Running the daily jobs: each claimed once per UTC day, after ``HOUSEKEEPING_HOUR_UTC``."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, transaction

from crosspaths import clock

from .models import DailyJobRun
from .registry import DailyJob, daily_jobs

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobOutcome:
    """What one job did: how many rows it removed, or why it failed."""

    job: str
    removed: int | None
    error: str = ""


def housekeeping_run_due(*, now: datetime) -> list[JobOutcome]:
    """Run every registered job not yet claimed today. The scheduler calls this every
    pass; the unique (job, day) row is the claim, so two schedulers run each job once.
    A failing job is recorded with its error and tried again the next day; the others
    still run."""
    now_utc = now.astimezone(UTC)
    if now_utc.hour < settings.HOUSEKEEPING_HOUR_UTC:
        return []
    day = now_utc.date()
    done = set(DailyJobRun.objects.filter(date=day).values_list("job", flat=True))
    outcomes = []
    for name, job in daily_jobs().items():
        if name in done:
            continue
        try:
            with transaction.atomic():
                run = DailyJobRun.objects.create(job=name, date=day, started_at=clock.now())
        except IntegrityError:  # another scheduler claimed it a moment ago
            continue
        outcomes.append(_run(run, job, now))
    return outcomes


def _run(run: DailyJobRun, job: DailyJob, now: datetime) -> JobOutcome:
    try:
        removed = int(job(now=now))
    except Exception as e:
        logger.exception("daily job %s failed", run.job)
        error = f"{type(e).__name__}: {e}"[:500]
        DailyJobRun.objects.filter(pk=run.pk).update(error=error, finished_at=clock.now())
        return JobOutcome(run.job, None, error)
    DailyJobRun.objects.filter(pk=run.pk).update(removed=removed, finished_at=clock.now())
    return JobOutcome(run.job, removed)
