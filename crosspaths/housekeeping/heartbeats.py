"""Heartbeats of long-running processes and tallies of pruned rows (see models.py)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import F

from .models import Heartbeat, Tally

SCHEDULER = "scheduler"


def heartbeat_beat(*, name: str, now: datetime) -> None:
    """Record that ``name`` is alive at ``now`` (one row per name, overwritten)."""
    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": now})


def heartbeat_age(*, name: str, now: datetime) -> float | None:
    """Seconds since ``name`` last beat, or None when it never did."""
    beat_at = Heartbeat.objects.filter(name=name).values_list("beat_at", flat=True).first()
    return None if beat_at is None else max(0.0, (now - beat_at).total_seconds())


def tally_add(*, name: str, count: int) -> None:
    """Add ``count`` to the tally ``name``; call it in the transaction that removes the
    rows, so the rows and the tally never disagree."""
    if count <= 0:
        return
    updated = Tally.objects.filter(name=name).update(count=F("count") + count)
    if not updated:
        _tally, created = Tally.objects.get_or_create(name=name, defaults={"count": count})
        if not created:  # another process created it in between
            Tally.objects.filter(name=name).update(count=F("count") + count)


def tallies(*, prefix: str) -> dict[str, int]:
    """Every tally whose name starts with ``prefix``, by name."""
    return dict(Tally.objects.filter(name__startswith=prefix).values_list("name", "count"))
