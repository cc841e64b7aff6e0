"""Pages of the outside-perspective flow: the participant's page (ask, my requests, asks
to me, "I give outside perspectives"), the one-click links of the e-mails (no sign-in)
and the console page for admins. Thin: scope to the organization, call one service.

Links of e-mails confirm with a POST a small script sends at once (as the check-in
links do): mail scanners open every link with GET and run no script."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from crosspaths import clock
from crosspaths.console.models import AuditLog
from crosspaths.console.navigation import console_context
from crosspaths.console.services import audit_record
from crosspaths.people.http import PersonRequest
from crosspaths.people.permissions import admin_required, person_required

from . import services
from .forms import GiverForm, RequestForm, SettingsForm
from .models import Ask, Giver, PerspectiveRequest
from .tokens import BadToken, ask_id_of, request_id_of

ANSWERS = {"yes": True, "no": False}


def _giver_form(person) -> GiverForm:
    giver = Giver.objects.filter(person=person).first()
    cap = (
        giver.monthly_cap
        if giver
        else services.perspective_settings(person.organization).default_monthly_cap
    )
    return GiverForm(initial={"active": bool(giver and giver.active), "monthly_cap": cap})


@person_required
def index(request: PersonRequest) -> HttpResponse:
    person = request.person
    mine = list(
        PerspectiveRequest.objects.filter(organization=person.organization, requester=person)
        .select_related("match")
        .prefetch_related("asks")[:50]
    )
    for r in mine:
        r.counts = Counter(a.status for a in r.asks.all())  # type: ignore[attr-defined]  # a count for the template only
    to_me = list(
        Ask.objects.filter(organization=person.organization, person=person)
        .select_related("request__requester__department", "request__match")
        .order_by("-asked_at")[:50]
    )
    return render(
        request,
        "perspective/index.html",
        {
            "mine": mine,
            "waiting": [a for a in to_me if a.status == Ask.Status.ASKED],
            "answered": [a for a in to_me if a.status != Ask.Status.ASKED],
            "giver_form": _giver_form(person),
            "zone": person.effective_timezone,
        },
    )


@person_required
def request_new(request: PersonRequest) -> HttpResponse:
    person = request.person
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.request_create(requester=person, **form.cleaned_data)
        except ValidationError as e:
            if hasattr(e, "error_dict"):
                for field, errors in e.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, e.messages)
        else:
            messages.success(
                request,
                _(
                    "Your request is out: we asked %(count)s colleagues. You'll get an e-mail when the session is set up."
                )
                % {"count": made.asks.count()},
            )
            return redirect("perspective:request", pk=made.pk)
    return render(request, "perspective/new.html", {"form": form})


def _mine(request: PersonRequest, pk: int) -> PerspectiveRequest:
    person = request.person
    return get_object_or_404(
        PerspectiveRequest.objects.select_related("match"),
        pk=pk,
        organization=person.organization,
        requester=person,
    )


@person_required
def request_detail(request: PersonRequest, pk: int) -> HttpResponse:
    req = _mine(request, pk)
    asks = list(req.asks.select_related("person__department"))
    counts = Counter(a.status for a in asks)
    members = []
    if req.match is not None:
        members = [
            m.person
            for m in req.match.members.select_related("person__department").order_by("pk")
            if m.person_id != req.requester_id
        ]
    return render(
        request,
        "perspective/request.html",
        {
            "req": req,
            "counts": counts,
            "accepted": [a for a in asks if a.status == Ask.Status.ACCEPTED],
            "members": members,
            "zone": req.requester.effective_timezone,
            "session_over": bool(
                req.match and req.match.suggested_end and req.match.suggested_end <= clock.now()
            ),
        },
    )


@require_POST
@person_required
def request_cancel(request: PersonRequest, pk: int) -> HttpResponse:
    req = _mine(request, pk)
    try:
        services.request_cancel(request=req)
        messages.success(request, _("Your request is cancelled; nobody else will be asked."))
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect("perspective:request", pk=req.pk)


@require_POST
@person_required
def request_helped(request: PersonRequest, pk: int) -> HttpResponse:
    req = _mine(request, pk)
    helped = request.POST.get("helped")
    if helped not in ANSWERS:
        messages.error(request, _("Choose “yes” or “not really”."))
        return redirect("perspective:request", pk=req.pk)
    try:
        services.request_feedback(request=req, helped=ANSWERS[helped])
        messages.success(request, _("Thank you, your answer is saved."))
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect("perspective:request", pk=req.pk)


@require_POST
@person_required
def ask_answer(request: PersonRequest, pk: int) -> HttpResponse:
    person = request.person
    ask = get_object_or_404(Ask, pk=pk, organization=person.organization, person=person)
    answer = request.POST.get("answer")
    if answer not in ANSWERS:
        messages.error(request, _("Choose “yes” or “not this time”."))
        return redirect("perspective:index")
    try:
        services.ask_answer(ask=ask, accept=ANSWERS[answer])
        scheduled = PerspectiveRequest.objects.filter(
            pk=ask.request_id, status=PerspectiveRequest.Status.SCHEDULED
        ).exists()
        messages.success(
            request,
            _(
                "Thank you! The session is set up: the invitation with the time and the video link is on its way."
            )
            if ANSWERS[answer] and scheduled
            else _thanks(ANSWERS[answer]),
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect("perspective:index")


def _thanks(accept: bool) -> str:
    if accept:
        return _(
            "Thank you! Once enough colleagues said yes you get the invitation with a time and a video link."
        )
    return _("Thanks for letting us know; we ask someone else.")


@require_POST
@person_required
def giving(request: PersonRequest) -> HttpResponse:
    person = request.person
    form = GiverForm(request.POST)
    if form.is_valid():
        services.giver_save(
            person=person,
            active=form.cleaned_data["active"],
            monthly_cap=form.cleaned_data["monthly_cap"],
        )
        messages.success(
            request,
            _("Saved: colleagues may ask you for an outside perspective.")
            if form.cleaned_data["active"]
            else _("Saved: nobody asks you for an outside perspective."),
        )
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("perspective:index")


def _invalid(request: HttpRequest, expired: bool) -> HttpResponse:
    return render(
        request,
        "meetings/checkin_invalid.html",
        {"expired": expired},
        status=410 if expired else 400,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def ask_link(request: HttpRequest, token: str, answer: str) -> HttpResponse:
    """The yes/no links of an ask e-mail: GET shows the answer and confirms it by a
    script's POST; POST records it (a second POST changes nothing)."""
    if answer not in ANSWERS:
        raise Http404
    try:
        ask_id = ask_id_of(token)
    except BadToken as e:
        return _invalid(request, e.expired)
    ask = (
        Ask.objects.select_related("person__organization", "request__requester__department")
        .filter(pk=ask_id)
        .first()
    )
    if ask is None:
        return _invalid(request, False)
    accept = ANSWERS[answer]
    wanted = Ask.Status.ACCEPTED if accept else Ask.Status.DECLINED
    problem = ""
    with translation.override(ask.person.effective_language):
        if request.method == "POST":
            try:
                services.ask_answer(ask=ask, accept=accept)
            except ValidationError as e:
                problem = " ".join(e.messages)
            if not problem:
                return redirect(request.path)
        ask.refresh_from_db()
        context = {
            "ask": ask,
            "req": ask.request,
            "accept": accept,
            "pending": ask.status == Ask.Status.ASKED and not problem,
            "done": ask.status == wanted,
            "problem": problem
            or ("" if ask.status in (Ask.Status.ASKED, wanted) else services._answered_text(ask)),
        }
        return render(request, "perspective/ask_link.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def follow_up(request: HttpRequest, token: str, answer: str) -> HttpResponse:
    """The "did it help?" links: the same confirm-by-POST as the ask links."""
    if answer not in ANSWERS:
        raise Http404
    try:
        request_id = request_id_of(token)
    except BadToken as e:
        return _invalid(request, e.expired)
    req = (
        PerspectiveRequest.objects.select_related("requester__organization")
        .filter(pk=request_id)
        .first()
    )
    if req is None:
        return _invalid(request, False)
    helped = ANSWERS[answer]
    with translation.override(req.requester.effective_language):
        if request.method == "POST":
            try:
                services.request_feedback(request=req, helped=helped)
            except ValidationError:
                return _invalid(request, False)
            return redirect(request.path)
        return render(
            request,
            "perspective/follow_up.html",
            {"req": req, "helped": helped, "pending": req.helped != helped},
        )


@admin_required
def console(request: PersonRequest) -> HttpResponse:
    person = request.person
    org = person.organization
    row = services.perspective_settings(org)
    form = SettingsForm(
        request.POST or None,
        initial={"default_monthly_cap": row.default_monthly_cap, "answer_hours": row.answer_hours},
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            services.settings_save(organization=org, **form.cleaned_data)
            audit_record(
                organization=org,
                actor=person,
                action=AuditLog.Action.PERSPECTIVE_SETTINGS,
                summary=_(
                    "Outside perspective: %(cap)s asks a month by default, %(hours)s hours to answer"
                )
                % {
                    "cap": form.cleaned_data["default_monthly_cap"],
                    "hours": form.cleaned_data["answer_hours"],
                },
                details=form.cleaned_data,
            )
        messages.success(request, _("Settings saved."))
        return redirect("perspective:console")
    givers = Giver.objects.filter(organization=org, active=True, person__active=True)
    recent = list(
        PerspectiveRequest.objects.filter(organization=org)
        .select_related("requester__department", "match")
        .prefetch_related("asks")[:30]
    )
    for r in recent:
        r.counts = Counter(a.status for a in r.asks.all())  # type: ignore[attr-defined]  # a count for the template only
    by_department = Counter(givers.values_list("person__department__name", flat=True).order_by())
    return render(
        request,
        "perspective/console.html",
        console_context(
            request,
            "perspective",
            form=form,
            givers=givers.count(),
            by_department=sorted(
                ((name or _("(no department)"), n) for name, n in by_department.items()),
                key=lambda x: -x[1],
            ),
            recent=recent,
        ),
    )
