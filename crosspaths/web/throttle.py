"""Password guessing, slowed down (django-axes): failures are counted per account and
client address, so a stranger guessing someone's password cools down only their own
address, and the owner still signs in from theirs. The settings are in settings.py
(``AXES_FAILURE_LIMIT``, ``AXES_COOLOFF_MINUTES``); these are the hooks axes calls."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class PasswordThrottleBackend(AxesStandaloneBackend):
    """django-axes' gate, first in AUTHENTICATION_BACKENDS. Without a request there is
    no web client to count (``manage.py`` code, the test client's ``login()``), so it
    stands aside instead of refusing; every sign-in page passes the request."""

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The account a guess is for, written the way it is stored (e-mails lower-case),
    so ``Bob@acme.test`` and ``bob@acme.test`` count against the same account."""
    source: Any = credentials if credentials else request.POST
    username = source.get("username")
    return username.strip().lower() if isinstance(username, str) else None


def axes_ignores(request: HttpRequest, credentials: dict[str, Any] | None) -> bool:
    """Only passwords are guessed. A sign-in link is a one-time secret with its own
    limits (crosspaths.web.signin); counting spent or stale links here would let
    anyone at a shared address lock the others out of link sign-in."""
    return not (credentials or {}).get("password")


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page after too many failures: what happened, how long to wait, and the way
    in that still works now (a sign-in link by e-mail). HTTP 429."""
    return render(
        request,
        "web/locked_out.html",
        {"minutes": settings.AXES_COOLOFF_MINUTES},
        status=429,
    )
