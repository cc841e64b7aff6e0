"""The pages behind the check-in links of the e-mails: no sign-in, one click records
the answer, then an optional rating and comment. A forged or expired link gets a
friendly page, never an error.

Opening a link does not write by itself: the page it opens confirms the answer with a
POST that a two-line script sends at once (a button without JavaScript). Corporate
mail scanners open every link of a message with GET and run no script; if GET
recorded, they would answer "we met" and "it did not happen" for everyone."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods

from crosspaths.programs.models import MatchMember

from .forms import FeedbackForm
from .models import CheckIn
from .services import checkin_ensure_open, checkin_record
from .tokens import BadToken, checkin_member_id

ANSWERS = {"met": True, "missed": False}


def _invalid(request: HttpRequest, *, expired: bool) -> HttpResponse:
    return render(
        request,
        "meetings/checkin_invalid.html",
        {"expired": expired},
        status=410 if expired else 400,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def checkin(request: HttpRequest, token: str, answer: str) -> HttpResponse:
    """GET shows the answer of the link, asking the browser to confirm it when it is not
    recorded yet; POST ``confirm`` records it (again changes nothing, the other link
    changes the answer); POST with the form adds the optional rating and comment."""
    if answer not in ANSWERS:
        raise Http404
    try:
        member_id = checkin_member_id(token)
    except BadToken as e:
        return _invalid(request, expired=e.expired)
    member = (
        MatchMember.objects.select_related(
            "person__organization", "person__location", "match__round__program"
        )
        .filter(pk=member_id)
        .first()
    )
    if member is None:
        return _invalid(request, expired=False)
    met = ANSWERS[answer]
    with translation.override(member.person.effective_language):
        existing = CheckIn.objects.filter(member=member).first()
        saved = False
        form = FeedbackForm(
            initial={"rating": existing.rating, "comment": existing.comment} if existing else None
        )
        pending = existing is None or existing.met != met
        try:
            checkin_ensure_open(member=member)
            if request.method == "POST" and "confirm" in request.POST:
                if pending:
                    checkin_record(member=member, met=met)
                return redirect(request.path)
            if request.method == "POST":
                pending = False  # a person filling in the form: show it, errors and all
                form = FeedbackForm(request.POST)
                if form.is_valid():
                    checkin_record(
                        member=member,
                        met=met,
                        rating=form.cleaned_data["rating"] if met else None,
                        comment=form.cleaned_data["comment"],
                    )
                    saved = True
        except ValidationError as e:
            return render(
                request, "meetings/checkin_closed.html", {"message": " ".join(e.messages)}
            )
        others = [
            m.person
            for m in member.match.members.select_related("person").order_by("pk")
            if m.person_id != member.person_id
        ]
        context = {
            "member": member,
            "met": met,
            "others": others,
            "program": member.match.round.program,
            "form": form,
            "saved": saved,
            "pending": pending,
            "other_url": reverse("meetings:checkin", args=[token, "missed" if met else "met"]),
        }
        return render(request, "meetings/checkin.html", context)
