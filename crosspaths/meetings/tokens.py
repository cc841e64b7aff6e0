"""Check-in links that work without signing in.

A token names one match member and nothing else, is signed with the site's secret
and a salt used for nothing but check-ins (so no other signed value of the site can
be replayed here, nor this one elsewhere), and expires. The answer ("met" or not)
is part of the URL, not the token, so one e-mail carries two links with one token.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing

SALT = "crosspaths.meetings.checkin"


class BadToken(Exception):
    """The link was altered, made for something else, or is too old."""

    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def checkin_token(member_id: int) -> str:
    return signing.dumps({"m": member_id}, salt=SALT, compress=True)


def checkin_member_id(token: str) -> int:
    """The member a token was made for; BadToken when it is forged or expired."""
    max_age = settings.CHECKIN_LINK_MAX_AGE_DAYS * 24 * 3600
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise BadToken(expired=True) from None
    except signing.BadSignature:
        raise BadToken(expired=False) from None
    if not isinstance(data, dict) or not isinstance(data.get("m"), int):
        raise BadToken(expired=False)
    return data["m"]
