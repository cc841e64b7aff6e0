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
from crosspaths.people.models import Department

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


def _spend(raw: str, now, tries: int, answers) -> None:  # type: ignore[no-untyped-def]
    """In a thread of its own, so with a database connection of its own: try ``tries``
    requests of one key; report how many counted."""
    from django.db import connection

    from crosspaths.api.keys import api_key_authenticate_and_count

    counted = limited = 0
    try:
        for _ in range(tries):
            try:
                counted += api_key_authenticate_and_count(raw=raw, now=now) is not None
            except RateLimited:
                limited += 1
    finally:
        connection.close()
        answers.put((counted, limited))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_workers_share_one_budget_a_minute(settings):
    """Four database sessions at once (as four gunicorn workers) spend one key's budget,
    its window's first request included: exactly the limit is let through. Threads,
    not forked processes: Django's connections are per thread, and a fork would share
    the parent's open session with the children (it hung the suite on PostgreSQL)."""
    import queue
    import threading

    from crosspaths.people.models import Organization

    settings.API_RATE_LIMIT_PER_MINUTE = 50
    org = Organization.objects.create(name="Acme", slug="acme", timezone="Europe/Berlin")
    key, raw = api_key_create(organization=org, name="x")
    now = clock.now().replace(second=5)
    answers: queue.Queue[tuple[int, int]] = queue.Queue()
    start = threading.Barrier(4)

    def worker() -> None:
        start.wait(timeout=60)
        _spend(raw, now, 20, answers)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    results = [answers.get(timeout=120) for _ in threads]
    for thread in threads:
        thread.join(60)
    assert sum(c for c, _l in results) == 50
    assert sum(limited for _c, limited in results) == 30
    assert RateWindow.objects.get(api_key=key).count == 50


@pytest.mark.postgres
def test_on_postgresql_a_read_checks_the_key_and_counts_in_one_statement(cast, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.API_RATE_LIMIT_PER_MINUTE = 3
    _key, raw = api_key_create(organization=cast.org, name="x", scope="read")
    client = ApiClient(raw)
    first = client.get("/departments")  # the minute's first request makes its window
    with CaptureQueriesContext(connection) as queries:
        second = client.get("/departments")
    assert [first.status_code, second.status_code] == [200, 200]
    assert len(queries.captured_queries) == 2  # the key and its count, then the page
    assert "RETURNING" in queries.captured_queries[0]["sql"]
    assert [first["RateLimit-Remaining"], second["RateLimit-Remaining"]] == ["2", "1"]
    # The key's scope still decides (a read key cannot write; the attempt counts).
    assert client.post("/programs", {"name": "x", "format": "lunch"}).status_code == 403
    refused = client.get("/departments")
    assert refused.status_code == 429 and int(refused["Retry-After"]) <= 60
    assert refused["Content-Type"] == "application/problem+json"


@pytest.mark.postgres
def test_on_postgresql_a_revoked_key_is_refused_on_its_next_request(cast):
    key, raw = api_key_create(organization=cast.org, name="x", scope="read")
    client = ApiClient(raw)
    assert client.get("/departments").status_code == 200
    assert client.get("/departments").status_code == 200  # the one-statement way
    api_key_revoke(key=key, actor=cast.alice)
    assert client.get("/departments").status_code == 401
    # Another organization's key, on the same path, reads its own organization only.
    _other, other_raw = api_key_create(organization=cast.other_org, name="y", scope="read")
    other = ApiClient(other_raw)
    other.get("/departments")
    ids = {d["id"] for d in other.get("/departments").json()["items"]}
    assert ids == set(
        Department.objects.filter(organization=cast.other_org).values_list("pk", flat=True)
    )
