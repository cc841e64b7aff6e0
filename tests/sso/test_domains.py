"""E-mail domains: trusted only once an operator verified them, and for one organization."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from crosspaths.sso.models import EmailDomain
from crosspaths.sso.services import (
    Refusal,
    email_domain_add,
    organization_for_email,
    sso_person_find,
)

pytestmark = pytest.mark.django_db


def test_an_unverified_domain_is_not_trusted(cast):
    email_domain_add(organization=cast.org, domain="acme.test")
    outcome = sso_person_find(organization_id=cast.org.pk, email="bob@acme.test")
    assert outcome.person is None and outcome.refusal is Refusal.DOMAIN_NOT_VERIFIED


def test_the_operator_verifies_a_domain_and_then_the_person_is_found(cast, capsys):
    call_command("sso_domain_verify", org="acme", domain="ACME.test")
    assert "acme.test is verified for acme" in capsys.readouterr().out
    outcome = sso_person_find(organization_id=cast.org.pk, email="Bob@Acme.test")
    assert outcome.person == cast.bob and outcome.refusal is None


def test_the_first_organization_to_name_a_domain_does_not_win_it(cast):
    email_domain_add(organization=cast.other_org, domain="acme.test")  # Globex names it first
    call_command("sso_domain_verify", org="acme", domain="acme.test")
    with pytest.raises(CommandError, match="already verified for the organization acme"):
        call_command("sso_domain_verify", org="globex", domain="acme.test")
    assert not EmailDomain.objects.filter(
        organization=cast.other_org, verified_at__isnull=False
    ).exists()


def test_an_identity_provider_never_finds_another_organizations_person(cast):
    """Globex verified its domain; Dana's address asserted to Acme is still nobody."""
    call_command("sso_domain_verify", org="globex", domain="globex.test")
    call_command("sso_domain_verify", org="acme", domain="acme.test")
    assert sso_person_find(organization_id=cast.org.pk, email="dana@globex.test").person is None
    assert sso_person_find(organization_id=cast.other_org.pk, email="bob@acme.test").person is None


def test_the_command_names_a_bad_argument(cast):
    with pytest.raises(CommandError, match="--org: there is no organization"):
        call_command("sso_domain_verify", org="nope", domain="acme.test")
    with pytest.raises(CommandError, match=r"--domain: .*not a domain name"):
        call_command("sso_domain_verify", org="acme", domain="not a domain")


def test_revoking_a_domain_stops_trusting_it(cast):
    call_command("sso_domain_verify", org="acme", domain="acme.test")
    call_command("sso_domain_verify", org="acme", domain="acme.test", revoke=True)
    assert (
        sso_person_find(organization_id=cast.org.pk, email="bob@acme.test").refusal
        is Refusal.DOMAIN_NOT_VERIFIED
    )


def test_the_company_sign_in_finds_no_organization_for_an_unverified_domain(cast):
    from crosspaths.sso.models import IdentityProvider

    IdentityProvider.objects.create(organization=cast.org, protocol="oidc", enabled=True)
    email_domain_add(organization=cast.org, domain="acme.test")
    assert organization_for_email(email="bob@acme.test") is None
    call_command("sso_domain_verify", org="acme", domain="acme.test")
    assert organization_for_email(email="bob@acme.test") == cast.org
