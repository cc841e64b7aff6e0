"""/api/v1/webhooks: an organization's webhook endpoints through the API (resource
``webhooks``; reads with any key that has it, changes with a write key). The same
services as the console (validation, audit log, transaction); mounted on the v1 router
in ``crosspaths/api/v1.py``."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from crosspaths.api.conventions import (
    READ_ERRORS,
    WRITE_ERRORS,
    Cursor,
    IdempotencyKey,
    Limit,
    idempotent,
    key_of,
    page,
    read,
    write,
)
from crosspaths.api.keys import key_label
from crosspaths.api.schemas import In
from crosspaths.console.services import audit_acting_as
from crosspaths.webhooks.endpoints import (
    endpoint_create,
    endpoint_delete,
    endpoint_send_test,
    endpoint_set_enabled,
    endpoint_update,
)
from crosspaths.webhooks.models import EVENT_TYPES, Delivery, Endpoint

router = Router(tags=["webhooks"])
# Literals built from the models' choices at run time (django-ninja validates and
# documents them); the type checker sees plain strings.
if TYPE_CHECKING:
    EventType = str
else:
    EventType = Literal[tuple(EVENT_TYPES)]
EventTypes = list[EventType]


class EndpointIn(In):
    url: str = Field(
        min_length=1,
        max_length=2000,
        pattern=r"^https?://",
        description="http:// or https:// address",
    )
    event_types: EventTypes = Field(min_length=1, description="events to send (docs/webhooks.md)")
    description: str = Field("", max_length=200)


class EndpointChange(In):
    url: str | None = Field(None, min_length=1, max_length=2000, pattern=r"^https?://")
    event_types: EventTypes | None = Field(None, min_length=1)
    description: str | None = Field(None, max_length=200)
    enabled: bool | None = Field(None, description="false disables, true enables again")


class EndpointOut(Schema):
    id: int
    url: str
    description: str
    event_types: list[str]
    enabled: bool
    disabled_reason: str
    disabled_at: datetime | None
    consecutive_failures: int
    secret_prefix: str
    created_at: datetime


class EndpointCreated(EndpointOut):
    secret: str | None = Field(
        description="the signing secret (whsec_...): in the first answer only; a replay of "
        "the same Idempotency-Key answers null"
    )


class EndpointPage(Schema):
    items: list[EndpointOut]
    next_cursor: str | None


class DeliveryOut(Schema):
    id: int
    endpoint_id: int
    event_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime
    response_status: int | None
    response_snippet: str
    last_error: str
    duration_ms: int | None
    created_at: datetime
    sent_at: datetime | None
    payload: dict[str, Any]


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    next_cursor: str | None


class TestQueued(Schema):
    delivery_id: int


def _endpoint(request: HttpRequest, endpoint_id: int) -> Endpoint:
    return get_object_or_404(Endpoint, pk=endpoint_id, organization=key_of(request).organization)


def _out(endpoint: Endpoint) -> dict[str, Any]:
    return EndpointOut.from_orm(endpoint).model_dump(mode="json")


@router.get("/webhooks", response={200: EndpointPage, **READ_ERRORS}, auth=read("webhooks"))
def webhooks_list(
    request: HttpRequest, cursor: str | None = Cursor, limit: int | None = Limit
) -> Any:
    endpoints = Endpoint.objects.filter(organization=key_of(request).organization)
    items, next_cursor = page(endpoints, cursor=cursor, limit=limit)
    return {"items": items, "next_cursor": next_cursor}


@router.post("/webhooks", response={201: EndpointCreated, **WRITE_ERRORS}, auth=write("webhooks"))
def webhook_create(
    request: HttpRequest, payload: EndpointIn, idempotency_key: str | None = IdempotencyKey
) -> Any:
    """Add an endpoint; the answer carries its signing secret, once. The stored answer
    of an Idempotency-Key leaves the secret out (it is never kept in plain text)."""
    key = key_of(request)
    secrets: list[str] = []

    def create() -> tuple[int, Any]:
        with audit_acting_as(key_label(key)):
            endpoint, secret = endpoint_create(
                organization=key.organization,
                url=payload.url,
                event_types=payload.event_types,
                description=payload.description,
                created_by=key.created_by,
            )
        secrets.append(secret)
        return 201, {**_out(endpoint), "secret": None}

    answer = idempotent(request, idempotency_key, create)
    if secrets:
        answer.value["secret"] = secrets[0]
    return answer


@router.get(
    "/webhooks/{endpoint_id}", response={200: EndpointOut, **READ_ERRORS}, auth=read("webhooks")
)
def webhook_read(request: HttpRequest, endpoint_id: int) -> Any:
    return _endpoint(request, endpoint_id)


@router.patch(
    "/webhooks/{endpoint_id}", response={200: EndpointOut, **WRITE_ERRORS}, auth=write("webhooks")
)
def webhook_update(request: HttpRequest, endpoint_id: int, payload: EndpointChange) -> Any:
    """Change what is given; ``enabled`` disables or enables it again."""
    key = key_of(request)
    endpoint = _endpoint(request, endpoint_id)
    with audit_acting_as(key_label(key)):
        endpoint = endpoint_update(
            endpoint=endpoint,
            actor=key.created_by,
            url=payload.url,
            event_types=payload.event_types,
            description=payload.description,
        )
        if payload.enabled is not None:
            endpoint_set_enabled(endpoint=endpoint, enabled=payload.enabled, actor=key.created_by)
    endpoint.refresh_from_db()
    return endpoint


@router.delete(
    "/webhooks/{endpoint_id}", response={204: None, **WRITE_ERRORS}, auth=write("webhooks")
)
def webhook_delete(request: HttpRequest, endpoint_id: int) -> Any:
    key = key_of(request)
    endpoint = _endpoint(request, endpoint_id)
    with audit_acting_as(key_label(key)):
        endpoint_delete(endpoint=endpoint, actor=key.created_by)
    return Status(204, None)


@router.post(
    "/webhooks/{endpoint_id}/test",
    response={202: TestQueued, **WRITE_ERRORS},
    auth=write("webhooks"),
)
def webhook_test(request: HttpRequest, endpoint_id: int) -> Any:
    """Queue a ``webhook.test`` event to this endpoint; its delivery shows in the log."""
    endpoint = _endpoint(request, endpoint_id)
    return Status(202, {"delivery_id": endpoint_send_test(endpoint=endpoint)})


@router.get(
    "/webhooks/{endpoint_id}/deliveries",
    response={200: DeliveryPage, **READ_ERRORS},
    auth=read("webhooks"),
)
def webhook_deliveries(
    request: HttpRequest, endpoint_id: int, cursor: str | None = Cursor, limit: int | None = Limit
) -> Any:
    """The endpoint's delivery log in id order (oldest first; follow ``next_cursor``)."""
    endpoint = _endpoint(request, endpoint_id)
    items, next_cursor = page(
        Delivery.objects.filter(endpoint=endpoint), cursor=cursor, limit=limit
    )
    return {"items": items, "next_cursor": next_cursor}
