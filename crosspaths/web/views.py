"""Participant pages: the home page with the match card and encounters, and the
actions on a match (calendar file, check-in, keep in touch). Views are thin: scope
to the signed-in person, call one service, render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crosspaths import clock
from crosspaths.bridges.selectors import bridges_of
from crosspaths.events.selectors import seatings_for
from crosspaths.journeys.selectors import my_journeys_under_way
from crosspaths.meetings.calendar import match_calendar
from crosspaths.meetings.services import checkin_record
from crosspaths.people.http import PersonRequest, VisitorRequest
from crosspaths.people.models import Organization, Person
from crosspaths.people.permissions import person_required
from crosspaths.people.preferences import person_keep_in_touch
from crosspaths.programs.enrollments import enrollments_of, paused_until
from crosspaths.programs.models import MatchMember
from crosspaths.request_numbers import whole_number

from .current import home_programs
from .encounters import encounters_for
from .match_card import visible_match


def home(request: VisitorRequest) -> HttpResponse:
    person = request.person
    if person is None:
        if request.memberships:
            return redirect("organizations")  # several, none chosen, or this one left
        if not Organization.objects.exists():
            return redirect("first_run")  # a fresh instance
        return render(request, "web/welcome.html")
    enrollments = enrollments_of(person=person)
    today = clock.today()
    return render(
        request,
        "web/home.html",
        {
            "programs_now": home_programs(person=person, enrollments=enrollments),
            "encounters": encounters_for(person=person),
            "seatings": seatings_for(person=person),
            "bridges": bridges_of(person, on=today),
            "journeys": my_journeys_under_way(person),
            "in_programs": [e for e in enrollments.values() if e.left_at is None],
            "paused_until": paused_until(enrollments=enrollments.values(), today=today),
        },
    )


@person_required
def match_ics(request: PersonRequest, pk: int) -> HttpResponse:
    """The match's event as a file for one's own calendar (METHOD:PUBLISH: a copy, not
    an invitation; the invitation came by e-mail), in the person's language."""
    person = request.person
    match = visible_match(person=person, pk=pk)
    if match is None:
        raise Http404(_("This match does not exist or is not yours."))
    ics = match_calendar(match=match, method="PUBLISH", language=request.LANGUAGE_CODE)
    if ics is None:
        raise Http404(_("This match has no suggested time yet."))
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="crosspaths-{match.round.date:%Y-%m-%d}.ics"'
    )
    return response


@require_POST
@person_required
def match_checkin(request: PersonRequest, pk: int) -> HttpResponse:
    """ "We met" / "it did not happen", with an optional rating from 1 to 5; answering again
    changes the answer."""
    person = request.person
    member = get_object_or_404(
        MatchMember, match_id=pk, person=person, organization_id=person.organization_id
    )
    met = request.POST.get("met")
    rating_text = request.POST.get("rating") or None
    rating = whole_number(rating_text, digits=1)
    if met not in ("yes", "no") or (rating_text is not None and rating is None):
        messages.error(request, _("Choose whether you met."))
        return redirect("home")
    try:
        checkin_record(member=member, met=met == "yes", rating=rating)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("home")
    if met == "yes":
        messages.success(request, _("Thanks! Glad you met."))
    else:
        messages.success(
            request, _("Thanks for telling us. Your next match comes with the next round.")
        )
    return redirect("home")


@require_POST
@person_required
def keep_in_touch(request: PersonRequest, pk: int) -> HttpResponse:
    """Toggle the private "keep in touch" mark on someone; htmx swaps just the button."""
    person = request.person
    other = get_object_or_404(Person, pk=pk, organization_id=person.organization_id)
    try:
        keep = person_keep_in_touch(
            person=person, other=other, keep=request.POST.get("keep") == "1"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("home")
    if request.htmx:
        return render(
            request, "web/_keep_in_touch.html", {"other": other, "keep": keep, "announce": True}
        )
    return redirect("/#encounters")
