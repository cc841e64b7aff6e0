"""/api/v1/ writes to people (create, change, deactivate) through the roster's own
services, and pausing one enrollment until a date. A thin adapter: a person is written
by ``people.services.person_provision`` (the roster import's comparison and writer, as
SCIM uses it), from a row read by the roster reader (``roster_row``), so the API accepts
and refuses exactly what a roster file would; each write has its audit-log entry in the
same transaction. The operations join ``v1``'s router (same paths as its reads)."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field
from pydantic import AfterValidator

from crosspaths.console.models import AuditLog
from crosspaths.console.services import audit_acting_as, audit_record
from crosspaths.matching.roster import RosterError
from crosspaths.people.models import Organization, Person
from crosspaths.people.services import person_provision, roster_row
from crosspaths.programs.enrollments import enrollment_pause_until
from crosspaths.programs.models import Program

from .conventions import WRITE_ERRORS, IdempotencyKey, idempotent, key_of, write
from .keys import key_label
from .problems import ApiProblem
from .schemas import Bool, EnrollmentOut, In, Int, IsoDate, PauseIn, PersonOut
from .v1 import router

# The roster column a request field fills, and back (for a refusal naming the field).
COLUMN_OF = {
    "external_id": "id",
    "email": "email",
    "name": "name",
    "department": "department",
    "team": "team",
    "location": "location",
    "level": "level",
    "manager_id": "manager_id",
    "start_date": "start_date",
    "timezone": "timezone",
    "languages": "languages",
    "interests": "interests",
    "active": "active",
    "title": "title",
    "language": "language",
}
FIELD_OF = {column: name for name, column in COLUMN_OF.items()}


def _plain(value: str) -> str:
    """Text a roster cell can carry: no NUL character (the database refuses it)."""
    if "\x00" in value:
        raise ValueError("Remove the NUL character.")
    return value


def _item(value: str) -> str:
    """One entry of a list, which a roster cell separates with ';'."""
    _plain(value)
    if ";" in value:
        raise ValueError("An entry cannot contain ';'.")
    return value


Text = Annotated[str, AfterValidator(_plain)]
Item = Annotated[str, AfterValidator(_item)]


class PersonChange(In):
    """A person as a roster row describes them; on PATCH every field is optional and
    what is left out stays. Departments, teams and locations go by name, as in a roster
    file (a new name creates one); ``manager_id`` is the manager's id in this API."""

    external_id: Text | None = Field(
        None, min_length=1, max_length=100, description="roster id (the HR system's id)"
    )
    email: Text | None = Field(
        None, min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
    )
    name: Text | None = Field(None, max_length=200)
    department: Text | None = Field(None, max_length=200, description="name; null: none")
    team: Text | None = Field(None, max_length=200, description="name; null: none")
    location: Text | None = Field(None, max_length=200, description="name; null: none")
    level: Int | None = Field(None, ge=0, le=32767)
    manager_id: Int | None = Field(None, description="the manager's person id; null: none")
    start_date: IsoDate | None = None
    timezone: Text | None = Field(None, max_length=64, description="IANA name, e.g. Europe/Berlin")
    languages: list[Item] | None = Field(None, max_length=50, description="codes, e.g. en, de")
    interests: list[Item] | None = Field(None, max_length=200)
    active: Bool | None = Field(None, description="false deactivates (history stays)")
    title: Text | None = Field(None, max_length=200)
    language: Text | None = Field(None, max_length=8, description="e-mail and page language")


