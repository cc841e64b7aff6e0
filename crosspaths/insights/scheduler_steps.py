"""Insights' step of the scheduler's pass (registered in ``apps.py``): once a day, the
nightly refresh (late check-ins change a closed round's figures)."""

from __future__ import annotations

from datetime import datetime

from crosspaths.housekeeping.registry import Said

from .services import insights_nightly_due


def nightly_step(*, now: datetime) -> list[Said]:
    if insights_nightly_due(now=now):
        return [Said("nightly insights refresh handed to workers")]
    return []
