"""What every route of the API shares: key authentication with scopes and the rate
limit, cursor pagination, and idempotency keys on POSTs that create."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Header, Query, Status
from ninja.security import HttpBearer

from crosspaths import clock
from crosspaths.request_numbers import whole_number

from .keys import api_key_authenticate_and_count
from .models import ApiKey, IdempotentRequest
from .problems import ApiProblem, Problem

# Answers and parameters every /api/v1 router declares alike.
READ_ERRORS: dict[int, Any] = {401: Problem, 403: Problem, 404: Problem, 422: Problem, 429: Problem}
WRITE_ERRORS: dict[int, Any] = {400: Problem, **READ_ERRORS, 409: Problem}
IdempotencyKey = Header(
    None,
    alias="Idempotency-Key",
    max_length=200,
    description="any unique string; a retry with the same key returns the first answer",
)
Cursor = Query(
    None, pattern=r"^[0-9]{1,18}$", description="next_cursor of the previous page (opaque)"
)
Limit = Query(
    None,
    ge=1,
    le=settings.API_MAX_PAGE_SIZE,
    description=f"items a page (default {settings.API_PAGE_SIZE})",
)


IDEMPOTENCY_KEEP = timedelta(hours=24)


class KeyAuth(HttpBearer):
    """``Authorization: Bearer KEY``: the key decides the organization; a key without
    the resource or (for writes) the write scope gets 403. Every authenticated request
    counts against the key's budget per minute."""

    def __init__(self, resource: str, *, write: bool = False):
        super().__init__()
        self.resource, self.write = resource, write

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        found = api_key_authenticate_and_count(raw=token.strip())
        if found is None:
            return None
        key, request.rate_limit = found  # type: ignore[attr-defined]  # set here for the rate-limit headers
        if not key.allows(self.resource, write=self.write):
            refusal = (
                _("This key may not change %(resource)s.")
                if self.write
                else _("This key may not read %(resource)s.")
            )
            raise ApiProblem(403, refusal % {"resource": self.resource})
        return key


def read(resource: str) -> KeyAuth:
    return KeyAuth(resource)


def write(resource: str) -> KeyAuth:
    return KeyAuth(resource, write=True)


def key_of(request: HttpRequest) -> ApiKey:
    return request.auth  # type: ignore[attr-defined]  # django-ninja sets request.auth to what the authenticator returned


# --- Cursor pagination --------------------------------------------------------------------


def _encode(pk: int) -> str:
    """A cursor is the last id of a page. Clients treat it as opaque; it stays valid
    however many rows are added or changed meanwhile."""
    return str(pk)


def _decode(cursor: str) -> int:
    number = whole_number(cursor, digits=18)
    if number is None:
        raise ApiProblem(422, _("This cursor is not one the API gave out."), field="cursor")
    return number


def page(
    queryset: QuerySet[Any], *, cursor: str | None, limit: int | None
) -> tuple[list[Any], str | None]:
    """One page in id order after ``cursor``, and the cursor of the next page (None on
    the last). Stable under inserts and changes: an id never moves. ``queryset`` may be
    of objects or of ``values()`` dicts holding ``id``."""
    size = settings.API_PAGE_SIZE if limit is None else limit
    if not 1 <= size <= settings.API_MAX_PAGE_SIZE:
        raise ApiProblem(
            422,
            _("Ask for 1 to %(most)d items a page.") % {"most": settings.API_MAX_PAGE_SIZE},
            field="limit",
        )
    if cursor:
        queryset = queryset.filter(pk__gt=_decode(cursor))
    rows = list(queryset.order_by("pk")[: size + 1])
    if len(rows) > size:
        last = rows[size - 1]
        return rows[:size], _encode(last["id"] if isinstance(last, dict) else last.pk)
    return rows, None


# --- Idempotency keys -----------------------------------------------------------------------


def idempotent(
    request: HttpRequest, idempotency_key: str | None, make: Callable[[], tuple[int, Any]]
) -> Status[Any]:
    """Run ``make`` (a write returning status and JSON-ready data) once per key and
    Idempotency-Key: a retry with the same key and the same request gets the stored
    answer; the same key with another request is refused (422, naming the header).
    The stored answer is written in the write's own transaction."""
    if not idempotency_key:
        return Status(*make())
    key = key_of(request)
    fingerprint = hashlib.sha256(
        b"\n".join([(request.method or "").encode(), request.path.encode(), request.body])
    ).hexdigest()

    def replay() -> tuple[int, Any] | None:
        stored = IdempotentRequest.objects.filter(api_key=key, key=idempotency_key).first()
        if stored is None:
            return None
        if stored.fingerprint != fingerprint:
            raise ApiProblem(
                422,
                _("This Idempotency-Key was used for another request; use a new key."),
                field="Idempotency-Key",
            )
        return stored.status, json.loads(stored.body)

    answer = replay()
    if answer is not None:
        return Status(*answer)
    try:
        with transaction.atomic():
            status, data = make()
            IdempotentRequest.objects.create(
                organization=key.organization,
                api_key=key,
                key=idempotency_key,
                fingerprint=fingerprint,
                status=status,
                body=json.dumps(data),
            )
    except IntegrityError:
        answer = replay()  # a concurrent retry committed first: its answer is ours
        if answer is None:
            raise
        return Status(*answer)
    IdempotentRequest.objects.filter(
        api_key=key, created_at__lt=clock.now() - IDEMPOTENCY_KEEP
    ).delete()
    return Status(status, data)
