"""API keys: stored hashed, shown once, scoped, revocable, logged, rate-limited."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from crosspaths import clock
from crosspaths.api.keys import (
    RateLimited,
    api_key_authenticate,
    api_key_create,
    api_key_revoke,
    rate_limit_take,
)
from crosspaths.api.models import ApiKey, RateWindow
from crosspaths.console.models import AuditLog

from ..cast import PASSWORD
from .conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_only_the_hash_of_a_key_is_stored(cast):
    key, raw = api_key_create(organization=cast.org, name="HRIS", scope="write")
    assert raw.startswith("cpk_") and len(raw) > 40
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiKey.objects.filter(pk=key.pk).values().get())
    assert raw.startswith(key.prefix)


def test_creating_and_revoking_a_key_is_in_the_audit_log(cast):
    key, _raw = api_key_create(organization=cast.org, name="HRIS", created_by=cast.alice)
    assert api_key_revoke(key=key, actor=cast.alice)
    assert not api_key_revoke(key=key, actor=cast.alice)
    entries = AuditLog.objects.filter(organization=cast.org).order_by("id")
    assert [e.action for e in entries] == ["api.key.create", "api.key.revoke"]
    assert all(e.actor == cast.alice and "HRIS" in e.summary for e in entries)


def test_a_revoked_key_is_refused_at_once(cast):
    key, raw = api_key_create(organization=cast.org, name="HRIS")
    assert api_key_authenticate(raw=raw) == key
    api_key_revoke(key=key, actor=None)
    assert api_key_authenticate(raw=raw) is None
    answer = ApiClient(raw).get("/people")
    assert answer.status_code == 401
    assert answer["Content-Type"] == "application/problem+json"
    assert answer["WWW-Authenticate"] == "Bearer"


def test_no_key_or_a_wrong_key_is_401(client, cast):
    assert client.get("/api/v1/people").status_code == 401
    assert ApiClient("cpk_" + "x" * 43).get("/people").status_code == 401
    assert ApiClient("not-even-ours").get("/people").status_code == 401


def test_a_read_key_cannot_write(reader, cast):
    answer = reader.post("/programs", {"name": "Coffee", "format": "virtual_coffee"})
    assert answer.status_code == 403
    assert "may not change" in answer.json()["detail"]
    assert reader.get("/programs").status_code == 200


def test_a_key_limited_to_some_resources_reads_only_those(cast):
    _key, raw = api_key_create(organization=cast.org, name="x", resources=["programs"])
    client = ApiClient(raw)
    assert client.get("/programs").status_code == 200
    assert client.get("/people").status_code == 403
    assert client.get("/rounds").status_code == 403


def test_unknown_scope_or_resource_is_refused_naming_the_field(cast):
    with pytest.raises(Exception) as e:
        api_key_create(organization=cast.org, name="x", resources=["everything"])
    assert "resources" in e.value.message_dict
    with pytest.raises(Exception) as e:
        api_key_create(organization=cast.org, name="x", scope="admin")
    assert "scope" in e.value.message_dict


def test_a_key_gets_429_after_its_budget_for_the_minute(cast, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    _key, raw = api_key_create(organization=cast.org, name="x")
    client = ApiClient(raw)
    answers = [client.get("/departments") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0]["RateLimit-Limit"] == "3"
    assert answers[2]["RateLimit-Remaining"] == "0"
    assert int(answers[3]["Retry-After"]) <= 60
    assert answers[3]["Content-Type"] == "application/problem+json"
    # Another key has its own budget.
    _other, raw2 = api_key_create(organization=cast.org, name="y")
    assert ApiClient(raw2).get("/departments").status_code == 200


def test_the_budget_is_new_the_next_minute(cast, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 1
    key, _raw = api_key_create(organization=cast.org, name="x")
    now = clock.now().replace(second=30)
    assert rate_limit_take(key=key, now=now) == (1, 0, 30)
    with pytest.raises(RateLimited):
        rate_limit_take(key=key, now=now + timedelta(seconds=29))
    assert rate_limit_take(key=key, now=now + timedelta(seconds=30))[1] == 0
    assert RateWindow.objects.filter(api_key=key).count() == 1  # the old minute is gone


def test_manage_py_api_key_prints_a_working_key(cast):
    out = StringIO()
    call_command("api_key", "--org", "acme", "--scope", "write", stdout=out)
    raw = out.getvalue().strip()
    key = api_key_authenticate(raw=raw)
    assert key is not None and key.organization == cast.org and key.scope == "write"
    with pytest.raises(CommandError):
        call_command("api_key", "--org", "nope", stdout=StringIO())


def test_admins_create_a_key_in_the_console_and_see_it_once(client, cast):
    client.login(username="alice@acme.test", password=PASSWORD)
    page = client.post(
        "/console/api-keys/new/", {"name": "Intranet", "scope": "read", "resources": ["matches"]}
    )
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    key = ApiKey.objects.get(organization=cast.org, name="Intranet")
    assert key.scope == "read" and key.resources == ["matches"] and key.created_by == cast.alice
    raw = page.content.decode().split('id="new-key">')[1].split("<")[0]
    assert api_key_authenticate(raw=raw) == key
    listing = client.get("/console/api-keys/").content.decode()
    assert raw not in listing and key.prefix in listing
    client.post(f"/console/api-keys/{key.pk}/revoke/")
    assert api_key_authenticate(raw=raw) is None


def test_the_console_page_names_a_bad_resource(client, cast):
    client.login(username="alice@acme.test", password=PASSWORD)
    page = client.post("/console/api-keys/new/", {"name": "x", "resources": ["everything"]})
    assert page.status_code == 400 and "everything" in page.content.decode()
    assert not ApiKey.objects.exists()


@pytest.mark.parametrize("who", ["bob@acme.test", "chidi@acme.test"])
def test_only_admins_see_the_api_keys_page(client, cast, who):
    cast.chidi.role = "program_manager"
    cast.chidi.save()
    client.login(username=who, password=PASSWORD)
    assert client.get("/console/api-keys/").status_code == 403
    assert client.post("/console/api-keys/new/", {"name": "x"}).status_code == 403
    assert not ApiKey.objects.exists()
