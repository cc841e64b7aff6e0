"""Personal data pages: a person's own (read, download, ask to be erased) and an
admin's for a data request or a leaver. They live here, above the console and the
participant pages, so neither of those imports the erasure code."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from crosspaths.people.http import PersonRequest
from crosspaths.people.models import Person
from crosspaths.people.permissions import admin_required, person_required

from .services import person_data, person_erase

# The export's profile keys as the page shows them (the JSON keeps the keys).
PROFILE_LABELS = {
    "name": gettext_lazy("Name"),
    "email": gettext_lazy("E-mail"),
    "roster_id": gettext_lazy("Roster id"),
    "title": gettext_lazy("Title"),
    "department": gettext_lazy("Department"),
    "team": gettext_lazy("Team"),
    "location": gettext_lazy("Location"),
    "manager": gettext_lazy("Manager"),
    "level": gettext_lazy("Level"),
    "start_date": gettext_lazy("Start date"),
    "role": gettext_lazy("Role"),
    "time_zone": gettext_lazy("Time zone"),
    "language": gettext_lazy("Language"),
    "spoken_languages": gettext_lazy("Spoken languages"),
    "interests": gettext_lazy("Interests"),
    "free_windows": gettext_lazy("Free windows"),
    "invited_at": gettext_lazy("Invited"),
    "joined_at": gettext_lazy("Joined"),
}


def _shown(value: object) -> object:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else value


def _profile_rows(profile: dict) -> list[tuple[object, object]]:
    shown = {**profile, "role": Person.Role(profile["role"]).label}
    return [(PROFILE_LABELS.get(key, key), _shown(value)) for key, value in shown.items()]


@never_cache
@person_required
def my_data(request: PersonRequest) -> HttpResponse:
    """Everything Crosspaths holds about the person, readable, with the erase form."""
    person = request.person
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm") != "erase":
            error = "confirm"
        else:
            try:
                person_erase(person=person, actor=person)
            except ValidationError as e:
                error = " ".join(e.messages)
            else:
                logout(request)
                return render(request, "web/erased.html")
    data = person_data(person=person)
    return render(
        request,
        "web/my_data.html",
        {
            "data": data,
            "profile": _profile_rows(data["profile"]),
            "pretty": json.dumps(data, indent=2, ensure_ascii=False),
            "error": error,
        },
        status=400 if error else 200,
    )


@never_cache
@person_required
def my_data_json(request: PersonRequest) -> HttpResponse:
    return _download(person_data(person=request.person))


def _download(data: dict) -> HttpResponse:
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = 'attachment; filename="crosspaths-personal-data.json"'
    return response


def _subject(request: PersonRequest, pk: int) -> Person:
    return get_object_or_404(
        Person.objects.select_related("organization", "department", "team", "location"),
        pk=pk,
        organization=request.organization,
    )


@never_cache
@admin_required
def person_data_download(request: PersonRequest, pk: int) -> HttpResponse:
    """An admin's copy of a person's data, for a data request made to HR."""
    return _download(person_data(person=_subject(request, pk)))


@require_POST
@admin_required
def person_erase_by_admin(request: PersonRequest, pk: int) -> HttpResponse:
    """Erase a leaver, or someone who asked HR to be erased."""
    person = _subject(request, pk)
    if request.POST.get("confirm") != "erase":
        messages.error(request, _("Type erase into the field to confirm."))
    else:
        try:
            person_erase(person=person, actor=request.person)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("The person is erased."))
    return redirect("console:person", pk=person.pk)
