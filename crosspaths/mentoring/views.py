"""Mentoring pages: the participant's (join with a role, my mentor or mentees, the
cycle's timeline, this month's answer) and the console's (settings in plain words,
start or end a cycle, the pairs and the mentees without a mentor). Thin: scope to the
organization, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crosspaths import clock
from crosspaths.console.navigation import console_context
from crosspaths.people.http import PersonRequest
from crosspaths.people.permissions import manager_required, person_required
from crosspaths.programs.models import Enrollment, Match, Program
from crosspaths.programs.permissions import program_for_manager

from . import selectors, services
from .forms import AnswerForm, JoinForm, MentoringSettingsForm
from .models import Cycle, MentoringRole


def _program(request: PersonRequest, pk: int) -> Program:
    return get_object_or_404(
        Program,
        pk=pk,
        organization=request.organization,
        format=Program.Format.MENTORING,
    )


# --- participants -----------------------------------------------------------------------


@person_required
def mine(request: PersonRequest, pk: int, join_form: JoinForm | None = None) -> HttpResponse:
    person = request.person
    program = _program(request, pk)
    settings = services.mentoring_settings_of(program=program)
    enrolled = Enrollment.objects.filter(
        program=program, person=person, left_at__isnull=True
    ).exists()
    role = MentoringRole.objects.filter(program=program, person=person).first()
    cycle = selectors.current_cycle(program)
    today = clock.today()
    mine_rows = []
    unplaced = ""
    if cycle is not None:
        mine_rows = [
            r for r in selectors.cycle_pairs(cycle) if person.pk in (r.mentor.pk, r.mentee.pk)
        ]
        unplaced = next(
            (
                text
                for p, text in selectors.cycle_unplaced(cycle, settings.gap_min, settings.gap_max)
                if p.pk == person.pk
            ),
            "",
        )
    for row in mine_rows:
        row.current = row.answers.get(selectors.current_month(cycle, today)) if cycle else None
    form = join_form or JoinForm(
        initial={
            "role": role.role if role else MentoringRole.Role.MENTEE,
            "capacity": role.capacity if role else settings.capacity_default,
        }
    )
    return render(
        request,
        "mentoring/mine.html",
        {
            "program": program,
            "settings": settings,
            "enrolled": enrolled and role is not None,
            "role": role,
            "join_form": form,
            "cycle": cycle,
            "timeline": selectors.timeline(cycle) if cycle else [],
            "month": selectors.current_month(cycle, today) if cycle else 0,
            "today": today,
            "pairs": mine_rows,
            "unplaced": unplaced,
        },
        status=400 if join_form is not None else 200,
    )


@require_POST
@person_required
def join(request: PersonRequest, pk: int) -> HttpResponse:
    program = _program(request, pk)
    form = JoinForm(request.POST)
    if not form.is_valid():
        return mine(request, pk, join_form=form)
    try:
        services.mentoring_join(
            person=request.person,
            program=program,
            role=form.cleaned_data["role"],
            capacity=form.cleaned_data["capacity"] or 1,
        )
    except ValidationError as e:
        form.add_error(None, e)
        return mine(request, pk, join_form=form)
    joined = (
        _("You joined %(program)s as a mentor.")
        if form.cleaned_data["role"] == MentoringRole.Role.MENTOR
        else _("You joined %(program)s as a mentee.")
    )
    messages.success(request, joined % {"program": program.name})
    return redirect("mentoring:mine", pk=program.pk)


@require_POST
@person_required
def answer(request: PersonRequest, pk: int, match_pk: int) -> HttpResponse:
    person = request.person
    program = _program(request, pk)
    match = get_object_or_404(
        Match,
        pk=match_pk,
        organization=request.organization,
        round__program=program,
        members__person=person,
    )
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That answer was not understood; please use the buttons."))
        return redirect("mentoring:mine", pk=program.pk)
    try:
        services.nudge_answer(
            match=match, month=form.cleaned_data["month"], met=form.cleaned_data["met"]
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("Thank you, noted."))
    return redirect("mentoring:mine", pk=program.pk)


# --- the console ------------------------------------------------------------------------


@manager_required
def console_program(request: PersonRequest, pk: int) -> HttpResponse:
    program = program_for_manager(request.person, pk)
    if program.format != Program.Format.MENTORING:
        return redirect("console:program", pk=program.pk)
    current = services.mentoring_settings_of(program=program)
    form = MentoringSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.mentoring_settings_save(
            program=program,
            actor=request.person,
            data=form.cleaned_data,
        )
        messages.success(request, _("Mentoring settings saved."))
        return redirect("mentoring_console:program", pk=program.pk)
    cycle = selectors.current_cycle(program)
    s = current
    return render(
        request,
        "mentoring/console.html",
        console_context(
            request,
            "programs",
            program=program,
            form=form,
            settings=s,
            roles=selectors.roles_count(program),
            cycle=cycle,
            timeline=selectors.timeline(cycle) if cycle else [],
            pairs=selectors.cycle_pairs(cycle) if cycle else [],
            unplaced=selectors.cycle_unplaced(cycle, s.gap_min, s.gap_max) if cycle else [],
            months=range(1, (cycle.months if cycle else 0) + 1),
        ),
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@manager_required
def console_start(request: PersonRequest, pk: int) -> HttpResponse:
    program = program_for_manager(request.person, pk)
    try:
        cycle = services.cycle_start(program=program, actor=request.person)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        pairs = Match.objects.filter(round__mentoring_cycle_round__cycle=cycle).count()
        messages.success(
            request,
            _(
                "The cycle started with %(pairs)s mentor-mentee pairs; introductions are on their way."
            )
            % {"pairs": pairs},
        )
    return redirect("mentoring_console:program", pk=program.pk)


@require_POST
@manager_required
def console_end(request: PersonRequest, pk: int) -> HttpResponse:
    program = program_for_manager(request.person, pk)
    cycle = Cycle.objects.filter(
        organization=program.organization, program=program, status=Cycle.Status.ACTIVE
    ).first()
    if cycle is not None and services.cycle_end(cycle=cycle):
        messages.success(request, _("The cycle ended; its pairs will not be repeated."))
    return redirect("mentoring_console:program", pk=program.pk)
