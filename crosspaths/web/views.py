"""Participant pages: thin views that scope every query to the signed-in person."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from crosspaths.programs.selectors import current_match_for


def home(request: HttpRequest) -> HttpResponse:
    person = request.person  # type: ignore[attr-defined]
    if person is None:
        return render(request, "web/welcome.html")
    return render(request, "web/home.html", {"current": current_match_for(person=person)})
