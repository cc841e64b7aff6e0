"""Letting roster people in: single-use sign-in links they ask for ("magic links")
and the links inside the invitations HR sends (``crosspaths.onboarding.invitations``).

Both are a random token in a link. Only its SHA-256 is stored; the raw token exists
in the e-mail and nowhere else. A token is used by a conditional update
(``used_at IS NULL``), so a double click or two web nodes cannot both sign in with it.
The Django user behind a person is created on their first sign-in (username = the
lower-cased e-mail), so everything after that goes through Django's own auth.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from enum import Enum

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from crosspaths import clock

from .models import Person, SignInToken

SIGN_IN_LINK_LIFETIME = timedelta(minutes=20)
INVITATION_LIFETIME = timedelta(days=14)
# Spent or expired links are kept this long, so a late click still hears "used" or
# "expired" (with the way to a new link) rather than "unknown"; then they are removed.
SPENT_TOKEN_KEEP = timedelta(days=7)


class TokenState(Enum):
    """What a link is worth, so the page can say what happened and what to do next."""

    VALID = "valid"
    UNKNOWN = "unknown"  # never issued here, mistyped, or forged
    USED = "used"
    EXPIRED = "expired"
    INACTIVE = "inactive"  # the person left the organization or the account is disabled


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def sign_in_token_create(
    *, person: Person, purpose: str = SignInToken.Purpose.SIGN_IN, next_url: str = ""
) -> tuple[SignInToken, str]:
    """Issue a new link for ``person``; returns the row and the raw token (put it in the
    e-mail, never store it). Earlier unused links stay valid until they expire, so a
    person who asked twice can click either e-mail."""
    raw = secrets.token_urlsafe(32)
    lifetime = (
        INVITATION_LIFETIME if purpose == SignInToken.Purpose.INVITATION else SIGN_IN_LINK_LIFETIME
    )
    token = SignInToken.objects.create(
        organization_id=person.organization_id,
        person=person,
        purpose=purpose,
        token_hash=token_hash(raw),
        next_url=next_url[:300],
        expires_at=clock.now() + lifetime,
    )
    return token, raw


def sign_in_url(raw: str) -> str:
    """The absolute link for an e-mail. Built from SITE_URL, never from the request's
    Host header, so a forged Host cannot make us mail a link to someone else's site."""
    return settings.SITE_URL + reverse("sign_in_link", args=[raw])


def sign_in_token_check(*, raw: str) -> tuple[SignInToken | None, TokenState]:
    """Look a link up without using it (the page shown before the sign-in button)."""
    if not raw or len(raw) > 100:
        return None, TokenState.UNKNOWN
    token = (
        SignInToken.objects.filter(token_hash=token_hash(raw))
        .select_related("person__organization", "person__user")
        .first()
    )
    if token is None:
        return None, TokenState.UNKNOWN
    return token, _state(token)


def _state(token: SignInToken) -> TokenState:
    if token.used_at is not None:
        return TokenState.USED
    if token.expires_at <= clock.now():
        return TokenState.EXPIRED
    person = token.person
    if not person.active or (person.user is not None and not person.user.is_active):
        return TokenState.INACTIVE
    return TokenState.VALID


@transaction.atomic
def sign_in_token_use(*, raw: str) -> tuple[SignInToken | None, TokenState]:
    """Spend a link: mark it used, create or link the person's account, and return the
    token (its ``person.user`` is who signs in). Anything but VALID changes nothing."""
    token, state = sign_in_token_check(raw=raw)
    if token is None or state is not TokenState.VALID:
        return token, state
    now = clock.now()
    claimed = SignInToken.objects.filter(pk=token.pk, used_at__isnull=True, expires_at__gt=now)
    if claimed.update(used_at=now) != 1:
        return token, TokenState.USED
    token.used_at = now
    person_account_link(person=token.person)
    return token, TokenState.VALID


@transaction.atomic
def person_account_link(*, person: Person) -> User:
    """Link ``person`` to the login of the address a link was just used at.

    Called only after a link mailed to ``person.email`` was used, so that address is
    verified now. The login is the one whose username is that address (created on
    first sign-in), never whichever login the row pointed at before: when an
    organization changed the row's e-mail, the login that verified the old address is
    left alone, so an organization cannot hand itself another person's login (and with
    it their memberships elsewhere) by editing its own roster."""
    email = person.email.strip().lower()
    current = person.user
    if current is not None and current.get_username().lower() == email:
        return current
    User = get_user_model()
    user, created = User.objects.get_or_create(username=email, defaults={"email": email})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    # A row of this organization still holding this login (its e-mail changed since)
    # lets go of it: one membership per login and organization.
    Person.objects.filter(organization_id=person.organization_id, user=user).exclude(
        pk=person.pk
    ).update(user=None, updated_at=clock.now())
    person.user = user
    Person.objects.filter(pk=person.pk).update(user=user, updated_at=clock.now())
    return user


def sign_in_tokens_forget(*, now: datetime) -> int:
    """Delete sign-in links and invitations (every organization's) spent or expired
    more than ``SPENT_TOKEN_KEEP`` ago. Safe to run twice; the daily housekeeping job."""
    cutoff = now - SPENT_TOKEN_KEEP
    deleted, _by_model = SignInToken.objects.filter(
        Q(expires_at__lt=cutoff) | Q(used_at__lt=cutoff)
    ).delete()
    return deleted
