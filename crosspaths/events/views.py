"""The event pages of the HR console (admins). Thin: scope to the organization, call
one service or selector, render."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crosspaths.console.navigation import console_context
from crosspaths.people.http import PersonRequest
from crosspaths.people.permissions import admin_required
from crosspaths.spreadsheets import safe_cell

from . import selectors, services
from .forms import EventForm
from .models import Event
from .plan_pdf import event_plan_pdf


def _event(request: PersonRequest, pk: int) -> Event:
    return get_object_or_404(Event, pk=pk, organization=request.organization)


@admin_required
def events(request: PersonRequest) -> HttpResponse:
    items = Event.objects.filter(organization=request.organization).select_related("program")
    return render(request, "events/list.html", console_context(request, "events", events=items))


@admin_required
def event_new(request: PersonRequest) -> HttpResponse:
    org = request.organization
    form = EventForm(request.POST or None, organization=org)
    if request.method == "POST" and form.is_valid():
        event = services.event_save(
            actor=request.person,
            organization=org,
            data=form.cleaned_data,
        )
        return redirect("events:detail", pk=event.pk)
    return render(
        request, "events/form.html", console_context(request, "events", form=form, event=None)
    )


@admin_required
def event_edit(request: PersonRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    org = request.organization
    form = EventForm(request.POST or None, instance=event, organization=org)
    if request.method == "POST" and form.is_valid():
        services.event_save(
            actor=request.person,
            organization=org,
            data=form.cleaned_data,
            event=Event.objects.get(pk=event.pk),
        )
        return redirect("events:detail", pk=event.pk)
    return render(
        request, "events/form.html", console_context(request, "events", form=form, event=event)
    )


@admin_required
def event_detail(request: PersonRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    return render(
        request,
        "events/detail.html",
        console_context(
            request,
            "events",
            event=event,
            attendees=services.event_attendees(event=event).count(),
            plan=selectors.event_plan(event=event) if event.seated_at else [],
        ),
    )


@require_POST
@admin_required
def event_seat(request: PersonRequest, pk: int) -> HttpResponse:
    """Seat the attendees; "Seat again" passes a new seed for another plan."""
    event = _event(request, pk)
    seed = event.seed + 1 if request.POST.get("again") else None
    try:
        metrics = services.event_seat(event=event, seed=seed)
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(people)s people seated at %(tables)s tables for %(rounds)s rounds.")
            % {"people": metrics["people"], "tables": metrics["tables"], "rounds": event.rotations},
        )
    return redirect("events:detail", pk=event.pk)


def _filename(event: Event, ext: str) -> str:
    return f"crosspaths-event-{event.date:%Y-%m-%d}-{event.pk}.{ext}"


@admin_required
def event_pdf(request: PersonRequest, pk: int) -> HttpResponse:
    """The printable table plan with a card per attendee."""
    event = _event(request, pk)
    pdf = event_plan_pdf(
        event=event,
        plan=selectors.event_plan(event=event),
        cards=selectors.event_cards(event=event),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(event, "pdf")}"'
    return response


@admin_required
def event_cards_csv(request: PersonRequest, pk: int) -> HttpResponse:
    """One row per attendee: name, e-mail, department and the table of each round."""
    event = _event(request, pk)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["name", "email", "department"] + [f"round_{r}" for r in range(1, event.rotations + 1)]
    )
    for card in selectors.event_cards(event=event):
        p = card.person
        dept = p.department.name if p.department else ""
        writer.writerow([safe_cell(p.name), safe_cell(p.email), safe_cell(dept), *card.tables])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(event, "csv")}"'
    return response
