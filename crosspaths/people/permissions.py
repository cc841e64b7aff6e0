"""Who may do what: the one place where roles are checked.

Roles (``Person.role``): an organization admin may do everything in their
organization; a program manager may run the programs they are given; a participant
sees only their own data. Staff superusers work through the Django admin only.
Every check starts from ``request.person``, so every query it guards is scoped to
that person's organization.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from .models import Person

View = Callable[..., HttpResponse]


def is_admin(person: Person | None) -> bool:
    return person is not None and person.role == Person.Role.ADMIN


def is_manager(person: Person | None) -> bool:
    """An admin or a program manager: someone who sees the console and insights."""
    return person is not None and person.role in (Person.Role.ADMIN, Person.Role.PROGRAM_MANAGER)


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


def manageable_programs(person: Person) -> QuerySet[Any]:
    """The programs a person may manage (none for participants)."""
    from crosspaths.programs.models import Program

    programs = Program.objects.filter(organization=person.organization)
    if is_admin(person):
        return programs
    if person.role == Person.Role.PROGRAM_MANAGER:
        return programs.filter(managers=person)
    return programs.none()


def person_required(view: View) -> View:
    """Signed in and part of an organization; otherwise the sign-in page or 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.person is None:  # type: ignore[attr-defined]
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def admin_required(view: View) -> View:
    """An organization admin of the signed-in person's organization."""

    @person_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_admin(request.person):  # type: ignore[attr-defined]
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def manager_required(view: View) -> View:
    """An admin or a program manager (each view still checks the program itself)."""

    @person_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        person = request.person  # type: ignore[attr-defined]
        if person.role not in (Person.Role.ADMIN, Person.Role.PROGRAM_MANAGER):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
