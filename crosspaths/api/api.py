"""The REST API (django-ninja): /api/v1/ for integrations (API keys), /api/me/ for the
site's own pages and intranet cards (the signed-in session), /api/health for load
balancers. OpenAPI 3.1 at /api/openapi.json, Swagger UI at /api/docs (served from
ninja's own static files: no CDN). docs/api.md describes the conventions."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from ninja import NinjaAPI, Schema

from crosspaths import clock
from crosspaths.api.readiness import readiness

from . import problems
from .me import router as me_router
from .problems import PROBLEM
from .v1 import router as v1_router
from .v1_activity import router as v1_activity_router
from .v1_insights import router as v1_insights_router
from .v1_people import router as _v1_people_joins_v1  # noqa: F401  (adds to v1's router)

ERROR_STATUSES = {"400", "401", "403", "404", "409", "413", "415", "422", "429"}


class CrosspathsAPI(NinjaAPI):
    """NinjaAPI with the API's conventions on every answer: an ETag on reads (and 304
    for a matching If-None-Match), the key's rate-limit headers, and error answers
    documented as problem+json."""

    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        rate = getattr(request, "rate_limit", None)
        if rate is not None:
            response["RateLimit-Limit"], response["RateLimit-Remaining"] = (
                str(rate[0]),
                str(rate[1]),
            )
            response["RateLimit-Reset"] = str(rate[2])
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response["ETag"] = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
            response["Cache-Control"] = "private, no-cache"
            response["Vary"] = "Authorization, Cookie"
            conditional = get_conditional_response(
                request, etag=response["ETag"], response=response
            )
            if conditional is not None and conditional is not response:
                return conditional
        return response

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """Errors are answered as application/problem+json; the schema says so."""
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, answer in (operation.get("responses") or {}).items():
                    content = answer.get("content") or {}
                    if str(status) in ERROR_STATUSES and "application/json" in content:
                        answer["content"] = {PROBLEM: content["application/json"]}
        return schema


api = CrosspathsAPI(title="Crosspaths API", version="1", urls_namespace="api")
problems.install(api)


class Health(Schema):
    status: str
    database: str  # "ok" when a query answered; which database it is stays private


@api.get("/health", response=Health, auth=None, tags=["operations"])
def health(request):
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
def ready(request):
    """Readiness: the database answers, the task queue answers and a scheduler finished
    a pass within ``READY_SCHEDULER_MAX_AGE_SECONDS``. 503 with the same fields when
    anything is off, so a monitor can say which."""
    report = readiness(now=clock.now())
    if report["status"] == "ready":
        return report
    return api.create_response(request, report, status=503)


api.add_router("/v1/", v1_router)
api.add_router("/v1/", v1_insights_router)
api.add_router("/v1/", v1_activity_router)
api.add_router("/me/", me_router)
