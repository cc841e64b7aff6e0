"""Pages of single sign-on: "Sign in with your company account" for everyone, and the
console page where an organization admin sets up the identity provider. Thin: the
permission check, one service, render or redirect."""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_update
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from crosspaths.console.services import audit_record
from crosspaths.people.http import PersonRequest
from crosspaths.people.permissions import can_configure_sso, person_required

from .adapter import TRY_SESSION_KEY, social_app
from .forms import CompanySignInForm, DomainForm, IdentityProviderForm
from .models import EmailDomain, IdentityProvider
from .services import email_domain_add, email_domain_remove, organization_for_email

# The forms on these pages end in a redirect to the organization's identity provider,
# and browsers apply the policy's form-action to every redirect a form submission
# follows: these pages (only) let a form lead to https: sites, and to http: ones on
# loopback, where development's and the tests' identity providers run.
to_identity_provider = csp_update(
    {"form-action": ["'self'", "https:", "http://localhost:*", "http://127.0.0.1:*"]}
)


def _start(
    request: HttpRequest, idp: IdentityProvider, *, next_url: str = "", data: Any = None
) -> HttpResponse:
    """Send the browser to the organization's identity provider (allauth keeps the state)."""
    provider = social_app(idp).get_provider(request)
    return provider.redirect(request, process="login", next_url=next_url or None, data=data)


@never_cache
@to_identity_provider
def company_sign_in(request: HttpRequest) -> HttpResponse:
    """Find the person's organization by the verified domain of their address and send
    them to its identity provider."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = CompanySignInForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            organization = organization_for_email(email=form.cleaned_data["email"])
            if organization is not None:
                return _start(request, organization.identity_provider, next_url=next_url)
            form.add_error(
                "email",
                _(
                    "Your organization does not sign in to Crosspaths with its company account. Ask for an e-mail link instead."
                ),
            )
        status = 400
    return render(
        request, "sso/company_sign_in.html", {"form": form, "next": next_url}, status=status
    )


def _admin(request: PersonRequest) -> Any:
    person = request.person
    if not can_configure_sso(person):
        raise PermissionDenied
    return person


@person_required
@to_identity_provider  # type: ignore[arg-type]  # django-csp types the view's request as HttpRequest
def settings_page(request: PersonRequest) -> HttpResponse:
    """The organization's identity provider, its e-mail domains and the URLs its
    administrators need."""
    person = _admin(request)
    organization = person.organization
    idp = IdentityProvider.objects.filter(organization=organization).first()
    form = IdentityProviderForm(
        request.POST or None, instance=idp or IdentityProvider(organization=organization)
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
            audit_record(
                organization=organization,
                actor=person,
                action="sso.settings",
                summary=_(
                    "Single sign-on settings changed (%(protocol)s, on: %(on)s, required: %(required)s)"
                )
                % {
                    "protocol": saved.get_protocol_display(),
                    "on": _("yes") if saved.enabled else _("no"),
                    "required": _("yes") if saved.sso_required else _("no"),
                },
                target=saved,
            )
        messages.success(request, _("Single sign-on settings saved."))
        return redirect("sso:settings")
    key = f"org{organization.pk}"
    context = {
        "section": "sso",
        "can_manage_people": True,
        "can_view_audit_log": True,
        "form": form,
        "idp": idp,
        "domains": EmailDomain.objects.filter(organization=organization),
        "domain_form": DomainForm(),
        "oidc_callback": request.build_absolute_uri(reverse("openid_connect_callback", args=[key])),
        "saml_acs": request.build_absolute_uri(reverse("saml_acs", args=[key])),
        "saml_metadata": request.build_absolute_uri(reverse("saml_metadata", args=[key])),
    }
    return render(request, "sso/settings.html", context, status=400 if form.errors else 200)


@require_POST
@person_required
def domain_add(request: PersonRequest) -> HttpResponse:
    person = _admin(request)
    form = DomainForm(request.POST)
    if form.is_valid():
        email_domain_add(organization=person.organization, domain=form.cleaned_data["domain"])
        messages.success(request, _("Domain added. It counts once the operator has verified it."))
    else:
        messages.error(request, " ".join(map(str, form.errors.get("domain", []))))
    return redirect("sso:settings")


@require_POST
@person_required
def domain_remove(request: PersonRequest, pk: int) -> HttpResponse:
    person = _admin(request)
    get_object_or_404(EmailDomain, organization=person.organization, pk=pk)
    email_domain_remove(organization=person.organization, pk=pk)
    return redirect("sso:settings")


@require_POST
@person_required
def try_start(request: PersonRequest) -> HttpResponse:
    """Sign in at the identity provider and come back to a report, without signing
    anybody in here: the admin sees whom the assertion would sign in, before turning
    single sign-on on."""
    person = _admin(request)
    idp = IdentityProvider.objects.filter(organization=person.organization).first()
    if idp is None:
        messages.error(request, _("Save the identity provider's settings first."))
        return redirect("sso:settings")
    request.session.pop(TRY_SESSION_KEY, None)
    return _start(request, idp, data={"try": True})


@person_required
def try_result(request: PersonRequest) -> HttpResponse:
    person = _admin(request)
    result = request.session.get(TRY_SESSION_KEY)
    if not result or result.get("organization_id") != person.organization_id:
        return redirect("sso:settings")
    context = {
        "section": "sso",
        "can_manage_people": True,
        "can_view_audit_log": True,
        "result": result,
    }
    return render(request, "sso/try_result.html", context)
