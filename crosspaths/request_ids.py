"""Request ids: one per request, in every log line written while it is served and in
the ``X-Request-ID`` response header, so an error a user reports can be found in the
logs. A proxy's id (``X-Request-ID``, as nginx's ``$request_id``) is kept when it looks
like one; otherwise a new one is made. Imports nothing of Django's models: the logging
configuration loads ``RequestIdFilter`` before the apps are ready."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

NO_REQUEST = "-"
_current: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)
_WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{8,64}")

requests_log = logging.getLogger("crosspaths.requests")


def current_request_id() -> str:
    """The id of the request being served in this thread, or ``-`` outside one."""
    return _current.get()


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every log record (``-`` in workers and the scheduler)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get()
        return True


class RequestIdMiddleware:
    """Sets the request id, answers with it, and logs one line per request: method,
    the URL pattern (never the path itself: sign-in and check-in links carry their
    token in it), status and duration."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _WELL_FORMED.fullmatch(given) else uuid.uuid4().hex
        token = _current.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            match = request.resolver_match
            requests_log.info(
                "%s %s %s",
                request.method,
                f"/{match.route}" if match else "(no route)",
                response.status_code,
                extra={
                    "method": request.method,
                    "route": f"/{match.route}" if match else None,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            _current.reset(token)
