"""Signing in: an e-mail link by default, a password as an option. Links are
checked on a page with a button (GET never spends a link, so mail scanners that
open links cannot use one up) and spent through ``authenticate()``/``login()``."""

from __future__ import annotations

import logging
from smtplib import SMTPException

from django.contrib.auth import authenticate, login
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables

from crosspaths.people.http import VisitorRequest
from crosspaths.people.middleware import SESSION_ORGANIZATION_KEY, SESSION_SCOPE_KEY
from crosspaths.people.models import SignInToken
from crosspaths.people.selectors import memberships_of
from crosspaths.people.sign_in_links import TokenState, sign_in_token_check
from crosspaths.sso.services import organization_for_email, password_scope, sso_required

from .client_address import client_address
from .forms import EmailAuthenticationForm, SignInLinkForm
from .signin import Wait, sign_in_attempt_wait, sign_in_links_send

logger = logging.getLogger(__name__)
SESSION_EMAIL_KEY = "crosspaths_sign_in_email"


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@never_cache
def sign_in(request: VisitorRequest) -> HttpResponse:
    """Ask for a sign-in link by e-mail (the default way in)."""
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.person is not None and request.method == "GET":
        return redirect(next_url or "home")
    form = SignInLinkForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        sso_organization = organization_for_email(email=email)
        if sso_organization is not None and sso_required(organization_id=sso_organization.pk):
            # The organization turned e-mail links off: its company sign-in instead.
            return redirect(f"{reverse('sso:company_sign_in')}?{urlencode({'email': email})}")
        wait = sign_in_attempt_wait(email=email, ip=client_address(request))
        if wait.seconds:
            form.add_error("email", _wait_message(wait))
            status = 429
        else:
            try:
                sign_in_links_send(email=email, next_url=next_url, language=get_language())
            except (SMTPException, OSError):
                logger.exception("could not send a sign-in link")
                form.add_error(
                    None,
                    _("We could not send the e-mail just now. Please try again in a few minutes."),
                )
                status = 503
            else:
                request.session[SESSION_EMAIL_KEY] = email
                return redirect("sign_in_sent")
    elif request.method == "POST":
        status = 400
    return render(request, "web/sign_in.html", {"form": form, "next": next_url}, status=status)


def _wait_message(wait: Wait) -> str:
    if wait.link_in_inbox:
        return ngettext(
            "We sent a sign-in link to this address moments ago: use the one in your inbox, it works for 20 minutes. You can ask for another in %(seconds)d second.",
            "We sent a sign-in link to this address moments ago: use the one in your inbox, it works for 20 minutes. You can ask for another in %(seconds)d seconds.",
            wait.seconds,
        ) % {"seconds": wait.seconds}
    return ngettext(
        "Too many sign-in links were asked for. Try again in %(minutes)d minute, or sign in with your password.",
        "Too many sign-in links were asked for. Try again in %(minutes)d minutes, or sign in with your password.",
        wait.minutes,
    ) % {"minutes": wait.minutes}


def sign_in_sent(request: HttpRequest) -> HttpResponse:
    """ "Check your inbox": the same words whether or not the address is known."""
    return render(
        request, "web/sign_in_sent.html", {"email": request.session.get(SESSION_EMAIL_KEY, "")}
    )


@never_cache
@sensitive_variables("token")
def sign_in_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET: say whose link this is and offer the button. POST: spend it and sign in.
    A stale, used or forged link gets a friendly page with a fresh-link form."""
    found, state = sign_in_token_check(raw=token)
    if found is not None and sso_required(organization_id=found.organization_id):
        return _link_problem(request, found, TokenState.INACTIVE, sso=True)
    if request.method == "POST":
        user = authenticate(request, sign_in_token=token)
        if user is not None:
            login(request, user)
            person = user.signed_in_person  # type: ignore[attr-defined]  # set by SignInTokenBackend (web/auth.py)
            # A link vouches for one organization: this session acts there only.
            request.session[SESSION_ORGANIZATION_KEY] = person.organization_id
            request.session[SESSION_SCOPE_KEY] = [person.organization_id]
            next_url = _safe_next(request, user.signed_in_next)  # type: ignore[attr-defined]  # set by SignInTokenBackend (web/auth.py)
            if person.onboarded_at is None:
                return redirect("onboarding")
            return redirect(next_url or "home")
        found, state = sign_in_token_check(raw=token)
    if state is not TokenState.VALID or found is None:
        return _link_problem(request, found, state)
    response = render(
        request,
        "web/sign_in_link.html",
        {"token": found, "invitation": found.purpose == SignInToken.Purpose.INVITATION},
    )
    # The link must not leak to other sites; "no-referrer" would make the browser send
    # "Origin: null" with the form, which the CSRF check rightly refuses.
    response["Referrer-Policy"] = "same-origin"
    return response


def _link_problem(
    request: HttpRequest, token: SignInToken | None, state: TokenState, *, sso: bool = False
) -> HttpResponse:
    email = token.person.email if token is not None else ""
    form = SignInLinkForm(initial={"email": email})
    return render(
        request,
        "web/sign_in_link_problem.html",
        {"state": "sso_required" if sso else state.value, "form": form, "next": "", "email": email},
        status=410
        if state in (TokenState.USED, TokenState.EXPIRED)
        else 404
        if state is TokenState.UNKNOWN
        else 403,
    )


class PasswordSignInView(LoginView):
    """Django's password sign-in, minus the organizations that require single sign-on:
    there a password lets in only organization admins (the break-glass for a broken
    identity provider, docs/sso.md). A login whose every membership is closed to
    passwords is refused with a pointer to the company sign-in."""

    authentication_form = EmailAuthenticationForm

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        memberships = list(memberships_of(user=user))
        scope = password_scope(memberships=memberships)
        if memberships and not scope:
            form.add_error(
                None,
                _("Your organization signs you in with your company account, not a password."),
            )
            return self.form_invalid(form)
        response = super().form_valid(form)
        if len(scope) < len(memberships):
            self.request.session[SESSION_SCOPE_KEY] = scope
        else:
            # A password proves the login itself: any of its memberships.
            self.request.session.pop(SESSION_SCOPE_KEY, None)
        return response
