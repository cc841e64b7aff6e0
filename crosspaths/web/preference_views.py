"""The person's own settings: the one-minute onboarding, "My preferences", "My
programs" (join, leave, pause) and the private "please don't pair me with" list."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crosspaths import clock
from crosspaths.onboarding.services import person_onboard
from crosspaths.people.http import PersonRequest
from crosspaths.people.models import Person
from crosspaths.people.permissions import person_required
from crosspaths.people.preferences import (
    blocked_people,
    colleague_search,
    interest_suggestions,
    person_block,
    person_preferences_update,
    person_unblock,
)
from crosspaths.programs.enrollments import (
    enrollment_join,
    enrollment_leave,
    enrollments_of,
    paused_until,
    person_pause,
    programs_open_to,
)
from crosspaths.programs.models import Program
from crosspaths.request_numbers import whole_number

from .forms import ColleagueSearchForm, OnboardingForm, PauseForm, PreferencesForm


def _form_error(form: forms.Form, error: ValidationError) -> None:
    """A service's error next to the field it names, else at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@person_required
def onboarding(request: PersonRequest) -> HttpResponse:
    person = request.person
    programs = programs_open_to(person=person)
    joined = {pk for pk, e in enrollments_of(person=person).items() if e.left_at is None}
    form = OnboardingForm(
        request.POST or None,
        person=person,
        suggestions=interest_suggestions(person=person),
        programs=programs,
        joined=joined,
    )
    if request.method == "POST" and form.is_valid():
        try:
            person_onboard(
                person=person,
                preferences=form.preferences(),
                programs=form.cleaned_data["programs"],
                offered=programs,
                profile=form.profile(),
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(
                request, _("Welcome aboard! You will hear from us when your first match is ready.")
            )
            return redirect("home")
    return render(
        request,
        "web/onboarding.html",
        {"form": form, "person": person},
        status=400 if form.is_bound and form.errors else 200,
    )


@person_required
def preferences(request: PersonRequest) -> HttpResponse:
    person = request.person
    form = PreferencesForm(
        request.POST or None, person=person, suggestions=interest_suggestions(person=person)
    )
    if request.method == "POST" and form.is_valid():
        try:
            person_preferences_update(
                person=person, preferences=form.preferences(), profile=form.profile()
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your preferences are saved."))
            return redirect("preferences")
    return render(
        request,
        "web/preferences.html",
        {"form": form, "person": person},
        status=400 if form.is_bound and form.errors else 200,
    )


@person_required
def programs(request: PersonRequest, pause_form: PauseForm | None = None) -> HttpResponse:
    person = request.person
    today = clock.today()
    enrollments = enrollments_of(person=person)
    open_programs = {p.pk: p for p in programs_open_to(person=person, on=today)}
    # Programs the person is still in but no longer fits stay listed, so they can leave.
    for enrollment in enrollments.values():
        if enrollment.left_at is None:
            open_programs.setdefault(enrollment.program_id, enrollment.program)
    rows = [
        {"program": p, "enrollment": enrollments.get(pk)}
        for pk, p in sorted(open_programs.items(), key=lambda kv: kv[1].name)
    ]
    until = paused_until(enrollments=enrollments.values(), today=today)
    return render(
        request,
        "web/programs.html",
        {
            "rows": rows,
            "paused_until": until,
            "pause_form": pause_form or PauseForm(initial={"until": until}),
            "in_any": any(e.left_at is None for e in enrollments.values()),
        },
        status=400 if pause_form is not None else 200,
    )


def _program(request: PersonRequest, pk: int) -> Program:
    return get_object_or_404(Program, pk=pk, organization_id=request.organization.pk)


@require_POST
@person_required
def program_join(request: PersonRequest, pk: int) -> HttpResponse:
    program = _program(request, pk)
    try:
        enrollment_join(person=request.person, program=program)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You joined %(program)s.") % {"program": program.name})
    return redirect("programs")


@require_POST
@person_required
def program_leave(request: PersonRequest, pk: int) -> HttpResponse:
    program = _program(request, pk)
    enrollment_leave(person=request.person, program=program)
    messages.success(request, _("You left %(program)s.") % {"program": program.name})
    return redirect("programs")


@require_POST
@person_required
def pause(request: PersonRequest) -> HttpResponse:
    form = PauseForm(request.POST)
    if form.is_valid():
        until = form.cleaned_data["until"]
        try:
            person_pause(person=request.person, until=until)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                _("Paused until %(date)s. Enjoy the break!")
                % {"date": date_format(until, "DATE_FORMAT")},
            )
            return redirect("programs")
    return programs(request, pause_form=form)


@require_POST
@person_required
def resume(request: PersonRequest) -> HttpResponse:
    person_pause(person=request.person, until=None)
    messages.success(request, _("Welcome back: you are in the next rounds again."))
    return redirect("programs")


@person_required
def blocked(request: PersonRequest) -> HttpResponse:
    """The private "please don't pair me with" list, with a colleague search."""
    person = request.person
    search = ColleagueSearchForm(request.GET if "q" in request.GET else None)
    results = (
        colleague_search(person=person, query=search.cleaned_data["q"]) if search.is_valid() else []
    )
    people = blocked_people(person=person)
    blocked_ids = {p.pk for p in people}
    return render(
        request,
        "web/blocked.html",
        {
            "search": search,
            "results": [(p, p.pk in blocked_ids) for p in results],
            "searched": search.is_bound and search.is_valid(),
            "blocked": people,
        },
    )


@require_POST
@person_required
def block(request: PersonRequest) -> HttpResponse:
    person = request.person
    pk = request.POST.get("person", "")
    other = get_object_or_404(
        Person,
        pk=whole_number(pk) or 0,
        organization_id=person.organization_id,
        active=True,
    )
    try:
        person_block(person=person, other=other)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("You will not be paired with %(name)s.") % {"name": other.name or other.email},
        )
    return redirect("blocked")


@require_POST
@person_required
def unblock(request: PersonRequest, pk: int) -> HttpResponse:
    # Only colleagues can be on the list: anyone else's id is a 404, like everywhere.
    get_object_or_404(Person, pk=pk, organization=request.organization)
    if person_unblock(person=request.person, other_id=pk):
        messages.success(request, _("Removed from your list."))
    return redirect("blocked")
