"""/api/v1/webhooks: CRUD with a write key, the secret once (never kept for a replay),
problem+json refusals naming the field, the delivery log with cursors."""

from __future__ import annotations

import pytest

from crosspaths.api.keys import api_key_create
from crosspaths.console.models import AuditLog
from crosspaths.webhooks.models import Endpoint

from ..api.conftest import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(cast) -> ApiClient:
    _key, raw = api_key_create(
        organization=cast.org, name="HRIS", scope="write", created_by=cast.alice
    )
    return ApiClient(raw)


def _body(receiver, **extra):
    return {"url": receiver.url(), "event_types": ["person.enrolled"], **extra}


def test_a_write_key_creates_an_endpoint_and_gets_its_secret_once(cast, api, receiver):
    answer = api.post("/webhooks", _body(receiver, description="lake"), {"Idempotency-Key": "one"})
    assert answer.status_code == 201
    created = answer.json()
    assert created["secret"].startswith("whsec_")
    assert created["secret"].startswith(created["secret_prefix"])
    assert created["event_types"] == ["person.enrolled"] and created["enabled"] is True
    again = api.post("/webhooks", _body(receiver, description="lake"), {"Idempotency-Key": "one"})
    assert again.status_code == 201 and again.json()["id"] == created["id"]
    assert again.json()["secret"] is None  # the stored answer never held the secret
    assert Endpoint.objects.filter(organization=cast.org).count() == 1
    read = api.get(f"/webhooks/{created['id']}").json()
    assert "secret" not in read
    entry = AuditLog.objects.get(organization=cast.org, action="webhook.create")
    assert "HRIS" in entry.actor_name


def test_bad_input_is_a_problem_naming_the_field(api, receiver, settings):
    answer = api.post("/webhooks", _body(receiver, event_types=["round.deleted"]))
    assert answer.status_code == 422 and answer["Content-Type"] == "application/problem+json"
    assert answer.json()["errors"][0]["field"] == "event_types.0"  # the first item
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    answer = api.post("/webhooks", _body(receiver))
    assert answer.status_code == 422
    (error,) = answer.json()["errors"]
    assert error["field"] == "url" and "127.0.0.1" in error["detail"]
    assert not Endpoint.objects.exists()


def test_a_read_key_may_list_but_not_change(cast, hook):
    _key, raw = api_key_create(organization=cast.org, name="Dash", scope="read")
    reader = ApiClient(raw)
    assert reader.get("/webhooks").status_code == 200
    assert (
        reader.post(
            "/webhooks", {"url": "https://example.com", "event_types": ["person.paused"]}
        ).status_code
        == 403
    )
    endpoint, _secret = hook
    assert reader.call("PATCH", f"/webhooks/{endpoint.pk}", {"enabled": False}).status_code == 403
    assert reader.delete(f"/webhooks/{endpoint.pk}").status_code == 403


def test_patch_changes_events_and_disables_then_delete_removes(cast, api, hook):
    endpoint, _secret = hook
    answer = api.patch(
        f"/webhooks/{endpoint.pk}", {"event_types": ["match.created"], "enabled": False}
    )
    assert answer.status_code == 200
    assert answer.json()["event_types"] == ["match.created"] and answer.json()["enabled"] is False
    assert api.patch(f"/webhooks/{endpoint.pk}", {"enabled": True}).json()["enabled"] is True
    assert api.delete(f"/webhooks/{endpoint.pk}").status_code == 204
    assert api.get(f"/webhooks/{endpoint.pk}").status_code == 404


def test_the_test_event_and_the_delivery_log_with_cursors(
    cast, api, hook, receiver, django_capture_on_commit_callbacks
):
    endpoint, _secret = hook
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert api.post(f"/webhooks/{endpoint.pk}/test").status_code == 202
    first = api.get(f"/webhooks/{endpoint.pk}/deliveries", limit=2).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = api.get(
        f"/webhooks/{endpoint.pk}/deliveries", limit=2, cursor=first["next_cursor"]
    ).json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    item = first["items"][0]
    assert item["status"] == "sent" and item["response_status"] == 200
    assert item["payload"]["type"] == "webhook.test" and item["event_id"].startswith("msg_")
    assert len(receiver.received) == 3


def test_another_organizations_key_sees_none_of_ours(cast, hook):
    endpoint, _secret = hook
    _key, raw = api_key_create(organization=cast.other_org, name="Globex", scope="write")
    theirs = ApiClient(raw)
    assert theirs.get("/webhooks").json()["items"] == []
    for method, path in [
        ("GET", f"/webhooks/{endpoint.pk}"),
        ("PATCH", f"/webhooks/{endpoint.pk}"),
        ("DELETE", f"/webhooks/{endpoint.pk}"),
        ("POST", f"/webhooks/{endpoint.pk}/test"),
        ("GET", f"/webhooks/{endpoint.pk}/deliveries"),
    ]:
        body = {"enabled": False} if method == "PATCH" else ({} if method == "POST" else None)
        assert theirs.call(method, path, body).status_code == 404, (method, path)
    endpoint.refresh_from_db()
    assert endpoint.enabled and not endpoint.deliveries.exists()
