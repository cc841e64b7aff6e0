"""The development mailbox: what Crosspaths "sent" while running with the file e-mail
backend, readable in the browser. Exists only with DEBUG on; with DEBUG off every
URL here is a 404."""

from __future__ import annotations

from functools import wraps
from pathlib import Path
from typing import Any

from csp.decorators import csp_update
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .devmail import letter, letters


def _folder() -> Path:
    return Path(getattr(settings, "EMAIL_FILE_PATH", settings.VAR_DIR / "mail"))


def debug_only(view):
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.DEBUG:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@debug_only
def dev_mailbox(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "notify/dev_mailbox.html",
        {"letters": letters(_folder()), "folder": _folder()},
    )


@debug_only
# The e-mail's HTML is shown in a sandboxed frame and e-mails need inline styles; the
# frame inherits this page's policy, so this development-only page allows them.
@csp_update({"style-src": ["'unsafe-inline'"]})  # type: ignore[arg-type]  # django-csp types views as taking only a request
def dev_letter(request: HttpRequest, letter_id: str) -> HttpResponse:
    found = letter(_folder(), letter_id)
    if found is None:
        raise Http404
    return render(
        request,
        "notify/dev_letter.html",
        {
            "letter": found,
            "text": found.part("text/plain"),
            "html": found.part("text/html"),
            "attachments": found.attachments(),
        },
    )


@debug_only
def dev_attachment(request: HttpRequest, letter_id: str, index: int) -> HttpResponse:
    found = letter(_folder(), letter_id)
    if found is None or index >= len(found.attachments()):
        raise Http404
    name, content_type, data = found.attachments()[index]
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
