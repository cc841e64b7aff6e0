"""What ``/api/ready`` checks: the database, the task queue and the scheduler's heartbeat."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import redis
from django.conf import settings
from django.db import DatabaseError, connection

from crosspaths.housekeeping.heartbeats import SCHEDULER, heartbeat_age

logger = logging.getLogger(__name__)


def readiness(*, now: datetime) -> dict[str, Any]:
    """Each check's outcome and the overall status; never raises for a check that fails."""
    database = _database_ok()
    queue = _queue_ok() if settings.TASKS_BACKEND == "rq" else database
    age = _scheduler_age(now) if database else None
    if age is None:
        scheduler = "never seen"
    elif age > settings.READY_SCHEDULER_MAX_AGE_SECONDS:
        scheduler = "late"
    else:
        scheduler = "ok"
    ok = database and queue and scheduler == "ok"
    return {
        "status": "ready" if ok else "not ready",
        "database": "ok" if database else "unreachable",
        "queue": "ok" if queue else "unreachable",
        "scheduler": scheduler,
        "scheduler_heartbeat_age_seconds": None if age is None else round(age, 1),
    }


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.warning("readiness: the database did not answer", exc_info=True)
        return False
    return True


def _queue_ok() -> bool:
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
        )
        return bool(client.ping())
    except redis.RedisError:
        logger.warning("readiness: Redis did not answer", exc_info=True)
        return False


def _scheduler_age(now: datetime) -> float | None:
    try:
        return heartbeat_age(name=SCHEDULER, now=now)
    except DatabaseError:  # e.g. not migrated yet
        logger.warning("readiness: no heartbeat table", exc_info=True)
        return None
