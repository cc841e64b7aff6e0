"""SCIM tokens: only organization admins create and revoke them; shown once, stored as a
hash; an operator's manage.py scim_token prints one; a revoked token is refused."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from crosspaths.console.models import AuditLog
from crosspaths.people.models import Person
from crosspaths.scim.models import ScimToken
from crosspaths.scim.tokens import scim_token_create

from .conftest import ScimClient

pytestmark = pytest.mark.django_db


def _signed_in(person: Person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def test_an_admin_creates_a_token_that_is_shown_once_and_stored_as_a_hash(cast):
    client = _signed_in(cast.alice)
    response = client.post("/console/provisioning/tokens/new/", {"name": "Okta"})
    assert response.status_code == 200
    token = ScimToken.objects.get(organization=cast.org)
    raw = response.context["new_token"]
    assert raw in response.content.decode()
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ScimToken.objects.filter(pk=token.pk).values().get())
    assert raw not in client.get("/console/provisioning/").content.decode()
    assert ScimClient(raw).get("/Users").status_code == 200
    assert AuditLog.objects.filter(action=AuditLog.Action.SCIM_TOKEN_CREATE, actor=cast.alice)


@pytest.mark.parametrize("role", [Person.Role.PROGRAM_MANAGER, Person.Role.PARTICIPANT])
def test_only_organization_admins_manage_tokens(cast, role):
    cast.bob.role = role
    cast.bob.save()
    token, _raw = scim_token_create(organization=cast.org, name="Okta")
    client = _signed_in(cast.bob)
    assert client.get("/console/provisioning/").status_code == 403
    assert client.post("/console/provisioning/tokens/new/", {"name": "x"}).status_code == 403
    assert client.post(f"/console/provisioning/tokens/{token.pk}/revoke/").status_code == 403
    assert ScimToken.objects.filter(organization=cast.org).count() == 1
    assert ScimToken.objects.get(pk=token.pk).revoked_at is None


def test_a_revoked_token_is_refused_at_once(cast):
    token, raw = scim_token_create(organization=cast.org, name="Okta")
    scim = ScimClient(raw)
    assert scim.get("/Users").status_code == 200
    response = _signed_in(cast.alice).post(f"/console/provisioning/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    refused = scim.get("/Users")
    assert refused.status_code == 401
    assert refused.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert AuditLog.objects.filter(action=AuditLog.Action.SCIM_TOKEN_REVOKE, actor=cast.alice)


def test_no_token_or_a_wrong_one_is_a_scim_401(cast):
    assert ScimClient("cpscim_wrong").get("/Users").status_code == 401
    response = Client().get("/scim/v2/Users")
    assert response.status_code == 401
    assert "Bearer" in response["WWW-Authenticate"]


def test_an_operator_prints_a_new_token_with_manage_py(cast):
    out = StringIO()
    call_command("scim_token", "--org", "acme", stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("cpscim_")
    assert ScimClient(raw).get("/Users").status_code == 200
    assert ScimToken.objects.get(organization=cast.org).token_hash == (
        hashlib.sha256(raw.encode()).hexdigest()
    )
