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
from typing import Any, TypeGuard, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http.response import HttpResponseBase

from .http import PersonRequest, VisitorRequest
from .models import Person

# A decorated view keeps its own type (its request type, its response type).
View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def is_admin(person: Person | None) -> TypeGuard[Person]:
    return person is not None and person.role == Person.Role.ADMIN


def is_manager(person: Person | None) -> bool:
    """An admin or a program manager: someone who sees the console and insights."""
    return person is not None and person.role in (Person.Role.ADMIN, Person.Role.PROGRAM_MANAGER)


def is_program_manager(person: Person | None) -> bool:
    return person is not None and person.role == Person.Role.PROGRAM_MANAGER


def can_use_console(person: Person | None) -> bool:
    """The HR console is for admins and program managers; participants never see it."""
    return is_admin(person) or is_program_manager(person)


def can_manage_people(person: Person | None) -> bool:
    """Roster imports, invitations and roles touch everyone's data: admins only."""
    return is_admin(person)


def can_create_program(person: Person | None) -> bool:
    """New programs are an organization decision: admins only (managers run theirs)."""
    return is_admin(person)


def can_assign_program_managers(person: Person | None) -> bool:
    """Who runs a program is the admin's call, so a manager cannot hand theirs on."""
    return is_admin(person)


def can_view_audit_log(person: Person | None) -> bool:
    """The audit log names everyone's changes across the organization: admins only."""
    return is_admin(person)


def can_configure_sso(person: Person | None) -> bool:
    """Single sign-on decides who can sign in as anyone in the organization (and can
    lock everyone else out): organization admins only, never program managers."""
    return is_admin(person)


def can_change_role(actor: Person | None, person: Person, role: str) -> bool:
    """Admins change roles (and activity) in their own organization. That the last
    active admin keeps the role is not a permission but a rule every writer obeys:
    ``people.services.admins_keep_one``."""
    return is_admin(actor) and actor.organization_id == person.organization_id


def sees_organization_insights(person: Person | None) -> bool:
    """Organization-wide insights (every program together, reach across the whole
    network, invitations) are for admins. Program managers see the insights of the
    programs they manage, one program at a time: they run those programs and need to
    know whether they work, but not the rest of the organization."""
    return is_admin(person)


def person_required(view: View) -> View:
    """Signed in and part of an organization; otherwise the sign-in page or 403."""

    @wraps(view)
    def wrapper(request: VisitorRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.person is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return cast(View, wrapper)


def admin_required(view: View) -> View:
    """An organization admin of the signed-in person's organization."""

    @person_required
    @wraps(view)
    def wrapper(request: PersonRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_admin(request.person):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return cast(View, wrapper)


def manager_required(view: View) -> View:
    """An admin or a program manager (each view still checks the program itself)."""

    @person_required
    @wraps(view)
    def wrapper(request: PersonRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can_use_console(request.person):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return cast(View, wrapper)


def can_manage_provisioning(person: Person | None) -> bool:
    """SCIM tokens let an identity provider create and deactivate anyone: admins only
    (program managers and participants never see them)."""
    return is_admin(person)
