"""Journeys in the console (HR: every journey's progress, the plan per onboarding
program) and for the new hire (their own journey). Thin, scoped to the organization."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crosspaths.console.navigation import console_context
from crosspaths.people.http import PersonRequest
from crosspaths.people.permissions import manager_required, person_required
from crosspaths.programs.models import Program
from crosspaths.programs.permissions import manageable_programs, program_for_manager

from . import selectors, services
from .forms import JourneyPlanForm
from .models import JourneyPlan

PAGE_SIZE = 25


@manager_required
def console(request: PersonRequest) -> HttpResponse:
    """Every journey of the onboarding programs the reader manages, 25 a page, and the
    journey settings of each of those programs."""
    person = request.person
    programs = manageable_programs(person).filter(format=Program.Format.ONBOARDING)
    plans = JourneyPlan.objects.filter(organization=person.organization, program__in=programs)
    by_program = {p.program_id: p for p in plans}
    settings = [
        (program, JourneyPlanForm(instance=by_program.get(program.pk), prefix=f"p{program.pk}"))
        for program in programs.visible().order_by("name")
    ]
    page = Paginator(selectors.journeys_for_plans(plans), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        **console_context(request, "journeys"),
        "settings": settings,
        "page": page,
        "journeys": selectors.journey_views(list(page)),
        "query": "",
    }
    return render(request, "journeys/console.html", context)


@require_POST
@manager_required
def plan_save(request: PersonRequest, pk: int) -> HttpResponse:
    person = request.person
    program = program_for_manager(person, pk)
    plan = JourneyPlan.objects.filter(program=program).first()
    form = JourneyPlanForm(request.POST, instance=plan, prefix=f"p{program.pk}")
    if form.is_valid():
        try:
            services.journey_plan_set(program=program, actor=person, **form.cleaned_data)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(
                request, _("Journey settings of %(program)s saved.") % {"program": program.name}
            )
    else:
        for field, errors in form.errors.items():
            messages.error(
                request,
                f"{form.fields[field].label if field in form.fields else ''}: {' '.join(map(str, errors))}",
            )
    return redirect("journeys:console")


@person_required
def mine(request: PersonRequest) -> HttpResponse:
    """The new hire's journey: whom they met, what comes next."""
    person = request.person
    return render(request, "journeys/mine.html", {"journeys": selectors.my_journeys(person)})
