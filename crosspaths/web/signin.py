"""Sign-in by e-mail link, the web side: who may ask how often, and sending the links.

Limits (per hour, overridable in settings for tests or large offices behind one NAT):
``SIGN_IN_LINKS_PER_EMAIL`` (default 5) and ``SIGN_IN_LINKS_PER_IP`` (default 30).
The count is taken before the attempt is written, so two requests racing at the limit
may both pass: a limit of 5 can become 6, which is fine for its purpose (keeping
inboxes from being flooded and addresses from being probed at speed).
"""

from __future__ import annotations

import hashlib
import hmac
import math
from datetime import timedelta

from django.conf import settings

from crosspaths import clock
from crosspaths.notify.account_emails import send_sign_in_link
from crosspaths.people.invitations import sign_in_token_create, sign_in_url
from crosspaths.people.models import Person, SignInToken
from crosspaths.sso.services import sso_required_organizations

from .models import SignInAttempt

WINDOW = timedelta(hours=1)


def _key(scope: str, value: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{scope}:{value}".encode(), hashlib.sha256
    ).hexdigest()


def _limits() -> dict[str, int]:
    return {
        SignInAttempt.Scope.EMAIL: getattr(settings, "SIGN_IN_LINKS_PER_EMAIL", 5),
        SignInAttempt.Scope.IP: getattr(settings, "SIGN_IN_LINKS_PER_IP", 30),
    }


def sign_in_attempt_wait(*, email: str, ip: str | None) -> int:
    """Minutes until this e-mail address and client may ask for another link; 0 means
    now, and then the attempt is recorded. Refused attempts are not recorded, so
    hammering the form does not extend the wait. Also forgets attempts older than a
    day (one indexed delete), so the table stays small without a cron job."""
    now = clock.now()
    SignInAttempt.objects.filter(created_at__lt=now - timedelta(days=1)).delete()
    keys = {SignInAttempt.Scope.EMAIL: _key("email", email.strip().lower())}
    if ip:
        keys[SignInAttempt.Scope.IP] = _key("ip", ip)
    limits = _limits()
    wait = 0
    for scope, key in keys.items():
        recent = list(
            SignInAttempt.objects.filter(scope=scope, key_hash=key, created_at__gte=now - WINDOW)
            .order_by("-created_at")
            .values_list("created_at", flat=True)[: limits[scope]]
        )
        if len(recent) >= limits[scope]:
            free_at = recent[-1] + WINDOW
            wait = max(wait, math.ceil((free_at - now).total_seconds() / 60))
    if wait:
        return wait
    SignInAttempt.objects.bulk_create(
        [SignInAttempt(scope=scope, key_hash=key) for scope, key in keys.items()]
    )
    return 0


def sign_in_links_send(*, email: str, next_url: str = "", language: str | None = None) -> int:
    """Mail a sign-in link to every active roster entry with this address (one per
    organization, usually exactly one) and return how many went out. Unknown addresses
    get nothing, and the page says the same either way, so the form cannot be used to
    find out who works where."""
    people = (
        Person.objects.filter(email=email.strip().lower(), active=True)
        .select_related("organization", "user", "location")
        .order_by("organization_id")[:10]
    )
    people = list(people)
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
