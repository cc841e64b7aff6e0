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
from scim2_server.routing import Operation
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
        body=request.body,
    )
    try:
        response = _serve(scim_request)
    except SCIMException as e:
        response = SERVICE.error_response(e)
    except Exception as e:  # a bug: still a SCIM answer, never Django's HTML 500 page
        log.exception("SCIM request failed")
        response = SERVICE.error_response(e)
    return _django_response(response)


def _serve(request: ScimRequest) -> ScimResponse:
    if request.path.lower().startswith("/groups"):
        raise NotImplementedException(
            detail="Groups are not supported: a person's department is the enterprise "
            "extension's department attribute of the User, and Crosspaths has no other "
            "groups an identity provider could manage."
        )
    if SERVICE.match(request).operation is Operation.service_provider_config:
        return ScimHandler(SERVICE, _NoStorage()).handle(request)
    scheme, _, raw = (request.header("Authorization") or "").partition(" ")
    token = scim_token_authenticate(raw=raw.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        raise UnauthorizedException(detail="A valid SCIM bearer token is required.")
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
