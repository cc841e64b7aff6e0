"""The page behind the one-click unsubscribe link of program e-mails (RFC 8058): no
sign-in. GET asks; POST (the page's button, or a mail provider's
``List-Unsubscribe=One-Click``) pauses the person in the program (or, for the link of
an announcement, takes them out of it). A forged or expired
link gets a friendly page and changes nothing."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .unsubscribe import BadToken, person_unsubscribe, unsubscribe_link


# A provider's POST comes without a session or CSRF cookie; the signed token in the URL
# is what authorizes it, and it changes only what the link's owner may change.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        person, program, leave = unsubscribe_link(token)
    except BadToken as e:
        status = 410 if e.expired else 400
        return render(
            request, "notify/unsubscribe_invalid.html", {"expired": e.expired}, status=status
        )
    with translation.override(person.effective_language):
        context: dict[str, object] = {
            "person": person,
            "program": program,
            "done": None,
            "leave": leave,
        }
        if request.method == "POST":
            context["done"] = person_unsubscribe(person=person, program=program, leave=leave)
        return render(request, "notify/unsubscribe.html", context)
