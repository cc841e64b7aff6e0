"""One-click links of the ask and follow-up e-mails: they work without signing in.

Like the check-in links (``crosspaths.meetings.tokens``): a token names one ask (or one
request, for "did it help?") and nothing else, is signed with the site's secret and a
salt used for nothing else, and expires. The answer is part of the URL, so one e-mail
carries two links with one token."""

from __future__ import annotations

from django.conf import settings
from django.core import signing

from crosspaths.meetings.tokens import BadToken

ASK_SALT = "crosspaths.perspective.ask"
FOLLOW_UP_SALT = "crosspaths.perspective.follow_up"


def ask_token(ask_id: int) -> str:
    return signing.dumps({"a": ask_id}, salt=ASK_SALT, compress=True)


def follow_up_token(request_id: int) -> str:
    return signing.dumps({"r": request_id}, salt=FOLLOW_UP_SALT, compress=True)


def _load(token: str, salt: str, key: str) -> int:
    max_age = settings.CHECKIN_LINK_MAX_AGE_DAYS * 24 * 3600
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise BadToken(expired=True) from None
    except signing.BadSignature:
        raise BadToken(expired=False) from None
    if not isinstance(data, dict) or not isinstance(data.get(key), int):
        raise BadToken(expired=False)
    return data[key]


def ask_id_of(token: str) -> int:
    """The ask a token was made for; BadToken when forged or expired."""
    return _load(token, ASK_SALT, "a")


def request_id_of(token: str) -> int:
    return _load(token, FOLLOW_UP_SALT, "r")


__all__ = ["BadToken", "ask_id_of", "ask_token", "follow_up_token", "request_id_of"]
