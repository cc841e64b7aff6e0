"""POST /api/v1/embed-tokens: the intranet's server mints a card token for the person
viewing its page, with a key of the organization that may use "embed"."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from crosspaths.api.keys import api_key_create

from ..api.conftest import ApiClient


@pytest.fixture
def api(cast) -> ApiClient:
    """A write key of Acme (the intranet's server)."""
    return ApiClient(api_key_create(organization=cast.org, name="Intranet", scope="write")[1])


@pytest.fixture
def reader(cast) -> ApiClient:
    return ApiClient(api_key_create(organization=cast.org, name="Dashboards", scope="read")[1])


pytestmark = pytest.mark.django_db


def test_a_token_by_email_opens_that_persons_card(cast, api):
    answer = api.post("/embed-tokens", {"email": "Bob@Acme.test"})
    assert answer.status_code == 200, answer.content
    data = answer.json()
    url = urlsplit(data["url"])
    assert url.path == "/embed/card/" and parse_qs(url.query) == {"t": [data["token"]]}
    assert data["expires_at"].startswith("2026-11-26T08:10")
    card = Client().get("/embed/card/", {"t": data["token"]})
    assert card.status_code == 200 and "Your next encounter" in card.content.decode()


def test_a_token_by_id(cast, api):
    assert api.post("/embed-tokens", {"person_id": cast.bob.pk}).status_code == 200


def test_another_organizations_person_is_unknown(cast, api):
    for body, field in (
        ({"person_id": cast.dana.pk}, "person_id"),
        ({"email": cast.dana.email}, "email"),
    ):
        answer = api.post("/embed-tokens", body)
        assert answer.status_code == 422
        assert answer.json()["errors"][0]["field"] == field
        assert "Dana" not in answer.content.decode()


def test_it_wants_exactly_one_of_id_and_email(cast, api):
    assert api.post("/embed-tokens", {}).status_code == 422
    both = {"person_id": cast.bob.pk, "email": cast.bob.email}
    assert api.post("/embed-tokens", both).status_code == 422


def test_a_read_key_or_a_key_for_other_resources_may_not_mint(cast, reader):
    assert reader.post("/embed-tokens", {"person_id": cast.bob.pk}).status_code == 403
    _key, raw = api_key_create(
        organization=cast.org, name="x", scope="write", resources=["programs"]
    )
    assert ApiClient(raw).post("/embed-tokens", {"person_id": cast.bob.pk}).status_code == 403
    _key, raw = api_key_create(organization=cast.org, name="y", scope="write", resources=["embed"])
    assert ApiClient(raw).post("/embed-tokens", {"person_id": cast.bob.pk}).status_code == 200


def test_no_key_no_token(cast):
    assert (
        Client().post("/api/v1/embed-tokens", "{}", content_type="application/json").status_code
        == 401
    )
