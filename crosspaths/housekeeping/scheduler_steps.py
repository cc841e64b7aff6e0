"""Housekeeping's step of the scheduler's pass (registered in ``apps.py``): the daily
jobs not yet run today, each saying what it removed."""

from __future__ import annotations

from datetime import datetime

from .registry import Said
from .services import housekeeping_run_due


def daily_jobs_step(*, now: datetime) -> list[Said]:
    said = []
    for outcome in housekeeping_run_due(now=now):
        if outcome.error:
            said.append(Said(f"housekeeping {outcome.job} failed: {outcome.error}", problem=True))
        else:
            said.append(Said(f"housekeeping {outcome.job}: removed {outcome.removed}"))
    return said
