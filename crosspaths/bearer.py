"""Bearer secrets (SCIM tokens, API keys): made once and shown once, stored only as a
SHA-256, looked up by it. One implementation, so both kinds of secret keep the same rules."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TypeVar

from django.db import models

from crosspaths import clock

# last_used_at is refreshed at most this often, so a burst of requests writes it once.
LAST_USED_GRANULARITY = timedelta(minutes=1)

M = TypeVar("M", bound=models.Model)


def secret_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def secret_new(prefix: str, *, shown: int) -> tuple[str, str, str]:
    """A new secret ``prefix`` + 256 random bits: (raw, its hash, the part that may be
    shown again to tell secrets apart: the prefix and ``shown`` more characters)."""
    raw = prefix + secrets.token_urlsafe(32)
    return raw, secret_hash(raw), raw[: len(prefix) + shown]


def secret_live(
    queryset: models.QuerySet[M], *, raw: str, prefix: str, hash_field: str
) -> M | None:
    """The unrevoked row of ``queryset`` whose ``hash_field`` is the hash of ``raw``, or
    None; its ``last_used_at`` refreshed at most once a minute."""
    if not raw.startswith(prefix):
        return None
    row = queryset.filter(**{hash_field: secret_hash(raw), "revoked_at__isnull": True}).first()
    if row is None:
        return None
    now = clock.now()
    last = row.last_used_at  # type: ignore[attr-defined]  # every model with secrets has it
    if last is None or now - last > LAST_USED_GRANULARITY:
        type(row)._default_manager.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now  # type: ignore[attr-defined]  # every model with secrets has it
    return row
