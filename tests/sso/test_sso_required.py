"""An organization that requires single sign-on: e-mail links and passwords stop working
for its people (admins keep the password as the break-glass), other organizations and
one-action links are untouched."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail

from crosspaths.people.middleware import SESSION_SCOPE_KEY
from crosspaths.people.models import Person
from crosspaths.people.sign_in_links import sign_in_token_create
from crosspaths.sso.models import IdentityProvider
from crosspaths.web.signin import sign_in_links_send

from ..cast import PASSWORD
from .conftest import verify

pytestmark = pytest.mark.django_db


def require_sso(org) -> None:
    IdentityProvider.objects.create(
        organization=org,
        protocol=IdentityProvider.Protocol.OIDC,
        oidc_issuer="http://127.0.0.1:9/",
        oidc_client_id="c",
        oidc_client_secret="s",
        enabled=True,
        sso_required=True,
    )
    verify(org, f"{org.slug}.test")


def test_sso_required_sends_no_email_link_to_that_organizations_people(cast):
    require_sso(cast.org)
    assert sign_in_links_send(email="bob@acme.test") == 0
    assert sign_in_links_send(email="dana@globex.test") == 1  # another organization: as before
    assert [m.to for m in mail.outbox] == [["dana@globex.test"]]


def test_the_sign_in_form_sends_that_organizations_people_to_their_company_sign_in(client, cast):
    require_sso(cast.org)
    response = client.post("/login/", {"email": "bob@acme.test"})
    assert response.status_code == 302
    assert response["Location"] == "/login/company/?email=bob%40acme.test"
    assert mail.outbox == []


def test_sso_required_refuses_an_email_link_issued_before(client, cast):
    _token, raw = sign_in_token_create(person=cast.bob)
    require_sso(cast.org)
    response = client.post(f"/login/link/{raw}/")
    assert response.status_code == 403
    assert "Sign in with your company account" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_sso_required_refuses_the_password_of_a_participant(client, cast):
    require_sso(cast.org)
    response = client.post("/login/password/", {"username": "bob@acme.test", "password": PASSWORD})
    assert response.status_code == 200
    assert "signs you in with your company account" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_an_admin_keeps_the_password_as_break_glass(client, cast):
    require_sso(cast.org)
    response = client.post(
        "/login/password/", {"username": "alice@acme.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(cast.alice.user.pk)


def test_a_password_then_acts_only_where_passwords_are_allowed(client, cast):
    """Bob is also in Globex (no SSO there): his password lets him into Globex only."""
    Person.objects.create(organization=cast.other_org, email="bob@acme.test", user=cast.bob.user)
    require_sso(cast.org)
    response = client.post("/login/password/", {"username": "bob@acme.test", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[SESSION_SCOPE_KEY] == [cast.other_org.pk]


def test_without_sso_required_links_and_passwords_work_as_before(client, cast):
    IdentityProvider.objects.create(
        organization=cast.org, protocol="oidc", oidc_issuer="http://127.0.0.1:9/", enabled=True
    )
    assert sign_in_links_send(email="bob@acme.test") == 1
    response = client.post("/login/password/", {"username": "bob@acme.test", "password": PASSWORD})
    assert response.status_code == 302
    assert SESSION_SCOPE_KEY not in client.session
