"""Sign-in by e-mail link, the web side: who may ask how often, and sending the links.

Three limits, all configurable (settings.py reads them from the environment):

- per e-mail address, a short cool-down (``SIGN_IN_LINK_COOLDOWN_SECONDS``, 60 s): at
  most one link a minute reaches an inbox, whoever asks;
- per e-mail address *and* client address, ``SIGN_IN_LINKS_PER_EMAIL`` an hour (5):
  one place cannot flood an inbox;
- per client address, ``SIGN_IN_LINKS_PER_IP`` an hour (30), whatever the e-mail:
  beyond it, each e-mail address gets at most one link per link lifetime (20 minutes)
  from that place, so one place cannot flood the whole company, yet an office behind
  one NAT never locks a colleague out.

Why nobody is locked out by someone else's requests: the only limit another person's
requests can trip for you is the per-e-mail cool-down, and it trips only because a
link went to *your* inbox within the last minute, which stays valid for 20 minutes.
The per-client limits count only requests from your own client address, and beyond
the per-address budget a link still reaches you once per link lifetime (the real one behind a
proxy, crosspaths.web.client_address). The count is taken before the attempt is
written, so two requests racing at a limit may both pass, which is fine for its
purpose.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from crosspaths import clock
from crosspaths.notify.account_emails import send_sign_in_link
from crosspaths.people.models import Person, SignInToken
from crosspaths.people.sign_in_links import SIGN_IN_LINK_LIFETIME, sign_in_token_create, sign_in_url
from crosspaths.sso.services import sso_required_organizations

from .models import SignInAttempt

WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Wait:
    """Why a link is refused and for how many seconds; ``seconds == 0`` means sent.
    ``link_in_inbox`` says a link went to this address moments ago and still works."""

    seconds: int = 0
    link_in_inbox: bool = False

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.seconds / 60))


def _key(scope: str, value: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{scope}:{value}".encode(), hashlib.sha256
    ).hexdigest()


def _cooldown() -> timedelta:
    """The per-e-mail cool-down, never longer than a link lives: the promise that a
    working link is in the inbox while it lasts depends on it."""
    seconds = settings.SIGN_IN_LINK_COOLDOWN_SECONDS
    return min(timedelta(seconds=max(seconds, 0)), SIGN_IN_LINK_LIFETIME)


def _free_at(*, scope: str, key: str, limit: int, window: timedelta, now: datetime) -> datetime:
    """When the ``limit``-th latest attempt under ``key`` leaves the window (now if
    fewer than ``limit`` attempts are in it)."""
    recent = list(
        SignInAttempt.objects.filter(scope=scope, key_hash=key, created_at__gte=now - window)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[: max(limit, 1)]
    )
    if limit > 0 and len(recent) < limit:
        return now
    return (recent[-1] if recent else now) + window


def sign_in_attempt_wait(*, email: str, ip: str | None) -> Wait:
    """How long this e-mail address and client must wait for another link; a zero wait
    means go ahead, and then the attempt is recorded. Refused attempts are not recorded,
    so hammering the form does not extend the wait. Also forgets attempts older than a
    day (one indexed delete), so the table stays small without a cron job."""
    now = clock.now()
    SignInAttempt.objects.filter(created_at__lt=now - timedelta(days=1)).delete()
    address = email.strip().lower()
    Scope = SignInAttempt.Scope
    keys = {Scope.EMAIL: _key("email", address)}
    if ip:
        keys[Scope.EMAIL_IP] = _key("email-ip", f"{address} {ip}")
        keys[Scope.IP] = _key("ip", ip)
    inbox_free = _free_at(
        scope=Scope.EMAIL, key=keys[Scope.EMAIL], limit=1, window=_cooldown(), now=now
    )
    free = inbox_free
    if ip:
        free = max(
            free,
            _free_at(
                scope=Scope.EMAIL_IP,
                key=keys[Scope.EMAIL_IP],
                limit=settings.SIGN_IN_LINKS_PER_EMAIL,
                window=WINDOW,
                now=now,
            ),
        )
        over_budget = (
            _free_at(
                scope=Scope.IP,
                key=keys[Scope.IP],
                limit=settings.SIGN_IN_LINKS_PER_IP,
                window=WINDOW,
                now=now,
            )
            > now
        )
        if over_budget:
            # A busy client address (a whole office behind one NAT) never locks anyone
            # out: beyond its budget each e-mail address still gets a link once per
            # link lifetime, so a working link is always in the owner's inbox or on its
            # way, while one place can mail each colleague at most three times an hour.
            inbox_free = _free_at(
                scope=Scope.EMAIL,
                key=keys[Scope.EMAIL],
                limit=1,
                window=SIGN_IN_LINK_LIFETIME,
                now=now,
            )
            free = max(free, inbox_free)
    if free > now:
        return Wait(seconds=math.ceil((free - now).total_seconds()), link_in_inbox=inbox_free > now)
    SignInAttempt.objects.bulk_create(
        [SignInAttempt(scope=scope, key_hash=key) for scope, key in keys.items()]
    )
    return Wait()


def sign_in_links_send(*, email: str, next_url: str = "", language: str | None = None) -> int:
    """Mail a sign-in link to every active roster entry with this address (one per
    organization, usually exactly one) and return how many went out. Unknown addresses
    get nothing, and the page says the same either way, so the form cannot be used to
    find out who works where."""
    people = list(
        Person.objects.filter(email=email.strip().lower(), active=True)
        .select_related("organization", "user", "location")
        .order_by("organization_id")[:10]
    )
    # An organization that requires single sign-on gets no links for its people.
    sso_only = sso_required_organizations(organization_ids=[p.organization_id for p in people])
    sent = 0
    for person in people:
        if person.user is not None and not person.user.is_active:
            continue
        if person.organization_id in sso_only:
            continue
        token, raw = sign_in_token_create(
            person=person, purpose=SignInToken.Purpose.SIGN_IN, next_url=next_url
        )
        send_sign_in_link(
            person=person, url=sign_in_url(raw), expires_at=token.expires_at, language=language
        )
        sent += 1
    return sent