class PersonCreate(PersonChange):
    email: Text = Field(..., min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _cell(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name in ("languages", "interests"):
        return ";".join(value)
    if name == "active":
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _row(organization: Organization, person: Person | None, change: dict[str, Any]) -> Any:
    """The roster row of a request: the fields it sent, under their roster columns."""
    roster_id = change.pop("external_id", None) or (person.external_id if person else "")
    values = {"id": roster_id or "api-" + secrets.token_hex(6)}
    known: list[str] = []
    if "manager_id" in change:
        manager_id = change.pop("manager_id")
        manager = None
        if manager_id is not None:
            manager = Person.objects.filter(organization=organization, pk=manager_id).first()
            if manager is None or (person is not None and manager.pk == person.pk):
                raise ApiProblem(
                    422,
                    _("The manager must be another person of this organization."),
                    field="manager_id",
                )
            if not manager.external_id:
                raise ApiProblem(
                    422, _("The manager has no roster id (external_id) yet."), field="manager_id"
                )
            known.append(manager.external_id)
        values["manager_id"] = manager.external_id if manager else ""
    for name, value in change.items():
        values[COLUMN_OF[name]] = _cell(name, value)
    try:
        return roster_row(values, file="API", known_ids=known)
    except RosterError as e:
        raise _refusal(e) from None


def _refusal(error: RosterError) -> ValidationError:
    """Roster problems as field errors of the request (problem+json, 422)."""
    fields: dict[str, list[str]] = {}
    for problem in error.problems:
        field = FIELD_OF.get(problem.column or "", problem.column or "__all__")
        fields.setdefault(field, []).append(problem.message)
    return ValidationError(fields)


def _write(request: HttpRequest, person: Person | None, change: dict[str, Any]) -> Person:
    """Create or change one person through ``person_provision`` with its audit-log
    entry, in one transaction."""
    key = key_of(request)
    organization = key.organization
    was_active = person.active if person is not None else None
    with transaction.atomic():
        row = _row(organization, person, dict(change))
        try:
            saved = person_provision(organization=organization, person=person, row=row, file="API")
        except RosterError as e:
            raise _refusal(e) from None
        with translation.override(organization.language or "en"):
            if person is None:
                summary = _("Person added through the API: %(person)s")
            elif was_active != saved.active:
                summary = (
                    _("Reactivated %(person)s") if saved.active else _("Deactivated %(person)s")
                )
            else:
                summary = _("Person changed through the API: %(person)s")
            summary %= {"person": saved.name or saved.email}
        with audit_acting_as(key_label(key)):
            audit_record(
                organization=organization,
                actor=key.created_by,
                action=AuditLog.Action.PERSON_ACTIVE
                if person is not None and was_active != saved.active
                else AuditLog.Action.ROSTER_IMPORT,
                target=saved,
                summary=summary,
                details={"via": "api", "fields": sorted(change)},
            )
    return Person.objects.get(pk=saved.pk)


@router.post("/people", response={201: PersonOut, **WRITE_ERRORS}, auth=write("people"))
def person_create(
    request: HttpRequest, payload: PersonCreate, idempotency_key: str | None = IdempotencyKey
) -> Any:
    """Add a person as a one-row roster import would (the same checks; departments,
    teams and locations created by name). A roster id is made up when none is sent."""
    change = payload.model_dump(exclude_unset=True)

    def create() -> tuple[int, Any]:
        person = _write(request, None, change)
        return 201, PersonOut.from_orm(person).model_dump(mode="json")

    return idempotent(request, idempotency_key, create)


@router.patch(
    "/people/{person_id}", response={200: PersonOut, **WRITE_ERRORS}, auth=write("people")
)
def person_update(request: HttpRequest, person_id: int, payload: PersonChange) -> Any:
    """Change some of a person's roster fields; what is left out stays. ``"active":
    false`` deactivates (no more rounds or invitations; history stays); the
    organization's last active admin cannot be deactivated."""
    person = get_object_or_404(Person, pk=person_id, organization=key_of(request).organization)
    return _write(request, person, payload.model_dump(exclude_unset=True))


@router.post(
    "/programs/{program_id}/enrollments/{person_id}/pause",
    response={200: EnrollmentOut, **WRITE_ERRORS},
    auth=write("enrollments"),
)
def enrollment_pause(
    request: HttpRequest, program_id: int, person_id: int, payload: PauseIn
) -> Any:
    """Pause one program for the person until a date (inclusive), or resume it with
    ``until: null``."""
    organization = key_of(request).organization
    program = get_object_or_404(Program.objects.visible(), pk=program_id, organization=organization)
    person = get_object_or_404(Person, pk=person_id, organization=organization)
    enrollment = enrollment_pause_until(person=person, program=program, until=payload.until)
    if enrollment is None:
        raise ApiProblem(404, _("This person is not enrolled in this program."))
    return enrollment
