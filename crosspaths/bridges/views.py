"""The team-bridge pages of the HR console. Thin: scope to the organization, check the
program permission, call one service or selector, render.

Who: creating a bridge creates a program, so it is an admin's (``can_create_program``);
a program manager given the bridge's program (e.g. a team lead) sees its page, runs its
rounds and changes its teams, as with any program they manage.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crosspaths import clock
from crosspaths.console.audiences import program_today
from crosspaths.console.forms import RoundDraftForm
from crosspaths.console.navigation import console_context
from crosspaths.people.http import PersonRequest
from crosspaths.people.permissions import can_create_program, manager_required
from crosspaths.programs.models import Round
from crosspaths.programs.organizer_wording import left_out_text
from crosspaths.programs.permissions import manageable_programs, program_for_manager
from crosspaths.programs.wording import join_words

from . import selectors, services
from .forms import BridgeForm, BridgeTeamsForm
from .models import Bridge


def _bridge(request: PersonRequest, pk: int) -> Bridge:
    """The bridge of the person's organization (404 otherwise) if they may manage its
    program (403 otherwise)."""
    bridge = get_object_or_404(
        selectors.bridges_for(request.organization.pk),
        pk=pk,
    )
    program_for_manager(request.person, bridge.program_id)
    return bridge


@manager_required
def bridges(request: PersonRequest) -> HttpResponse:
    person = request.person
    found = selectors.bridges_for(request.organization.pk).filter(
        program__in=manageable_programs(person)
    )
    return render(request, "bridges/list.html", console_context(request, "bridges", bridges=found))


@manager_required
def bridge_new(request: PersonRequest) -> HttpResponse:
    person = request.person
    if not can_create_program(person):
        raise PermissionDenied
    org = request.organization
    form = BridgeForm(request.POST or None, organization=org, initial={"starts_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            bridge = services.bridge_create(
                actor=person,
                organization=org,
                name=data["name"],
                teams=data["teams"],
                cadence=data["cadence"],
                weekday=data["weekday"],
                starts_on=data["starts_on"],
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(
                request, _("The bridge %(name)s is set up.") % {"name": bridge.program.name}
            )
            return redirect("bridges:detail", pk=bridge.pk)
    status = 400 if form.errors else 200
    return render(
        request, "bridges/form.html", console_context(request, "bridges", form=form), status=status
    )


@manager_required
def bridge_detail(request: PersonRequest, pk: int) -> HttpResponse:
    bridge = _bridge(request, pk)
    program = bridge.program
    today = program_today(program)
    latest = program.rounds.order_by("-date").first()
    coverage = selectors.bridge_coverage(bridge, on=today)
    context = console_context(
        request,
        "bridges",
        bridge=bridge,
        program=program,
        coverage=coverage,
        teams_text=join_words(
            [
                ngettext("%(team)s (%(people)s person)", "%(team)s (%(people)s people)", n)
                % {"team": team, "people": n}
                for team, n in coverage.members.items()
            ]
        ),
        latest=latest,
        left_out=[
            (x.person, left_out_text(x.code, x.reason))
            for x in (
                latest.left_out.select_related("person").order_by("person__name")
                if latest is not None
                else []
            )
        ],
        draft_form=RoundDraftForm(
            initial={"on": today.isoformat()}
        ),  # an <input type=date> reads ISO in every language
        published=Round.Status.PUBLISHED,
    )
    return render(request, "bridges/detail.html", context)


@manager_required
def bridge_teams(request: PersonRequest, pk: int) -> HttpResponse:
    bridge = _bridge(request, pk)
    form = BridgeTeamsForm(
        request.POST or None,
        organization=bridge.organization,
        initial={"teams": list(bridge.teams.all())},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.bridge_teams_set(
                actor=request.person,
                bridge=bridge,
                teams=form.cleaned_data["teams"],
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("The bridge's teams are saved."))
            return redirect("bridges:detail", pk=bridge.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "bridges/teams.html",
        console_context(request, "bridges", form=form, bridge=bridge),
        status=status,
    )
