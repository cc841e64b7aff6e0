"""SCIM test helpers: a token for the cast's organization and a client that speaks SCIM."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from crosspaths.scim.tokens import scim_token_create

SCIM = "application/scim+json"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


class ScimClient:
    """Django's test client with a bearer token and SCIM JSON in and out."""

    def __init__(self, raw_token: str):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {raw_token}"}

    def call(self, method: str, path: str, body: Any = None, **query: Any):
        url = "/scim/v2" + path
        kwargs: dict[str, Any] = {"headers": self.headers}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type=SCIM)
        if query:
            kwargs["QUERY_STRING"] = "&".join(f"{k}={v}" for k, v in query.items())
        return getattr(self.client, method.lower())(url, **kwargs)

    def get(self, path: str, **query: Any):
        return self.call("GET", path, **query)

    def post(self, path: str, body: Any):
        return self.call("POST", path, body)

    def put(self, path: str, body: Any):
        return self.call("PUT", path, body)

    def patch(self, path: str, *operations: dict[str, Any]):
        return self.call("PATCH", path, {"schemas": [PATCH], "Operations": list(operations)})

    def delete(self, path: str):
        return self.call("DELETE", path)


@pytest.fixture
def scim(cast) -> ScimClient:
    _token, raw = scim_token_create(organization=cast.org, name="Okta")
    return ScimClient(raw)


@pytest.fixture
def other_scim(cast) -> ScimClient:
    """A token of the other organization (Dana's)."""
    _token, raw = scim_token_create(organization=cast.other_org, name="Globex IdP")
    return ScimClient(raw)


def okta_user(email: str, given: str = "Erin", family: str = "Example", **extra: Any) -> dict:
    """A user as Okta's SCIM 2.0 connector creates one (its documented POST body)."""
    return {
        "schemas": [USER],
        "userName": email,
        "name": {"givenName": given, "familyName": family},
        "emails": [{"primary": True, "value": email, "type": "work"}],
        "displayName": f"{given} {family}",
        "locale": "en-US",
        "externalId": f"00u{abs(hash(email)) % 10**12}",
        "groups": [],
        "password": "1mz050nq",
        "active": True,
        **extra,
    }
