"""The SCIM endpoint: one Django view hands every /scim/v2/... request to scim2-server's
handler over the storage of the token's organization. The bearer token alone says which
organization a request acts in; there is no organization in the URL to get wrong."""

from __future__ import annotations

import json
import logging
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from scim2_models import NotImplementedException, SCIMException, UnauthorizedException
from scim2_server.handler import ScimHandler
from scim2_server.requests import ScimRequest
from scim2_server.responses import ScimResponse
from scim2_server.service import ScimService

from .schema import PROVIDER
from .storage import PeopleStorage
from .tokens import scim_token_authenticate

SERVICE = ScimService(PROVIDER)
log = logging.getLogger(__name__)


@csrf_exempt
def scim(request: HttpRequest, path: str | None = None) -> HttpResponse:
    """Serve one SCIM request; every failure is a SCIM error (RFC 7644 §3.12)."""
    scim_request = ScimRequest(
        method=request.method or "GET",
        base_url=request.build_absolute_uri("/scim/v2"),
        path=(path or "").removesuffix(".scim") or "/",
        query=request.GET.dict(),
        headers=dict(request.headers),
        body=_manager_as_object(request.method or "", request.body),
    )
    try:
        response = _serve(scim_request)
    except SCIMException as e:
        response = SERVICE.error_response(e)
    except Exception as e:  # a bug: still a SCIM answer, never Django's HTML 500 page
        log.exception("SCIM request failed")
        response = SERVICE.error_response(e)
    return _django_response(response)


def _manager_as_object(method: str, body: bytes) -> bytes:
    """Microsoft Entra ID sets the enterprise manager by PATCH with the manager's id as a
    bare string; RFC 7643 makes it a complex attribute ({"value": id}). Wrap it, so the
    PATCH means what Entra means."""
    if method.upper() != "PATCH" or b"manager" not in body:
        return body
    try:
        patch = json.loads(body)
        for op in patch.get("Operations") or []:
            path = str(op.get("path") or "").lower()
            if path.endswith("manager") and isinstance(op.get("value"), str):
                op["value"] = {"value": op["value"]}
    except (ValueError, AttributeError, TypeError):
        return body  # the handler answers invalidSyntax
    return json.dumps(patch).encode()


def _serve(request: ScimRequest) -> ScimResponse:
    """Authenticate first (only the service provider configuration is public, RFC 7643
    §5), so an unauthenticated client learns nothing, not even which paths exist."""
    if request.path.rstrip("/").lower() == "/serviceproviderconfig":
        return ScimHandler(SERVICE, _NoStorage()).handle(request)
    scheme, _, raw = (request.header("Authorization") or "").partition(" ")
    token = scim_token_authenticate(raw=raw.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        raise UnauthorizedException(detail="A valid SCIM bearer token is required.")
    if request.path.lower().startswith("/groups"):
        raise NotImplementedException(
            detail="Groups are not supported: a person's department is the enterprise "
            "extension's department attribute of the User, and Crosspaths has no other "
            "groups an identity provider could manage."
        )
    request.subject = token
    return ScimHandler(SERVICE, PeopleStorage(token)).handle(request)


def _django_response(response: ScimResponse) -> HttpResponse:
    body = b"" if response.body is None else json.dumps(response.body, default=str).encode()
    answer = HttpResponse(body, status=response.status.value)
    for name, value in response.headers.items():
        answer[name] = value
    if response.status == HTTPStatus.NO_CONTENT:
        del answer["Content-Type"]
    return answer


class _NoStorage(PeopleStorage):
    """The service provider configuration reads no people (and needs no token)."""

    def __init__(self) -> None:
        pass
