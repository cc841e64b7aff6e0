"""The match page: the group's card, and what its members can do about the meeting
(the organizer confirms or moves the time; anyone may say they cannot make it).
Thin: the match is looked up among the signed-in person's own, then one service."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crosspaths import clock
from crosspaths.meetings.organizing import (
    match_confirm,
    match_free_slots,
    match_propose,
    match_withdraw,
    person_can_withdraw,
)
from crosspaths.people.http import PersonRequest
from crosspaths.people.models import Person
from crosspaths.people.permissions import person_required
from crosspaths.programs.models import Match, Round

from .current import next_round_for
from .forms import ProposeTimeForm
from .match_card import match_card, visible_match


def _match(person: Person, pk: int) -> Match:
    match = visible_match(person=person, pk=pk)
    if match is None:
        raise Http404(_("This match does not exist or is not yours."))
    return match


def _slot_label(start: datetime, zone: str) -> str:
    local = start.astimezone(ZoneInfo(zone))
    # Hours and minutes as on the card ("09:00"), not the locale's "9 a.m.".
    return "{}, {}, {:%H:%M}".format(
        formats.date_format(local, "l"), formats.date_format(local, "DATE_FORMAT"), local
    )


def _propose_form(match: Match, person: Person, data: object = None) -> ProposeTimeForm:
    zone = person.effective_timezone
    slots = [(s, _slot_label(s, zone)) for s, _end in match_free_slots(match=match)]
    return ProposeTimeForm(data, slots=slots, zone=zone)


def _page(
    request: PersonRequest, match: Match, *, form: ProposeTimeForm | None = None, status: int = 200
) -> HttpResponse:
    person = request.person
    card = match_card(match=match, person=person)
    if card is None:
        raise Http404(_("This match does not exist or is not yours."))
    is_open = match.round.status == Round.Status.PUBLISHED
    organizes = is_open and card.i_organize
    program = match.round.program
    program.organization = person.organization
    enrollment = program.enrollments.filter(person=person).first()
    context = {
        "card": card,
        "on_match_page": True,
        "organizes": organizes,
        "form": (form or _propose_form(match, person)) if organizes else None,
        "can_withdraw": person_can_withdraw(match=match, person=person),
        "next_round": next_round_for(program=program, enrollment=enrollment, now=clock.now())
        if is_open
        else None,
    }
    return render(request, "web/match.html", context, status=status)


@person_required
def match_page(request: PersonRequest, pk: int) -> HttpResponse:
    return _page(request, _match(request.person, pk))


@require_POST
@person_required
def match_confirm_view(request: PersonRequest, pk: int) -> HttpResponse:
    person = request.person
    match = _match(person, pk)
    try:
        match_confirm(match=match, person=person)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("Confirmed. Everyone sees the time as confirmed."))
    return redirect("match", pk=match.pk)


@require_POST
@person_required
def match_propose_view(request: PersonRequest, pk: int) -> HttpResponse:
    person = request.person
    match = _match(person, pk)
    form = _propose_form(match, person, request.POST)
    if not form.is_valid():
        return _page(request, match, form=form, status=400)
    try:
        match_propose(match=match, person=person, start=form.cleaned_data["start"])
    except ValidationError as e:
        form.add_error(None, e)
        return _page(request, match, form=form, status=400)
    messages.success(
        request, _("The new time is set. Everyone in the group gets an updated invitation.")
    )
    return redirect("match", pk=match.pk)


@require_POST
@person_required
def match_withdraw_view(request: PersonRequest, pk: int) -> HttpResponse:
    person = request.person
    match = _match(person, pk)
    try:
        outcome = match_withdraw(match=match, person=person)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("match", pk=match.pk)
    if outcome.stand_in is not None:
        text = _("Thanks for saying so. Someone else who was free joins the group instead.")
    else:
        text = _("Thanks for saying so. The group is told; your next round comes as usual.")
    messages.success(request, text)
    return redirect("home")
