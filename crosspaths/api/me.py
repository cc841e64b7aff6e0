"""/api/me/: the signed-in person's own encounters for the site's pages and an intranet
card: my matches, my programs, join, leave, pause. The session authenticates (no key);
writes need the CSRF token like every form of the site. Everything is the person's own
and goes through the same services as the participant pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.security import SessionAuth

from crosspaths.programs.enrollments import (
    enrollment_join,
    enrollment_leave,
    enrollments_of,
    person_pause,
    programs_open_to,
)
from crosspaths.programs.models import Match, MatchMember, Program, Round

from .problems import ApiProblem, Problem
from .schemas import PauseIn, PauseOut

MAX_MATCHES = 50


class PersonSession(SessionAuth):
    """The site's session, acting as the membership it chose (``request.person``);
    CSRF is checked on writes."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return getattr(request, "person", None)


router = Router(tags=["me"], auth=PersonSession())
ERRORS: dict[int, Any] = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 422: Problem}


class Companion(Schema):
    name: str
    department: str | None


class MyMatch(Schema):
    id: int
    program: str
    round_date: date
    status: str
    suggested_start: datetime | None
    suggested_end: datetime | None
    video_link: str
    location: str | None
    organizer: bool = Field(description="whether I am the group's designated organizer")
    others: list[Companion]


class MyProgram(Schema):
    id: int
    name: str
    description: str
    format: str
    enrolled: bool
    paused_until: date | None


class MyPrograms(Schema):
    items: list[MyProgram]


class MyMatches(Schema):
    items: list[MyMatch]


def _person(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]  # django-ninja sets request.auth to what the authenticator returned


@router.get("/matches", response={200: MyMatches, **ERRORS})
def my_matches(request: HttpRequest) -> Any:
    """My groups in published and closed rounds, newest first (the last 50)."""
    person = _person(request)
    members = MatchMember.objects.select_related("person__department").order_by("pk")
    matches = (
        Match.objects.filter(
            organization_id=person.organization_id,
            members__person=person,
            round__status__in=(Round.Status.PUBLISHED, Round.Status.CLOSED),
        )
        .select_related("round__program", "location")
        .prefetch_related(Prefetch("members", queryset=members))
        .order_by("-round__date", "-id")[:MAX_MATCHES]
    )
    return {
        "items": [
            {
                "id": m.pk,
                "program": m.round.program.name,
                "round_date": m.round.date,
                "status": m.round.status,
                "suggested_start": m.suggested_start,
                "suggested_end": m.suggested_end,
                "video_link": m.video_link,
                "location": m.location.name if m.location else None,
                "organizer": m.organizer_id == person.pk,
                "others": [
                    {
                        "name": str(o.person),
                        "department": o.person.department.name if o.person.department else None,
                    }
                    for o in m.members.all()
                    if o.person_id != person.pk
                ],
            }
            for m in matches
        ]
    }


def _my_program(program: Program, enrollment: Any) -> dict[str, Any]:
    current = enrollment is not None and enrollment.left_at is None
    return {
        "id": program.pk,
        "name": program.name,
        "description": program.description,
        "format": program.format,
        "enrolled": current,
        "paused_until": enrollment.paused_until if current else None,
    }


@router.get("/programs", response={200: MyPrograms, **ERRORS})
def my_programs(request: HttpRequest) -> Any:
    """The programs open to me, and the ones I am in, with whether I am enrolled."""
    person = _person(request)
    mine = enrollments_of(person=person)
    programs = {p.pk: p for p in programs_open_to(person=person)}
    for enrollment in mine.values():
        if enrollment.left_at is None:
            programs.setdefault(enrollment.program_id, enrollment.program)
    return {
        "items": [
            _my_program(p, mine.get(p.pk)) for p in sorted(programs.values(), key=lambda p: p.name)
        ]
    }


def _program(request: HttpRequest, program_id: int) -> Program:
    return get_object_or_404(
        Program, pk=program_id, organization_id=_person(request).organization_id
    )


@router.post("/programs/{program_id}/join", response={200: MyProgram, **ERRORS})
def my_join(request: HttpRequest, program_id: int) -> Any:
    """Join a program open to me (again)."""
    program = _program(request, program_id)
    try:
        enrollment = enrollment_join(person=_person(request), program=program)
    except ValidationError as e:
        raise ApiProblem(422, " ".join(e.messages), field="program_id") from None
    return _my_program(program, enrollment)


@router.post("/programs/{program_id}/leave", response={200: MyProgram, **ERRORS})
def my_leave(request: HttpRequest, program_id: int) -> Any:
    """Leave a program (no more rounds; what happened stays)."""
    program = _program(request, program_id)
    enrollment = enrollment_leave(person=_person(request), program=program)
    if enrollment is None:
        raise ApiProblem(404, _("You are not in this program."))
    return _my_program(program, enrollment)


@router.post("/pause", response={200: PauseOut, **ERRORS})
def my_pause(request: HttpRequest, payload: PauseIn) -> Any:
    """Pause all my programs until a date (inclusive), or resume with ``until: null``."""
    return {"changed": person_pause(person=_person(request), until=payload.until)}
