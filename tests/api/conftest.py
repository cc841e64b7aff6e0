"""API test helpers: keys of the cast's organizations and a client that sends them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from crosspaths.api.keys import api_key_create


class ApiClient:
    """Django's test client with a bearer key and JSON in and out."""

    def __init__(self, raw_key: str):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {raw_key}"}

    def call(self, method: str, path: str, body: Any = None, headers: dict | None = None, **query):
        kwargs: dict[str, Any] = {"headers": {**self.headers, **(headers or {})}}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        if query:
            kwargs["QUERY_STRING"] = "&".join(f"{k}={v}" for k, v in query.items())
        return getattr(self.client, method.lower())("/api/v1" + path, **kwargs)

    def get(self, path: str, headers: dict | None = None, **query):
        return self.call("GET", path, headers=headers, **query)

    def post(self, path: str, body: Any = None, headers: dict | None = None):
        return self.call("POST", path, body if body is not None else {}, headers)

    def patch(self, path: str, body: Any):
        return self.call("PATCH", path, body)

    def delete(self, path: str):
        return self.call("DELETE", path)


@pytest.fixture
def api(cast) -> ApiClient:
    """A write key of Acme, made by Alice in the console."""
    _key, raw = api_key_create(
        organization=cast.org, name="HRIS", scope="write", created_by=cast.alice
    )
    return ApiClient(raw)


@pytest.fixture
def reader(cast) -> ApiClient:
    _key, raw = api_key_create(organization=cast.org, name="Dashboards", scope="read")
    return ApiClient(raw)


@pytest.fixture
def other_api(cast) -> ApiClient:
    """A write key of the other organization (Dana's Globex)."""
    _key, raw = api_key_create(organization=cast.other_org, name="Globex", scope="write")
    return ApiClient(raw)
