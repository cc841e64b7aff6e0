"""An authentication backend for e-mail sign-in links, so signing in by link goes
through ``django.contrib.auth.authenticate``/``login`` like any other method (and
django-allauth or an OIDC backend can sit next to it later)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest

from crosspaths.people.sign_in_links import TokenState, sign_in_token_check, sign_in_token_use
from crosspaths.sso.services import sso_required


class SignInLinkBackend(ModelBackend):
    """``authenticate(request, sign_in_token=raw)``: spends the link and returns the
    person's user, created on first sign-in. The signed-in person is left on the user
    as ``signed_in_person`` so the view can choose their organization for the session.
    Returns None for anything else, including a password (ModelBackend handles that)."""

    def authenticate(  # type: ignore[override]  # a backend of its own credential (a sign-in token), not a password
        self, request: HttpRequest | None, sign_in_token: str | None = None, **kwargs: Any
    ) -> AbstractBaseUser | None:
        if not sign_in_token:
            return None
        found, _state = sign_in_token_check(raw=sign_in_token)
        if found is not None and sso_required(organization_id=found.organization_id):
            return None  # the organization signs its people in through its identity provider
        token, state = sign_in_token_use(raw=sign_in_token)
        if token is None or state is not TokenState.VALID:
            return None
        user = token.person.user
        if user is None or not self.user_can_authenticate(user):
            return None
        user.signed_in_person = token.person  # type: ignore[attr-defined]  # read once by the sign-in view, not a User field
        user.signed_in_next = token.next_url  # type: ignore[attr-defined]  # read once by the sign-in view, not a User field
        return user
