"""Errors as RFC 9457 problem details (``application/problem+json``), each naming the
field it is about, so a client can show the message next to the right input."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from .keys import RateLimited

PROBLEM = "application/problem+json"
log = logging.getLogger(__name__)


class FieldError(Schema):
    field: str  # dotted path in the request: "name", "audience.level_min", "cursor"
    detail: str


class Problem(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    errors: list[FieldError] = []


class ApiProblem(Exception):
    """A refusal of the API itself (not a service's validation): a status, a sentence
    and optionally the field it is about."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        field: str = "",
        title: str = "",
        errors: list[dict[str, str]] | None = None,
    ):
        super().__init__(detail)
        self.status, self.detail, self.field, self.title = status, detail, field, title
        self.errors = errors or []  # several fields at once (an import's rows)


TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


def problem(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    detail: str = "",
    errors: list[dict[str, str]] | None = None,
    title: str = "",
) -> HttpResponse:
    body = {
        "type": "about:blank",
        "title": title or TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "errors": errors or [],
    }
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM
    return response


def _ninja_field(loc: tuple[Any, ...] | list[Any]) -> str:
    """("body", "payload", "audience", "level_min") -> "audience.level_min";
    ("query", "limit") -> "limit"; ("header", "Idempotency-Key") -> "Idempotency-Key"."""
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    elif parts and parts[0] in ("query", "path", "header", "cookie", "form"):
        parts = parts[1:]
    return ".".join(parts)


def django_errors(
    error: DjangoValidationError, rename: dict[str, str] | None = None, default: str = ""
) -> list[dict[str, str]]:
    """A Django ValidationError as field errors; ``rename`` maps form or model field names
    to the API's, non-field errors name ``default`` (or no field)."""
    rename = rename or {}
    if not hasattr(error, "error_dict"):
        return [{"field": default, "detail": m} for m in error.messages]
    out: list[dict[str, Any]] = []
    for name, messages in error.message_dict.items():
        field = default if name == "__all__" else rename.get(name, name)
        out.extend({"field": field, "detail": m} for m in messages)
    return out


def install(api: NinjaAPI) -> None:
    """Every refusal of the API answers a problem document."""

    @api.exception_handler(NinjaValidationError)
    def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {"field": _ninja_field(e.get("loc", ())), "detail": str(e.get("msg", ""))}
            for e in exc.errors
        ]
        return problem(api, request, 422, _("The request is not valid."), errors)

    @api.exception_handler(DjangoValidationError)
    def _refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        errors = django_errors(exc)
        return problem(api, request, 422, " ".join(e["detail"] for e in errors), errors)

    @api.exception_handler(ApiProblem)
    def _api_problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
        errors = exc.errors or ([{"field": exc.field, "detail": exc.detail}] if exc.field else [])
        return problem(api, request, exc.status, exc.detail, errors, exc.title)

    @api.exception_handler(AuthenticationError)
    def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = problem(api, request, 401, _("Send a valid API key: Authorization: Bearer KEY."))
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(RateLimited)
    def _limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        response = problem(
            api,
            request,
            429,
            _("This key made more than %(limit)d requests this minute; try again shortly.")
            % {"limit": exc.limit},
        )
        response["Retry-After"] = str(exc.reset)
        return response

    @api.exception_handler(HttpError)
    def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem(api, request, exc.status_code, str(exc.message))

    @api.exception_handler(MultiPartParserError)
    def _unreadable(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        # A multipart Content-Type without a boundary: the CSRF check reads the form
        # before the view ever runs. The API speaks JSON; say so instead of failing.
        return problem(api, request, 400, _("Send the request body as application/json."))

    @api.exception_handler(Http404)
    def _missing(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(api, request, 404, _("Not found."))

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return problem(api, request, 403, _("You may not do this."))

    @api.exception_handler(Exception)
    def _bug(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("API request failed: %s %s", request.method, request.path)
        return problem(api, request, 500, _("Something went wrong on our side."))
