"""The plain-language page of what is collected (everyone in the organization), a
person's opt-out, and the admin's switch."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crosspaths.people.http import PersonRequest
from crosspaths.people.permissions import admin_required, is_admin, person_required

from .models import Interaction
from .services import (
    MIN_PAIRS,
    collaboration_configure,
    collaboration_opt_in,
    collaboration_opt_out,
    collaboration_opted_out,
    collaboration_settings,
    person_interaction_totals,
)


@person_required
def about(request: PersonRequest) -> HttpResponse:
    person = request.person
    org = person.organization
    return render(
        request,
        "collaboration/about.html",
        {
            "settings": collaboration_settings(org),
            "opted_out": collaboration_opted_out(person),
            "totals": person_interaction_totals(person=person),
            "channels": Interaction.Channel.choices,
            "minimum": max(1, org.min_cell_size),
            "min_pairs": MIN_PAIRS,
            "is_admin": is_admin(person),
        },
    )


@require_POST
@person_required
def opt_out(request: PersonRequest) -> HttpResponse:
    person = request.person
    if request.POST.get("choice") == "in":
        collaboration_opt_in(person=person)
        messages.success(request, _("Your interaction counts are counted again from now on."))
    else:
        collaboration_opt_out(person=person)
        messages.success(
            request, _("You opted out: your interaction counts were deleted and are not stored.")
        )
    return redirect("collaboration:about")


@require_POST
@admin_required
def configure(request: PersonRequest) -> HttpResponse:
    org = request.person.organization
    if request.POST.get("enabled") == "1":
        collaboration_configure(organization=org, enabled=True)
        messages.success(request, _("Interaction counts can now be imported."))
    elif request.POST.get("confirm") == "off":
        collaboration_configure(organization=org, enabled=False)
        messages.success(
            request, _("Collection is off; every stored interaction count was deleted.")
        )
    else:
        messages.error(request, _("Type off into the field to confirm."))
    return redirect("collaboration:about")
