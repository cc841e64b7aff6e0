"""The console's single sign-on page: organization admins only (issue 11, point 7)."""

from __future__ import annotations

import pytest

from crosspaths.console.models import AuditLog
from crosspaths.people.models import Person
from crosspaths.sso.models import EmailDomain, IdentityProvider

pytestmark = pytest.mark.django_db

OIDC = {
    "protocol": "oidc",
    "oidc_issuer": "https://login.acme.test/",
    "oidc_client_id": "crosspaths",
    "oidc_client_secret": "s3cret",
    "enabled": "on",
}


@pytest.mark.parametrize("role", [Person.Role.PROGRAM_MANAGER, Person.Role.PARTICIPANT])
def test_only_organization_admins_configure_single_sign_on(client, cast, role):
    Person.objects.filter(pk=cast.chidi.pk).update(role=role)
    client.force_login(cast.chidi.user)
    assert client.get("/console/sso/").status_code == 403
    assert client.post("/console/sso/", OIDC).status_code == 403
    assert client.post("/console/sso/domains/", {"domain": "acme.test"}).status_code == 403
    assert not IdentityProvider.objects.exists() and not EmailDomain.objects.exists()


def test_an_admin_saves_the_identity_provider_and_the_audit_log_says_so(client, cast):
    client.force_login(cast.alice.user)
    response = client.post("/console/sso/", OIDC)
    assert response.status_code == 302
    idp = IdentityProvider.objects.get(organization=cast.org)
    assert (idp.oidc_client_id, idp.oidc_client_secret, idp.enabled) == (
        "crosspaths",
        "s3cret",
        True,
    )
    assert AuditLog.objects.filter(organization=cast.org, action="sso.settings").count() == 1
    page = client.get("/console/sso/").content.decode()
    assert "s3cret" not in page  # the secret is never shown back
    assert f"/sso/oidc/org{cast.org.pk}/login/callback/" in page
    # Saving again without a secret keeps the stored one.
    client.post("/console/sso/", {**OIDC, "oidc_client_secret": ""})
    idp.refresh_from_db()
    assert idp.oidc_client_secret == "s3cret"


def test_missing_settings_are_named(client, cast):
    client.force_login(cast.alice.user)
    response = client.post("/console/sso/", {"protocol": "oidc"})
    assert response.status_code == 400
    assert "Needed for OpenID Connect." in response.content.decode()
    response = client.post("/console/sso/", {"protocol": "saml", "saml_metadata_xml": "<not-xml"})
    assert response.status_code == 400
    assert "not valid SAML metadata" in response.content.decode()


def test_an_admin_adds_a_domain_that_waits_for_the_operator(client, cast):
    client.force_login(cast.alice.user)
    client.post("/console/sso/domains/", {"domain": "@Acme.test"})
    domain = EmailDomain.objects.get(organization=cast.org)
    assert domain.domain == "acme.test" and domain.verified_at is None
    page = client.get("/console/sso/").content.decode()
    assert domain.dns_record in page and "waiting for verification" in page


def test_an_admin_cannot_remove_another_organizations_domain(client, cast):
    theirs = EmailDomain.objects.create(organization=cast.other_org, domain="globex.test")
    client.force_login(cast.alice.user)
    assert client.post(f"/console/sso/domains/{theirs.pk}/remove/").status_code == 404
    assert EmailDomain.objects.filter(pk=theirs.pk).exists()
