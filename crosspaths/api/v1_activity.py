"""/api/v1/ audit log (read, filtered as in the console) and message delivery status:
per round, counts by status, channel and kind; per message, its status without its
content (what a message says is rendered when it is sent and never stored)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from django.db.models import Count, Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from crosspaths.console.models import AuditLog
from crosspaths.console.selectors import audit_entries
from crosspaths.notify.content import left_out_key
from crosspaths.notify.models import Message
from crosspaths.programs.models import Round

from .conventions import READ_ERRORS, Cursor, Limit, key_of, page, read
from .problems import ApiProblem
from .v1 import ISO_MOMENT, _listing

router = Router(tags=["v1"])
# Literals, not the TextChoices: OpenAPI names an enum by its class, and Message.Status
# would take the name "Status" from Round.Status (GET /rounds' filter). The type checker
# sees plain strings.
if TYPE_CHECKING:
    Action = str
    MessageStatus = str
    MessageChannel = str
    MessageKind = str
else:
    Action = Literal[tuple(AuditLog.Action.values)]
    MessageStatus = Literal[tuple(Message.Status.values)]
    MessageChannel = Literal[tuple(Message.Channel.values)]
    MessageKind = Literal[tuple(Message.Kind.values)]


# --- Audit log -------------------------------------------------------------------------------


class AuditOut(Schema):
    id: int
    created_at: datetime
    action: str
    actor_id: int | None = Field(description="the person who did it (null: a key or a system)")
    actor_name: str = Field(description="who, in words (an API key or SCIM token by name)")
    target_type: str
    target_id: str
    summary: str
    details: dict[str, Any]


class AuditPage(Schema):
    items: list[AuditOut]
    next_cursor: str | None


def _moment(request: HttpRequest, name: str, value: datetime | None) -> datetime | None:
    if value is not None and (value.tzinfo is None or not ISO_MOMENT.match(request.GET[name])):
        raise ApiProblem(
            422, _("Give an ISO 8601 time with an offset, e.g. 2026-11-30T08:00:00Z."), field=name
        )
    return value


@router.get("/audit", response={200: AuditPage, **READ_ERRORS}, auth=read("audit"))
def audit_list(
    request: HttpRequest,
    action: Action | None = None,
    actor_id: int | None = None,
    since: datetime | None = None,
    cursor: str | None = Cursor,
    limit: int | None = Limit,
) -> Any:
    """The organization's audit log, oldest first, filtered by action, by who did it and
    from a moment on (ISO 8601 with offset). For a sync, pass the last id you saw as
    ``cursor``."""
    entries = audit_entries(organization=key_of(request).organization, action=action or "")
    if actor_id is not None:
        entries = entries.filter(actor_id=actor_id)
    since = _moment(request, "since", since)
    if since is not None:
        entries = entries.filter(created_at__gte=since)
    return _listing(*page(entries, cursor=cursor, limit=limit))


# --- Messages ---------------------------------------------------------------------------------


class MessageOut(Schema):
    """A message's delivery, never its content."""

    id: int
    round_id: int | None
    kind: str
    channel: str
    status: str = Field(description="queued, sending, sent, failed or skipped")
    person_id: int | None = Field(description="the recipient (null: a chat group)")
    match_id: int | None
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    sent_at: datetime | None
    error: str = Field(description="why the last attempt failed or was skipped")


class MessagePage(Schema):
    items: list[MessageOut]
    next_cursor: str | None


class DeliveryCount(Schema):
    kind: str
    channel: str
    status: str
    count: int


class RoundDelivery(Schema):
    round_id: int
    total: int
    by_status: dict[str, int]
    by_channel: dict[str, int]
    counts: list[DeliveryCount] = Field(description="by kind, channel and status")


def _round_messages(rnd: Round) -> Any:
    """A round's messages: those about its groups, and its left-out notices (which have
    no group; their outbox key names the round)."""
    left_out = left_out_key(rnd.pk, 0).rsplit(":", 1)[0] + ":"
    return Message.objects.filter(organization_id=rnd.organization_id).filter(
        Q(match__round=rnd) | Q(kind=Message.Kind.LEFT_OUT, dedupe_key__startswith=left_out)
    )


def _message(message: Message, round_id: int | None) -> dict[str, Any]:
    return {
        "id": message.pk,
        "round_id": round_id,
        "kind": message.kind,
        "channel": message.channel,
        "status": message.status,
        "person_id": message.person_id,
        "match_id": message.match_id,
        "attempts": message.attempts,
        "created_at": message.created_at,
        "next_attempt_at": message.next_attempt_at if message.status == "queued" else None,
        "sent_at": message.sent_at,
        "error": message.last_error,
    }


def _round(request: HttpRequest, round_id: int) -> Round:
    return get_object_or_404(Round, pk=round_id, organization=key_of(request).organization)


@router.get(
    "/rounds/{round_id}/delivery",
    response={200: RoundDelivery, **READ_ERRORS},
    auth=read("messages"),
)
def round_delivery(request: HttpRequest, round_id: int) -> Any:
    """How the round's messages are doing: counts by status and channel, and by kind,
    channel and status together."""
    rnd = _round(request, round_id)
    rows = list(
        _round_messages(rnd)
        .values("kind", "channel", "status")
        .annotate(count=Count("pk"))
        .order_by("kind", "channel", "status")
    )
    by_status: dict[str, int] = {}
    by_channel: dict[str, int] = {}
    for row in rows:
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["count"]
        by_channel[row["channel"]] = by_channel.get(row["channel"], 0) + row["count"]
    return {
        "round_id": rnd.pk,
        "total": sum(r["count"] for r in rows),
        "by_status": by_status,
        "by_channel": by_channel,
        "counts": rows,
    }


@router.get(
    "/rounds/{round_id}/messages", response={200: MessagePage, **READ_ERRORS}, auth=read("messages")
)
def round_messages(
    request: HttpRequest,
    round_id: int,
    status: MessageStatus | None = None,
    channel: MessageChannel | None = None,
    kind: MessageKind | None = None,
    cursor: str | None = Cursor,
    limit: int | None = Limit,
) -> Any:
    """The round's messages one by one (status, channel, recipient; never content)."""
    rnd = _round(request, round_id)
    messages = _round_messages(rnd)
    if status is not None:
        messages = messages.filter(status=status)
    if channel is not None:
        messages = messages.filter(channel=channel)
    if kind is not None:
        messages = messages.filter(kind=kind)
    items, next_cursor = page(messages, cursor=cursor, limit=limit)
    return _listing([_message(m, rnd.pk) for m in items], next_cursor)


@router.get(
    "/messages/{message_id}", response={200: MessageOut, **READ_ERRORS}, auth=read("messages")
)
def message_read(request: HttpRequest, message_id: int) -> Any:
    """One message's delivery status, without its content."""
    message = get_object_or_404(
        Message.objects.select_related("match"),
        pk=message_id,
        organization=key_of(request).organization,
    )
    round_id = message.match.round_id if message.match is not None else None
    if round_id is None and message.kind == Message.Kind.LEFT_OUT:
        # left_out:round<id>:<person>[@channel]
        number = message.dedupe_key.split(":")[1].removeprefix("round")
        round_id = int(number) if number.isascii() and number.isdigit() else None
    return _message(message, round_id)
