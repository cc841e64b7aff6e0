"""Endpoint signing secrets: ``whsec_`` + base64 of 32 random bytes (the Standard
Webhooks format every reference library reads), encrypted at rest with Fernet.

The key is ``WEBHOOKS_SECRET_KEY`` or, when empty, derived from ``SECRET_KEY`` with a
purpose of its own, so a database dump alone signs nothing. Changing the key makes
the stored secrets unreadable: deliveries fail with that reason until the endpoint
is created again."""

from __future__ import annotations

import base64
import hashlib
import secrets

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

PREFIX = "whsec_"


class SecretUnreadable(Exception):
    """The stored secret was encrypted with another key."""


def _fernet() -> Fernet:
    key = settings.WEBHOOKS_SECRET_KEY or settings.SECRET_KEY
    digest = hashlib.sha256(b"crosspaths.webhooks.secret\0" + key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def secret_new() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def secret_decrypt(encrypted: str) -> str:
    try:
        return _fernet().decrypt(encrypted.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(
            "the endpoint's signing secret cannot be decrypted (WEBHOOKS_SECRET_KEY or "
            "SECRET_KEY changed); create the endpoint again"
        ) from None
