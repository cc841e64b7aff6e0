"""The REST API (django-ninja): OpenAPI at /api/docs, generated from type hints."""

from __future__ import annotations

from django.db import connection
from ninja import NinjaAPI, Schema

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
