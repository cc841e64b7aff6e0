"""Notify's steps of the scheduler's pass (registered in ``apps.py``): nudge organizers
who have not confirmed their group's time, and hand due messages to the workers."""

from __future__ import annotations

from datetime import datetime

from crosspaths.housekeeping.registry import Said

from .services import outbox_sweep, outbox_write_nudges


def nudges_step(*, now: datetime) -> list[Said]:
    nudged = outbox_write_nudges(now=now)
    return [Said(f"{nudged} organizers nudged to confirm their group's time")] if nudged else []


def messages_step(*, now: datetime) -> list[Said]:
    """Mark messages of dead workers failed, then dispatch the due ones."""
    recovered, dispatched = outbox_sweep(now=now)
    said = []
    if recovered:
        text = f"{recovered} messages were interrupted mid-delivery (marked failed)"
        said.append(Said(text, problem=True))
    if dispatched:
        said.append(Said(f"{dispatched} messages handed to workers"))
    return said
