"""The REST API (django-ninja): OpenAPI at /api/docs, generated from type hints."""

from __future__ import annotations

from django.db import connection
from ninja import NinjaAPI, Schema

from crosspaths import clock
from crosspaths.api.readiness import readiness

api = NinjaAPI(title="Crosspaths API", version="1", urls_namespace="api")


class Health(Schema):
    status: str
    database: str  # "ok" when a query answered; which database it is stays private


@api.get("/health", response=Health, auth=None, tags=["operations"])
def health(request):  # type: ignore[no-untyped-def]
    """Liveness and database reachability, for load balancers and monitoring. Anyone
    may call it, so it says nothing about the software behind it (no vendor, no
    version): that would only help someone looking for a known weakness."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok", "database": "ok"}


class Ready(Schema):
    status: str  # "ready" or "not ready"
    database: str  # "ok" or "unreachable"
    queue: str  # "ok" or "unreachable" (Redis with TASKS_BACKEND=rq; else the database)
    scheduler: str  # "ok", "late" or "never seen"
    scheduler_heartbeat_age_seconds: float | None


@api.get("/ready", response={200: Ready, 503: Ready}, auth=None, tags=["operations"])
def ready(request):  # type: ignore[no-untyped-def]
    """Readiness: the database answers, the task queue answers and a scheduler finished
    a pass within ``READY_SCHEDULER_MAX_AGE_SECONDS``. 503 with the same fields when
    anything is off, so a monitor can say which."""
    report = readiness(now=clock.now())
    if report["status"] == "ready":
        return report
    return api.create_response(request, report, status=503)
