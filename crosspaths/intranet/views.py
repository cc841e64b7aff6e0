"""The intranet cards (iframe pages) and their console settings.

The cards are the only pages of the site another site may frame: each answer names
the organization's allow-list in ``Content-Security-Policy: frame-ancestors`` and
carries no ``X-Frame-Options`` (``xframe_options_exempt``); every other page keeps
``DENY``. The personal card's credential is the signed card token in its URL and in
its forms (crosspaths.intranet.tokens), never a cookie: a cross-site frame gets none.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from crosspaths import clock
from crosspaths.people.http import PersonRequest
from crosspaths.people.models import Organization, Person
from crosspaths.people.permissions import admin_required
from crosspaths.programs.enrollments import enrollment_join, person_pause, program_is_open_to
from crosspaths.programs.models import Program
from crosspaths.web.forms import PauseForm

from .forms import OriginsForm
from .models import EmbedSettings
from .selectors import card_programs, next_encounter, organization_figures_cached
from .services import card_key_renew, embed_origins_set, embed_settings_for
from .tokens import BadToken, card_person

NONE = "'none'"


def _origins_of(organization_id: int | None) -> list[str]:
    if organization_id is None:
        return []
    origins = (
        EmbedSettings.objects.filter(organization_id=organization_id)
        .values_list("origins", flat=True)
        .first()
    )
    return list(origins or [])


def _framed(response: HttpResponse, origins: list[str]) -> HttpResponse:
    """Only the allow-listed intranet pages may frame this answer; the token in its
    URL goes to no other site (Referer only to this one: "no-referrer" would also make
    Chromium send ``Origin: null`` on the card's own forms), and no cache keeps it."""
    response._csp_replace = {"frame-ancestors": origins or [NONE]}  # type: ignore[attr-defined]  # django-csp's per-response policy attribute
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store, private"
    return response


def _problem(request: HttpRequest, error: BadToken | None) -> HttpResponse:
    """A card that cannot be shown, saying why. It shows no data and has no buttons, so
    an expired token's organization may still frame it (the intranet shows "reload"
    rather than a blank frame); an unreadable token's page may not be framed."""
    expired = error is not None and error.expired
    response = render(
        request,
        "intranet/card_problem.html",
        {"expired": expired, "missing": error is None, "site": settings.SITE_URL},
        status=410 if expired else 400,
    )
    return _framed(response, _origins_of(error.organization_id if error else None))


def _same_origin_post(request: HttpRequest) -> bool:
    """A card's form is posted from the card itself (the frame's document is on this
    site): a browser's Origin header, when sent, must be this site. The token in the
    body is the credential; this refuses a form another site posts with a token it
    somehow holds. Behind a proxy this site is also ``SITE_URL`` and the trusted CSRF
    origins, as for Django's own check."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    site = urlsplit(settings.SITE_URL)
    ours = {
        f"{request.scheme}://{request.get_host()}",
        f"{site.scheme}://{site.netloc}",
        *settings.CSRF_TRUSTED_ORIGINS,
    }
    return origin in ours


def _card(
    request: HttpRequest, person: Person, token: str, *, notice: str = "", **extra: Any
) -> HttpResponse:
    with (
        translation.override(person.effective_language),
        timezone.override(person.effective_timezone),
    ):
        today = timezone.localdate(clock.now())
        encounter = next_encounter(person=person, now=clock.now())
        context = {
            "person": person,
            "token": token,
            "encounter": encounter,
            "match_url": settings.SITE_URL + reverse("match", args=[encounter.match.pk])
            if encounter
            else "",
            "programs": card_programs(person=person, today=today),
            # Two weeks ahead as a start: a holiday, the common reason to pause.
            "pause_form": extra.pop("pause_form", None)
            or PauseForm(initial={"until": today + timedelta(days=14)}),
            "notice": notice,
            "site": settings.SITE_URL,
            **extra,
        }
        response = render(request, "intranet/card.html", context)
    return _framed(response, _origins_of(person.organization_id))


@require_GET
@xframe_options_exempt
def card(request: HttpRequest) -> HttpResponse:
    """The personal card: the next encounter and the programs to join or pause."""
    token = request.GET.get("t", "")
    if not token:
        return _problem(request, None)
    try:
        person = card_person(token)
    except BadToken as error:
        return _problem(request, error)
    return _card(request, person, token)


def _posted_person(request: HttpRequest) -> tuple[Person | None, HttpResponse | None]:
    if not _same_origin_post(request):
        return None, _framed(HttpResponse(_("Forbidden"), status=403), [])
    token = request.POST.get("t", "")
    if not token:
        return None, _problem(request, None)
    try:
        return card_person(token), None
    except BadToken as error:
        return None, _problem(request, error)


@csrf_exempt  # the card token in the body is the credential (see _same_origin_post)
@require_POST
@xframe_options_exempt
def card_join(request: HttpRequest, pk: int) -> HttpResponse:
    person, refused = _posted_person(request)
    if person is None:
        return refused  # type: ignore[return-value]  # _posted_person gives a response whenever it gives no person
    token = request.POST["t"]
    program = Program.objects.filter(pk=pk, organization_id=person.organization_id).first()
    if program is None or not program_is_open_to(program=program, person=person, on=clock.today()):
        return _framed(
            HttpResponse(_("Not found"), status=404), _origins_of(person.organization_id)
        )
    try:
        enrollment_join(person=person, program=program)
    except ValidationError as error:
        return _card(request, person, token, notice=" ".join(error.messages))
    with translation.override(person.effective_language):
        notice = _("You joined %(program)s.") % {"program": program.name}
    return _card(request, person, token, notice=notice)


@csrf_exempt  # the card token in the body is the credential (see _same_origin_post)
@require_POST
@xframe_options_exempt
def card_pause(request: HttpRequest) -> HttpResponse:
    """Pause every program until a date, or resume (``resume=1``)."""
    person, refused = _posted_person(request)
    if person is None:
        return refused  # type: ignore[return-value]  # _posted_person gives a response whenever it gives no person
    token = request.POST["t"]
    with translation.override(person.effective_language):
        if request.POST.get("resume"):
            person_pause(person=person, until=None)
            return _card(
                request, person, token, notice=_("Welcome back: you are in the next rounds again.")
            )
        form = PauseForm(request.POST)
        if form.is_valid():
            until = form.cleaned_data["until"]
            try:
                person_pause(person=person, until=until)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("until", message)
            else:
                notice = _("Paused until %(date)s. Enjoy the break!") % {
                    "date": date_format(until, "DATE_FORMAT")
                }
                return _card(request, person, token, notice=notice)
    return _card(request, person, token, pause_form=form)


@require_GET
@xframe_options_exempt
def organization_card(request: HttpRequest, key: str) -> HttpResponse:
    """The organization card: this month's figures, no personal data, small counts
    hidden as in the insights."""
    found = EmbedSettings.objects.select_related("organization").filter(card_key=key).first()
    if found is None:
        return _framed(render(request, "intranet/org_card_missing.html", status=404), [])
    organization: Organization = found.organization
    with translation.override(organization.language), timezone.override(organization.timezone):
        figures = organization_figures_cached(
            organization=organization, today=timezone.localdate(clock.now())
        )
        response = render(
            request,
            "intranet/org_card.html",
            {"organization": organization, "figures": figures, "site": settings.SITE_URL},
        )
    return _framed(response, found.origins)


# --- Console ------------------------------------------------------------------------------


def _settings_page(request: PersonRequest, form: OriginsForm, status: int = 200) -> HttpResponse:
    organization = request.organization
    current = embed_settings_for(organization=organization)
    context = {
        "section": "intranet",
        "can_manage_people": True,
        "can_view_audit_log": True,
        "form": form,
        "embed": current,
        "card_url": settings.SITE_URL + reverse("intranet:card"),
        "org_card_url": settings.SITE_URL
        + reverse("intranet:organization_card", args=[current.card_key]),
        "token_endpoint": settings.SITE_URL + "/api/v1/embed-tokens",
    }
    return render(request, "intranet/settings.html", context, status=status)


@admin_required
def embed_settings(request: PersonRequest) -> HttpResponse:
    """Which intranet pages may show the cards (organization admins)."""
    organization = request.organization
    current = embed_settings_for(organization=organization)
    if request.method != "POST":
        return _settings_page(request, OriginsForm(initial={"origins": "\n".join(current.origins)}))
    form = OriginsForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, form, status=400)
    if embed_origins_set(
        organization=organization,
        actor=request.person,
        origins=form.cleaned_data["origins"],
    ):
        messages.success(request, _("Intranet pages saved."))
    return redirect("intranet_console:settings")


@admin_required
@require_POST
def embed_card_key_renew(request: PersonRequest) -> HttpResponse:
    card_key_renew(
        organization=request.organization,
        actor=request.person,
    )
    messages.success(
        request, _("The organization card has a new address; update your intranet pages.")
    )
    return redirect("intranet_console:settings")
