"""Attach the signed-in person and their organization to each request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from .selectors import person_for_user

SESSION_ORGANIZATION_KEY = "crosspaths_organization_id"


class CurrentPersonMiddleware:
    """``request.person`` is the active Person of the signed-in user (None when signed out
    or not in any organization); ``request.organization`` is theirs. Views scope every
    customer query through these. The person's language wins over the browser's unless
    they chose one with the language switcher (the ``django_language`` cookie)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        person = person_for_user(
            user=request.user, organization_id=request.session.get(SESSION_ORGANIZATION_KEY)
        )
        request.person = person  # type: ignore[attr-defined]
        request.organization = person.organization if person else None  # type: ignore[attr-defined]
        if person is not None and person.language and not request.COOKIES.get("django_language"):
            translation.activate(person.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
