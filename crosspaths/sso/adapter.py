"""django-allauth, bent to organizations: each organization's identity provider is an
allauth app built from its ``IdentityProvider`` row (no ``SocialApp`` rows, no
settings per customer), and a returning assertion never goes through allauth's own
account creation. ``pre_social_login`` decides here, always ending the flow itself:
it signs the organization's roster person in (acting in that organization only),
shows a "try sign-in" result to the admin who asked for it, or shows a refusal."""

from __future__ import annotations

from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from django.contrib.auth import login
from django.http import HttpRequest
from django.shortcuts import redirect, render

from crosspaths.people.middleware import SESSION_ORGANIZATION_KEY, SESSION_SCOPE_KEY
from crosspaths.people.sign_in_links import person_account_link
from crosspaths.request_numbers import whole_number

from .models import IdentityProvider
from .services import Refusal, sso_person_find

ORGANIZATION_SETTING = "crosspaths_organization_id"
TRY_SESSION_KEY = "crosspaths_sso_try"
COMPANY_SIGN_IN = "Company sign-in"  # the app's name; never the organization's
# The SAML attributes that carry an e-mail address at common identity providers, on top
# of allauth's defaults (Entra ID, Okta, ADFS, Google and eduPerson/LDAP names).
SAML_EMAIL_ATTRIBUTES = [
    "urn:oid:0.9.2342.19200300.100.1.3",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    "email",
    "mail",
    "Email",
    "emailAddress",
]


def social_app(idp: IdentityProvider) -> SocialApp:
    """The allauth app (unsaved) for an organization's identity provider."""
    base: dict[str, Any] = {ORGANIZATION_SETTING: idp.organization_id}
    if idp.protocol == IdentityProvider.Protocol.OIDC:
        return SocialApp(
            provider="openid_connect",
            provider_id=idp.key,
            name=COMPANY_SIGN_IN,
            client_id=idp.oidc_client_id,
            secret=idp.oidc_client_secret,
            settings={**base, "server_url": idp.oidc_issuer, "oauth_pkce_enabled": True},
        )
    return SocialApp(
        provider="saml",
        provider_id=idp.key,
        name=COMPANY_SIGN_IN,
        client_id=idp.key,
        settings={
            **base,
            "idp": {
                "entity_id": idp.saml_entity_id,
                "sso_url": idp.saml_sso_url,
                "x509cert": idp.saml_x509cert,
            },
            "attribute_mapping": {"uid": [], "email": SAML_EMAIL_ATTRIBUTES},
            "advanced": {
                # Only answers to our own requests: an unsolicited response could be
                # replayed or pushed into someone's browser.
                "reject_idp_initiated_sso": True,
                "allow_single_label_domains": True,  # "localhost" in tests and intranets
                "strict": True,
            },
        },
    )


class OrganizationSocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(
        self, request: HttpRequest | None, provider: str | None = None, client_id: str | None = None
    ) -> list[SocialApp]:
        """Apps come from the organizations' identity providers. allauth asks by
        protocol ("openid_connect", "saml") or by our key ("org12"), and SAML by client
        id (which is the key too)."""
        rows = IdentityProvider.objects.select_related("organization")
        if provider == "openid_connect":
            rows = rows.filter(protocol=IdentityProvider.Protocol.OIDC)
        elif provider == "saml":
            rows = rows.filter(protocol=IdentityProvider.Protocol.SAML)
        elif provider:
            rows = rows.filter(organization_id=_organization_id(provider))
        apps = [social_app(idp) for idp in rows]
        if client_id:
            apps = [app for app in apps if app.client_id == client_id]
        return apps

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False  # accounts come from the roster, never from an assertion

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        organization_id = int(sociallogin.provider.app.settings[ORGANIZATION_SETTING])
        outcome = sso_person_find(
            organization_id=organization_id, email=_asserted_email(sociallogin)
        )
        data = sociallogin.state.get("data") or {}
        if data.get("try"):
            request.session[TRY_SESSION_KEY] = {
                "organization_id": organization_id,
                "email": outcome.email,
                "person": outcome.person.name or outcome.person.email if outcome.person else "",
                "refusal": outcome.refusal.value if outcome.refusal else "",
            }
            raise ImmediateHttpResponse(redirect("sso:try_result"))
        idp = IdentityProvider.objects.filter(organization_id=organization_id, enabled=True).first()
        if idp is None:
            raise ImmediateHttpResponse(_refused(request, "disabled", outcome.email))
        if outcome.refusal is not None or outcome.person is None:
            raise ImmediateHttpResponse(
                _refused(request, (outcome.refusal or Refusal.UNKNOWN_PERSON).value, outcome.email)
            )
        person = outcome.person
        # The organization's own identity provider asserts this address, at a domain the
        # organization verified: as good as a link used at that address.
        user = person_account_link(person=person)
        if not user.is_active:
            raise ImmediateHttpResponse(_refused(request, Refusal.INACTIVE.value, outcome.email))
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        # An identity provider vouches for its own organization: act there only.
        request.session[SESSION_ORGANIZATION_KEY] = person.organization_id
        request.session[SESSION_SCOPE_KEY] = [person.organization_id]
        next_url = str(sociallogin.state.get("next") or "")
        if person.onboarded_at is None:
            raise ImmediateHttpResponse(redirect("onboarding"))
        raise ImmediateHttpResponse(redirect(next_url or "home"))

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        """Our page, not allauth's: the identity provider said no, or its answer did not
        check out (signature, audience, state)."""
        raise ImmediateHttpResponse(_refused(request, "provider_error", "", status=400))


def _organization_id(key: str) -> int:
    return whole_number(key.removeprefix("org")) or 0


def _asserted_email(sociallogin: SocialLogin) -> str:
    for address in sociallogin.email_addresses:
        if address.email:
            return str(address.email)
    return str(getattr(sociallogin.user, "email", "") or "")


def _refused(request: HttpRequest, reason: str, email: str, status: int = 403) -> Any:
    return render(request, "sso/refused.html", {"reason": reason, "email": email}, status=status)
