"""Card tokens: how a person is signed in to the card inside an intranet's frame.

A cross-site frame gets no Lax session cookie, so the card cannot rely on the site's
session. The intranet's backend asks the API for a token for the person viewing its
page (``POST /api/v1/embed-tokens`` with the organization's key) and puts it in the
frame's URL. The token names one organization and one person, is signed with the
site's secret and a salt used for nothing else (no other signed value of the site is
accepted here, nor this one elsewhere) and expires after
``INTRANET_CARD_TOKEN_MAX_AGE`` seconds. It is the card's only credential: for
reading the card and for the card's own buttons (docs/intranet.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing

from crosspaths import clock
from crosspaths.people.models import Person

SALT = "crosspaths.intranet.card"


@dataclass(frozen=True)
class CardToken:
    organization_id: int
    person_id: int


class BadToken(Exception):
    """Altered, made for something else, or too old. An expired token's signature was
    good, so its organization is known (its frame-ancestors still apply)."""

    def __init__(self, *, expired: bool, organization_id: int | None = None) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired, self.organization_id = expired, organization_id


def card_token_mint(*, person: Person) -> tuple[str, datetime]:
    """A token for ``person``'s card in their organization, and when it expires."""
    token = signing.dumps({"o": person.organization_id, "p": person.pk}, salt=SALT)
    return token, clock.now() + timedelta(seconds=settings.INTRANET_CARD_TOKEN_MAX_AGE)


def _parts(data: object) -> CardToken | None:
    if isinstance(data, dict) and isinstance(data.get("o"), int) and isinstance(data.get("p"), int):
        return CardToken(organization_id=data["o"], person_id=data["p"])
    return None


def card_token_read(token: str) -> CardToken:
    """What a token names; BadToken when it is forged, altered or expired."""
    try:
        parts = _parts(
            signing.loads(token, salt=SALT, max_age=settings.INTRANET_CARD_TOKEN_MAX_AGE)
        )
    except signing.SignatureExpired:
        old = _parts(signing.loads(token, salt=SALT))  # the signature itself is good
        raise BadToken(expired=True, organization_id=old.organization_id if old else None) from None
    except signing.BadSignature:
        raise BadToken(expired=False) from None
    if parts is None:
        raise BadToken(expired=False)
    return parts


def card_person(token: str) -> Person:
    """The active person a token names, in the organization it names (both must
    match: a token of organization A never reaches a person of B)."""
    parts = card_token_read(token)
    person = (
        Person.objects.select_related("organization", "location", "department")
        .filter(pk=parts.person_id, organization_id=parts.organization_id, active=True)
        .first()
    )
    if person is None:
        raise BadToken(expired=False, organization_id=parts.organization_id)
    return person
