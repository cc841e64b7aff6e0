"""Bot tokens at rest: encrypted with Fernet (AES-128-CBC + HMAC-SHA256).

The key is ``SLACK_TOKEN_KEY`` or, when that is empty, derived from ``SECRET_KEY``
with a purpose of its own, so a database dump alone does not give away any
workspace's token. Changing the key (or SECRET_KEY without SLACK_TOKEN_KEY) makes the
stored tokens unreadable: the organizations must connect Slack again.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class TokenUnreadable(Exception):
    """The stored token was encrypted with another key."""


def _fernet() -> Fernet:
    secret = settings.SLACK_TOKEN_KEY or settings.SECRET_KEY
    digest = hashlib.sha256(b"crosspaths.slack.bot-token\0" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def token_encrypt(token: str) -> str:
    return _fernet().encrypt(token.encode()).decode()


def token_decrypt(encrypted: str) -> str:
    try:
        return _fernet().decrypt(encrypted.encode()).decode()
    except InvalidToken:
        raise TokenUnreadable(
            "the Slack bot token cannot be decrypted (SLACK_TOKEN_KEY or SECRET_KEY changed); "
            "connect Slack again in the console"
        ) from None
