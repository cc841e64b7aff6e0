"""Webhooks' step of the scheduler's pass (registered in ``apps.py``): queue again the
deliveries of dead workers and hand the due ones to the workers."""

from __future__ import annotations

from datetime import datetime

from crosspaths.housekeeping.registry import Said

from .outbox import webhooks_sweep


def deliveries_step(*, now: datetime) -> list[Said]:
    recovered, dispatched = webhooks_sweep(now=now)
    said = []
    if recovered:
        text = f"{recovered} webhook deliveries were interrupted mid-send (queued again)"
        said.append(Said(text, problem=True))
    if dispatched:
        said.append(Said(f"{dispatched} webhook deliveries handed to workers"))
    return said
