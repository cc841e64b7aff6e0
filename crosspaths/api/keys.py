"""API keys: created (and shown once) by an organization admin in the console or by an
operator's ``manage.py api_key``, revoked in the console; the per-key rate limit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils.translation import gettext as _

from crosspaths import clock
from crosspaths.bearer import LAST_USED_GRANULARITY, secret_hash, secret_live, secret_new
from crosspaths.console.models import AuditLog
from crosspaths.console.services import audit_record
from crosspaths.people.models import Organization, Person

from .models import RESOURCES, ApiKey, RateWindow

KEY_PREFIX = "cpk_"
# The audit log's actions for keys.
ACTION_CREATE = AuditLog.Action.API_KEY_CREATE
ACTION_REVOKE = AuditLog.Action.API_KEY_REVOKE
M = TypeVar("M", bound=models.Model)


def key_label(key: ApiKey) -> str:
    """How the audit log names what a key did."""
    return _("API key “%(name)s” (%(prefix)s…)") % {"name": key.name, "prefix": key.prefix}


@transaction.atomic
def api_key_create(
    *,
    organization: Organization,
    name: str,
    scope: str = ApiKey.Scope.READ,
    resources: Iterable[str] = (),
    created_by: Person | None = None,
) -> tuple[ApiKey, str]:
    """A new key for ``organization``; returns it and the raw key (256 random bits),
    which exists nowhere else afterwards: only its SHA-256 is stored."""
    if scope not in ApiKey.Scope.values:
        raise ValidationError({"scope": _("Choose read or write.")})
    resources = sorted(set(resources))
    unknown = [r for r in resources if r not in RESOURCES]
    if unknown:
        raise ValidationError(
            {
                "resources": _("Unknown resource '%(name)s'; known: %(known)s.")
                % {"name": unknown[0], "known": ", ".join(RESOURCES)}
            }
        )
    raw, key_hash, shown = secret_new(KEY_PREFIX, shown=6)
    key = ApiKey.objects.create(
        organization=organization,
        name=name.strip()[:100] or _("API key"),
        key_hash=key_hash,
        prefix=shown,
        scope=scope,
        resources=resources,
        created_by=created_by,
    )
    audit_record(
        organization=organization,
        actor=created_by,
        action=ACTION_CREATE,
        target=key,
        summary=_("API key “%(name)s” created (%(scope)s)")
        % {"name": key.name, "scope": key.get_scope_display()},
        details={"scope": key.scope, "resources": resources, "prefix": key.prefix},
    )
    return key, raw


@transaction.atomic
def api_key_revoke(*, key: ApiKey, actor: Person | None) -> bool:
    """Revoke a key at once (its next request is refused). False when it already was."""
    revoked = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
        revoked_at=clock.now()
    )
    if revoked:
        audit_record(
            organization=key.organization,
            actor=actor,
            action=ACTION_REVOKE,
            target=key,
            summary=_("API key “%(name)s” revoked") % {"name": key.name},
        )
    return bool(revoked)


def api_key_authenticate(*, raw: str) -> ApiKey | None:
    """The live key a request presents, with its organization; None when unknown or
    revoked. The key alone decides the organization a request acts in. Its creator
    (the actor of a write) is loaded when a write asks for it, not on every read."""
    return secret_live(
        ApiKey.objects.select_related("organization"),
        raw=raw,
        prefix=KEY_PREFIX,
        hash_field="key_hash",
    )


def api_key_authenticate_and_count(
    *, raw: str, now: datetime | None = None
) -> tuple[ApiKey, tuple[int, int, int]] | None:
    """``api_key_authenticate`` and ``rate_limit_take`` for one request: the live key
    with its organization and (limit, remaining, reset), or None for an unknown or
    revoked key; RateLimited when the minute's budget is spent.

    On PostgreSQL the usual case is one statement: the key's window of this minute is
    counted only when the hash names an unrevoked key (``UPDATE … FROM`` the key and
    its organization, ``RETURNING`` all three), so revocation still takes effect on the
    very next request and the count is still shared by every process. The first
    request of a key's minute, a full window and an unknown key find no row and take
    the two-step way."""
    now = now or clock.now()
    if raw.startswith(KEY_PREFIX) and connection.vendor == "postgresql":
        found = _authenticate_and_count(raw, now)
        if found is not None:
            return found
    key = api_key_authenticate(raw=raw)
    if key is None:
        return None
    return key, rate_limit_take(key=key, now=now)


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return list(model._meta.concrete_fields)


def _authenticate_and_count(raw: str, now: datetime) -> tuple[ApiKey, tuple[int, int, int]] | None:
    limit = settings.API_RATE_LIMIT_PER_MINUTE
    start = now.replace(second=0, microsecond=0)
    q = connection.ops.quote_name
    key_fields, org_fields = _columns(ApiKey), _columns(Organization)
    returning = ", ".join(
        [f"k.{q(f.column)}" for f in key_fields] + [f"o.{q(f.column)}" for f in org_fields]  # type: ignore[arg-type]  # concrete fields have a column
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {q(RateWindow._meta.db_table)} AS w SET {q('count')} = w.{q('count')} + 1 "
            f"FROM {q(ApiKey._meta.db_table)} AS k "
            f"JOIN {q(Organization._meta.db_table)} AS o ON o.id = k.organization_id "
            "WHERE k.key_hash = %s AND k.revoked_at IS NULL AND w.api_key_id = k.id "
            f"AND w.starts_at = %s AND w.{q('count')} < %s "
            f"RETURNING w.{q('count')}, {returning}",
            [secret_hash(raw), start, limit],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    used, values = row[0], row[1:]
    key = _from_row(ApiKey, key_fields, values[: len(key_fields)])
    organization = _from_row(Organization, org_fields, values[len(key_fields) :])
    ApiKey.organization.field.set_cached_value(key, organization)  # as select_related
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_GRANULARITY:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key, (limit, max(limit - used, 0), 60 - now.second)


def _from_row(model: type[M], fields: list[models.Field[Any, Any]], values: Any) -> M:
    """A model instance from a raw row of its concrete columns, converted as a queryset
    converts them (JSON text to data)."""
    converted = [
        f.from_db_value(v, None, connection) if hasattr(f, "from_db_value") else v
        for f, v in zip(fields, values, strict=True)
    ]
    return model.from_db(connection.alias, [f.attname for f in fields], converted)


class RateLimited(Exception):
    def __init__(self, limit: int, reset: int):
        super().__init__(f"more than {limit} requests a minute")
        self.limit, self.reset = limit, reset


def _rate_count(key: ApiKey, start: datetime, limit: int) -> int | None:
    """Count one request in the key's window starting at ``start`` unless it is full:
    the window's new count, or None when there is no such window or it is full. One
    statement (``UPDATE … RETURNING``, PostgreSQL and SQLite ≥ 3.35), so the count
    read is the one this request wrote, whatever other processes do meanwhile."""
    table = connection.ops.quote_name(RateWindow._meta.db_table)
    count = connection.ops.quote_name("count")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {count} = {count} + 1 "
            f"WHERE api_key_id = %s AND starts_at = %s AND {count} < %s RETURNING {count}",
            [key.pk, connection.ops.adapt_datetimefield_value(start), limit],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def rate_limit_take(*, key: ApiKey, now: datetime | None = None) -> tuple[int, int, int]:
    """Count one request of ``key`` in the current minute; (limit, remaining, seconds
    until the window resets). Raises RateLimited when the minute's budget is spent.
    The count is a conditional UPDATE in the database, so any number of processes and
    machines share one budget; it returns the count it wrote (one query a request)."""
    now = now or clock.now()
    limit = settings.API_RATE_LIMIT_PER_MINUTE
    start = now.replace(second=0, microsecond=0)
    reset = 60 - now.second
    used = _rate_count(key, start, limit)
    if used is None:
        try:
            with transaction.atomic():
                RateWindow.objects.create(api_key=key, starts_at=start, count=1)
            used = 1
            # A new minute: forget the key's older windows on the way.
            RateWindow.objects.filter(api_key=key, starts_at__lt=start).delete()
        except IntegrityError:  # the window exists: it is full, or another request made it
            used = _rate_count(key, start, limit)
            if used is None:
                raise RateLimited(limit, reset) from None
    return limit, max(limit - used, 0), reset
