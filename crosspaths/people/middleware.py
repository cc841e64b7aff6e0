"""Attach the signed-in person and their organization to each request."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from .http import VisitorRequest
from .selectors import memberships_of, person_for_user

# The membership (organization) this session acts as, chosen at sign-in or on the
# organizations page.
SESSION_ORGANIZATION_KEY = "crosspaths_organization_id"
# The organizations this session signed in to, when it signed in through one of them (a
# sign-in link, later an identity provider); absent when the login itself was proven
# (a password), which may act in any of its memberships.
SESSION_SCOPE_KEY = "crosspaths_signed_in_to"


class CurrentPersonMiddleware:
    """``request.person`` is the Person of the membership this session acts as (None when
    signed out, when that person left, or when the login has several memberships and
    none is chosen yet); ``request.organization`` is theirs. Views scope every customer
    query through these. The person's language wins over the browser's unless they
    chose one with the language switcher (the ``django_language`` cookie)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        # Signed out (every API-key request): no memberships, and no query built for none.
        user = request.user
        memberships = list(memberships_of(user=user)) if user.is_authenticated else []
        person = person_for_user(
            memberships=memberships,
            organization_id=session.get(SESSION_ORGANIZATION_KEY),
            allowed=session.get(SESSION_SCOPE_KEY),
        )
        # From here on the request is a VisitorRequest (people/http.py).
        visitor = cast(VisitorRequest, request)
        visitor.memberships = memberships
        visitor.person = person
        visitor.organization = person.organization if person else None
        if person is not None and person.language and not request.COOKIES.get("django_language"):
            translation.activate(person.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
