"""Choosing the organization a session acts in, for a login that belongs to several.

A session acts as exactly one membership. It may switch to another only where it
signed in: a password proves the login, so any of its memberships; a sign-in link (or
an organization's identity provider) vouches for its own organization only, and
entering another one takes that organization's own sign-in link."""

from __future__ import annotations

from smtplib import SMTPException

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from crosspaths.notify.account_emails import send_sign_in_link
from crosspaths.people.middleware import SESSION_ORGANIZATION_KEY, SESSION_SCOPE_KEY
from crosspaths.people.models import Person, SignInToken
from crosspaths.people.selectors import memberships_of
from crosspaths.people.sign_in_links import sign_in_token_create, sign_in_url


@never_cache
@login_required
def organizations(request: HttpRequest) -> HttpResponse:
    """GET: the login's memberships. POST ``organization``: act there when this session
    signed in to it, else mail a sign-in link to that membership's address."""
    people = list(memberships_of(user=request.user))
    scope = request.session.get(SESSION_SCOPE_KEY)
    if request.method == "POST":
        chosen = next(
            (p for p in people if str(p.organization_id) == request.POST.get("organization")),
            None,
        )
        if chosen is None:
            return render(request, "web/organizations.html", {"rows": []}, status=404)
        if scope is None or chosen.organization_id in scope:
            request.session[SESSION_ORGANIZATION_KEY] = chosen.organization_id
            return redirect("home")
        return _send_link(request, chosen)
    current = request.session.get(SESSION_ORGANIZATION_KEY)
    rows = [
        {
            "person": p,
            "current": p.organization_id == current,
            "signed_in": scope is None or p.organization_id in scope,
        }
        for p in people
    ]
    return render(request, "web/organizations.html", {"rows": rows})


def _send_link(request: HttpRequest, person: Person) -> HttpResponse:
    token, raw = sign_in_token_create(person=person, purpose=SignInToken.Purpose.SIGN_IN)
    try:
        send_sign_in_link(
            person=person,
            url=sign_in_url(raw),
            expires_at=token.expires_at,
            language=get_language(),
        )
    except (SMTPException, OSError):
        messages.error(request, _("We could not send the e-mail just now. Please try again."))
        return redirect("organizations")
    messages.success(
        request,
        _("To enter %(organization)s, use the sign-in link we just sent to %(email)s.")
        % {"organization": person.organization.name, "email": person.email},
    )
    return redirect("organizations")
