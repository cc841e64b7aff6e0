"""Single sign-on end to end in a real Chromium, against real identity providers on
loopback (node's oidc-provider and a pysaml2 SAML IdP, started by the fixtures)."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import Page, expect

from crosspaths.people.middleware import SESSION_ORGANIZATION_KEY, SESSION_SCOPE_KEY
from crosspaths.people.models import Person

from ..browser import assert_accessible
from .conftest import verify

# The identity providers run in subprocesses on the machine's clock, and assertions carry
# timestamps: these tests use the real clock too (and pass on any date).
pytestmark = [pytest.mark.browser, pytest.mark.real_clock, pytest.mark.django_db(transaction=True)]


def session_of(page: Page) -> SessionStore:
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    return SessionStore(session_key=cookie["value"])


def start_company_sign_in(page: Page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name="Sign in with your company account").click()
    page.get_by_label("Your work e-mail").fill(email)
    page.get_by_role("button", name="Continue to my company's sign-in").click()


def oidc_provider_sign_in(page: Page, asserted: str) -> None:
    """oidc-provider's own sign-in and consent pages: the login typed is the address
    the provider asserts."""
    page.locator("input[name=login]").fill(asserted)
    page.locator("input[name=password]").fill("anything")
    page.locator("button[type=submit]").click()
    page.locator("button[type=submit]", has_text="Continue").click()


def also_in_globex(cast) -> Person:
    """Bob's login is also a member of Globex: an SSO session of Acme must not act there."""
    return Person.objects.create(
        organization=cast.other_org, email="bob@acme.test", name="Bob at Globex", user=cast.bob.user
    )


def test_oidc_sign_in_links_the_roster_person_and_acts_in_their_organization_only(
    page: Page, live_server, cast, oidc_idp
):
    also_in_globex(cast)
    oidc_idp(cast.org)
    verify(cast.org, "acme.test")
    start_company_sign_in(page, live_server, "bob@acme.test")
    oidc_provider_sign_in(page, "bob@acme.test")
    expect(page).to_have_url(f"{live_server.url}/start/")
    session = session_of(page)
    assert session[SESSION_KEY] == str(cast.bob.user.pk)
    assert session[SESSION_ORGANIZATION_KEY] == cast.org.pk
    assert session[SESSION_SCOPE_KEY] == [cast.org.pk]
    assert_accessible(page)


def test_saml_sign_in_links_the_roster_person_and_acts_in_their_organization_only(
    page: Page, live_server, cast, saml_idp
):
    also_in_globex(cast)
    Person.objects.filter(pk=cast.chidi.pk).update(user=None)  # first sign-in links the login
    saml_idp(cast.org)
    verify(cast.org, "acme.test")
    start_company_sign_in(page, live_server, "chidi@acme.test")
    page.get_by_label("E-mail").fill("chidi@acme.test")
    page.get_by_role("button", name="Sign in at the IdP").click()
    expect(page).to_have_url(f"{live_server.url}/start/")
    session = session_of(page)
    cast.chidi.refresh_from_db()
    assert cast.chidi.user is not None and cast.chidi.user.username == "chidi@acme.test"
    assert session[SESSION_KEY] == str(cast.chidi.user.pk)
    assert session[SESSION_SCOPE_KEY] == [cast.org.pk]


def test_another_organizations_identity_provider_asserting_our_persons_email_gets_nothing_of_ours(
    page: Page, live_server, cast, oidc_idp
):
    also_in_globex(cast)  # even a Globex row with Bob's address does not help Globex's IdP
    oidc_idp(cast.other_org)
    verify(cast.org, "acme.test")
    verify(cast.other_org, "globex.test")
    start_company_sign_in(page, live_server, "dana@globex.test")
    oidc_provider_sign_in(page, "bob@acme.test")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This address cannot be signed in here"
    )
    assert SESSION_KEY not in session_of(page)
    page.goto(f"{live_server.url}/programs/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/programs/")


def test_an_unknown_person_gets_a_clear_page_and_no_account(
    page: Page, live_server, cast, oidc_idp
):
    oidc_idp(cast.org)
    verify(cast.org, "acme.test")
    start_company_sign_in(page, live_server, "newhire@acme.test")
    oidc_provider_sign_in(page, "newhire@acme.test")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You are not in this organization's list of people yet"
    )
    from django.contrib.auth.models import User

    assert not User.objects.filter(username="newhire@acme.test").exists()


def test_an_admin_tries_the_sign_in_without_signing_anybody_in(
    page: Page, live_server, cast, oidc_idp
):
    from ..browser import sign_in

    oidc_idp(cast.org)
    verify(cast.org, "acme.test")
    sign_in(page.context, live_server.url, cast.alice.user)
    page.goto(f"{live_server.url}/console/sso/")
    page.get_by_role("button", name="Try sign-in").click()
    oidc_provider_sign_in(page, "chidi@acme.test")
    expect(page.get_by_text("It works: this signs in Chidi Okafor.")).to_be_visible()
    assert session_of(page)[SESSION_KEY] == str(cast.alice.user.pk)
