"""Companion programs: programs whose rounds carry another format's meetings (an
onboarding plan's weekly steps, the outside-perspective sessions). Their rounds and
matches are ordinary ones; the program itself is run by its format, so the console
shows where to manage it instead of its settings (docs/decisions.md, "Companion
programs are hidden")."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Program


@dataclass(frozen=True)
class Companion:
    """Where a companion program is managed, in a sentence and a link."""

    text: str
    url: str
    link: str


def program_companion(program: Program) -> Companion | None:
    """The format a program is a companion of, or None for an ordinary program (the
    reverse relations are the apps above's; this floor cannot import them)."""
    row = (
        Program.objects.filter(pk=program.pk)
        .values("journey_steps_of__program__name", "perspective_sessions_of__id")
        .first()
    )
    if row is None:
        return None
    journey = row["journey_steps_of__program__name"]
    if journey is not None:
        return Companion(
            text=_(
                "This program runs the weekly steps of the onboarding journey %(journey)s "
                "— manage it there."
            )
            % {"journey": journey},
            url=reverse("journeys:console"),
            link=_("Onboarding journeys"),
        )
    if row["perspective_sessions_of__id"] is not None:
        return Companion(
            text=_(
                "This program holds the sessions of outside perspective on request "
                "— manage it there."
            ),
            url=reverse("perspective:console"),
            link=_("Outside perspective"),
        )
    return None
