"""Who may manage which program and round: the program half of the role checks
(the roles themselves and the page guards are in ``people/permissions.py``, which
cannot know programs: people is the floor below programs)."""

from __future__ import annotations

from functools import wraps
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404

from crosspaths.people.http import PersonRequest
from crosspaths.people.models import Person
from crosspaths.people.permissions import View, is_admin, person_required

from .models import Program, ProgramQuerySet, Round


def can_manage_program(person: Person | None, program: Any) -> bool:
    """Admins manage every program of their organization; program managers theirs."""
    if person is None or program.organization_id != person.organization_id:
        return False
    if is_admin(person):
        return True
    return (
        person.role == Person.Role.PROGRAM_MANAGER
        and program.managers.filter(pk=person.pk).exists()
    )


def manageable_programs(person: Person) -> ProgramQuerySet:
    """The programs a person may manage (none for participants)."""
    programs = Program.objects.filter(organization=person.organization)
    if is_admin(person):
        return programs
    if person.role == Person.Role.PROGRAM_MANAGER:
        return programs.filter(managers=person)
    return programs.none()


def manageable_rounds(person: Person) -> QuerySet[Any]:
    """The rounds of the programs a person may manage."""
    return Round.objects.filter(
        organization=person.organization, program__in=manageable_programs(person)
    )


def program_for_manager(person: Person, pk: Any) -> Any:
    """The program ``pk`` of the person's organization if they may manage it.

    Another organization's program (or a missing one) is a 404, so ids cannot be probed;
    one of their own organization they may not manage is a 403."""
    program = get_object_or_404(Program, pk=pk, organization=person.organization)
    if not can_manage_program(person, program):
        raise PermissionDenied
    return program


def round_for_manager(person: Person, pk: Any) -> Any:
    """The round ``pk`` of the person's organization if they may manage its program
    (404 for another organization's round, 403 for one they may not manage)."""
    rnd = get_object_or_404(
        Round.objects.select_related("program"), pk=pk, organization=person.organization
    )
    if not can_manage_program(person, rnd.program):
        raise PermissionDenied
    return rnd


def insights_required(view: View) -> View:
    """An admin, or a program manager of at least one program (who then sees only
    their programs' insights; see ``sees_organization_insights``)."""

    @person_required
    @wraps(view)
    def wrapper(request: PersonRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        person = request.person
        if not is_admin(person) and not manageable_programs(person).exists():
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return cast(View, wrapper)
