"""The SCIM deactivation pause: more deactivations within an hour than the configured
share of the organization pause further ones (a SCIM error) and e-mail the admins once;
an admin resumes them in the console."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from crosspaths.console.models import AuditLog
from crosspaths.people.models import Person
from crosspaths.scim.models import ScimPause

from .conftest import okta_user

pytestmark = pytest.mark.django_db


def _provision(scim, count: int) -> list[str]:
    return [scim.post("/Users", okta_user(f"p{i}@acme.test")).json()["id"] for i in range(count)]


def _deactivate(scim, pk: str):
    return scim.patch(f"/Users/{pk}", {"op": "replace", "value": {"active": False}})


def test_too_many_deactivations_in_an_hour_pause_the_rest_and_alert_the_admins_once(
    scim, cast, settings, django_capture_on_commit_callbacks
):
    settings.SCIM_DEACTIVATION_SHARE = 0.10
    ids = _provision(scim, 37)  # with Alice, Bob and Chidi 40 people: 4 an hour pass
    mail.outbox.clear()
    for pk in ids[:4]:
        assert _deactivate(scim, pk).status_code in (200, 204)
    with django_capture_on_commit_callbacks(execute=True):
        refused = _deactivate(scim, ids[4])
    assert refused.status_code == 403
    assert "paused" in refused.json()["detail"]
    assert Person.objects.get(pk=ids[4]).active
    with django_capture_on_commit_callbacks(execute=True):
        assert scim.delete(f"/Users/{ids[5]}").status_code == 403
    assert Person.objects.get(pk=ids[5]).active
    assert [m.to for m in mail.outbox] == [["alice@acme.test"]]
    assert ScimPause.objects.get(organization=cast.org).resumed_at is None
    assert AuditLog.objects.filter(organization=cast.org, action=AuditLog.Action.SCIM_PAUSE)
    # Other changes go on while deactivations wait.
    changed = scim.patch(f"/Users/{ids[6]}", {"op": "replace", "path": "displayName", "value": "Z"})
    assert changed.status_code in (200, 204)


def test_an_admin_resumes_deactivations(scim, cast, settings):
    settings.SCIM_DEACTIVATION_SHARE = 0.10
    ids = _provision(scim, 7)  # 10 people: the floor of 3 an hour applies
    for pk in ids[:3]:
        _deactivate(scim, pk)
    assert _deactivate(scim, ids[3]).status_code == 403
    client = Client()
    client.force_login(cast.alice.user)
    assert "Resume deactivations" in client.get("/console/provisioning/").content.decode()
    assert client.post("/console/provisioning/resume/").status_code == 302
    assert _deactivate(scim, ids[3]).status_code in (200, 204)
    assert not Person.objects.get(pk=ids[3]).active


def test_the_share_is_a_setting(scim, cast, settings):
    settings.SCIM_DEACTIVATION_SHARE = 0.6
    ids = _provision(scim, 7)  # 10 people: 6 an hour pass
    for pk in ids[:6]:
        assert _deactivate(scim, pk).status_code in (200, 204)
    assert _deactivate(scim, ids[6]).status_code == 403
