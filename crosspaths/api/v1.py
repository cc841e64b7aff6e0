"""/api/v1/: an organization's people, programs, enrollments, rounds and matches for
integrations with an API key. A thin adapter: every write goes through the service the
console uses (its validation, audit-log entry and transaction); long work (previews,
publications) is the console's background round job."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from crosspaths import clock
from crosspaths.api.v1_webhooks import router as webhooks_router
from crosspaths.console import program_rules
from crosspaths.console.forms import ProgramForm
from crosspaths.console.models import RoundJob
from crosspaths.console.services import audit_acting_as, program_save, round_job_request
from crosspaths.intranet.tokens import card_token_mint
from crosspaths.people.models import Department, Location, Person, Team
from crosspaths.programs.enrollments import enrollment_join, enrollment_leave, person_pause
from crosspaths.programs.models import Enrollment, Match, MatchMember, Program, Round
from crosspaths.programs.services import round_close

from .conventions import (
    READ_ERRORS,
    WRITE_ERRORS,
    Cursor,
    IdempotencyKey,
    Limit,
    idempotent,
    key_of,
    page,
    read,
    write,
)
from .interactions import router as interactions_router
from .keys import key_label
from .problems import ApiProblem, django_errors
from .schemas import (
    DepartmentPage,
    DraftIn,
    EmbedTokenIn,
    EmbedTokenOut,
    EnrollmentOut,
    EnrollmentPage,
    JobOut,
    JoinIn,
    LocationPage,
    MatchOut,
    MatchPage,
    PauseIn,
    PauseOut,
    PersonOut,
    PersonPage,
    ProgramChange,
    ProgramCreate,
    ProgramOut,
    ProgramPage,
    RoundOut,
    RoundPage,
    TeamPage,
)

router = Router(tags=["v1"])
router.add_router("", webhooks_router)  # /webhooks...: crosspaths/api/v1_webhooks.py
router.add_router("", interactions_router)  # POST /interactions (collaboration counts)
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T")

UpdatedSince = Query(
    None, description="only people changed at or after this moment (ISO 8601 with offset)"
)


def _org(request: HttpRequest) -> Any:
    return key_of(request).organization


def _listing(items: list[Any], next_cursor: str | None, of: Any = None) -> dict[str, Any]:
    return {"items": [of(i) for i in items] if of else items, "next_cursor": next_cursor}


# --- People and the organization's structure ---------------------------------------------


@router.get("/people", response={200: PersonPage, **READ_ERRORS}, auth=read("people"))
def people_list(
    request: HttpRequest,
    cursor: str | None = Cursor,
    limit: int | None = Limit,
    updated_since: datetime | None = UpdatedSince,
    active: bool | None = None,
) -> Any:
    """The roster, in id order. For a sync: remember when you started, then ask for
    ``updated_since`` that moment next time."""
    people = Person.objects.filter(organization=_org(request))
    if updated_since is not None:
        if updated_since.tzinfo is None or not ISO_MOMENT.match(request.GET["updated_since"]):
            raise ApiProblem(
                422,
                _("Give an ISO 8601 time with an offset, e.g. 2026-11-30T08:00:00Z."),
                field="updated_since",
            )
        people = people.filter(updated_at__gte=updated_since)
    if active is not None:
        people = people.filter(active=active)
    return _listing(*page(people.values(*PERSON_FIELDS), cursor=cursor, limit=limit))


# What PersonOut shows, read as plain values: no Person object per row (most of a people
# page's time went to building 50 of them for the schema to read 19 attributes each).
PERSON_FIELDS = tuple(PersonOut.model_fields)


@router.get("/people/{person_id}", response={200: PersonOut, **READ_ERRORS}, auth=read("people"))
def person_read(request: HttpRequest, person_id: int) -> Any:
    people = Person.objects.filter(organization=_org(request)).values(*PERSON_FIELDS)
    return get_object_or_404(people, pk=person_id)


@router.post(
    "/people/{person_id}/pause",
    response={200: PauseOut, **WRITE_ERRORS},
    auth=write("enrollments"),
)
def person_pause_set(request: HttpRequest, person_id: int, payload: PauseIn) -> Any:
    """Pause every program the person is in until a date (inclusive), or resume with
    ``until: null`` (the participant's own pause)."""
    person = get_object_or_404(Person, pk=person_id, organization=_org(request))
    return {"changed": person_pause(person=person, until=payload.until)}


@router.get("/departments", response={200: DepartmentPage, **READ_ERRORS}, auth=read("people"))
def departments_list(
    request: HttpRequest, cursor: str | None = Cursor, limit: int | None = Limit
) -> Any:
    return _listing(
        *page(Department.objects.filter(organization=_org(request)), cursor=cursor, limit=limit)
    )


@router.get("/teams", response={200: TeamPage, **READ_ERRORS}, auth=read("people"))
def teams_list(request: HttpRequest, cursor: str | None = Cursor, limit: int | None = Limit) -> Any:
    return _listing(
        *page(Team.objects.filter(organization=_org(request)), cursor=cursor, limit=limit)
    )


@router.get("/locations", response={200: LocationPage, **READ_ERRORS}, auth=read("people"))
def locations_list(
    request: HttpRequest, cursor: str | None = Cursor, limit: int | None = Limit
) -> Any:
    return _listing(
        *page(Location.objects.filter(organization=_org(request)), cursor=cursor, limit=limit)
    )


# --- Programs ------------------------------------------------------------------------------

# Form field -> the API's field, so an error names what the client sent.
FORM_NAMES = {
    "audience_departments": "audience.departments",
    "audience_locations": "audience.locations",
    "level_min": "audience.level_min",
    "level_max": "audience.level_max",
    "started_within_days": "audience.started_within_days",
    **{f"pref_{k}": f"preferences.{k}" for k in program_rules.SENTENCES},
}


def _programs(request: HttpRequest) -> Any:
    """The organization's programs; companion programs (a journey's steps, the outside-
    perspective sessions) are run by their format and stay out, as in the console."""
    return Program.objects.visible().filter(organization=_org(request)).prefetch_related("managers")


def _form_data(program: Program | None, change: dict[str, Any]) -> dict[str, Any]:
    """The console form's data: the program as it is (or a new program's defaults) with
    what the request changes on top."""
    if program is not None:
        data = ProgramForm.initial_from(program)
        stored = program.weights if isinstance(program.weights, dict) else {}
    else:
        model_fields = {f.name for f in Program._meta.get_fields()}
        data = {
            f: Program._meta.get_field(f).get_default()  # type: ignore[union-attr]  # the form's fields are Program's own columns
            for f in ProgramForm.base_fields
            if f in model_fields
        }
        data.update(description="", active=True, starts_on=clock.today(), managers=[])
        stored = {}
    data["requires_review"] = "1" if data.get("requires_review") in (True, "1") else "0"
    for key in program_rules.SENTENCES:
        data[f"pref_{key}"] = program_rules.weight_level(key, stored)
    for name, value in change.items():
        if value is None:
            continue  # null leaves the setting as it is (a new program's default)
        if name == "audience":
            audience = value or {}
            data["audience_departments"] = audience.get("departments") or []
            data["audience_locations"] = audience.get("locations") or []
            for k in ("level_min", "level_max", "started_within_days"):
                data[k] = audience.get(k)
        elif name == "preferences":
            for key, level in value.items():
                if level is None:
                    continue
                if key not in program_rules.SENTENCES:
                    raise ApiProblem(
                        422,
                        _("Unknown preference '%(key)s'; known: %(known)s.")
                        % {"key": key, "known": ", ".join(program_rules.SENTENCES)},
                        field=f"preferences.{key}",
                    )
                data[f"pref_{key}"] = level
        elif name == "requires_review":
            data[name] = "1" if value else "0"
        else:
            data[name] = value
    return {k: ("" if v is None else v) for k, v in data.items()}


def _program_write(
    request: HttpRequest, program: Program | None, change: dict[str, Any]
) -> Program:
    key = key_of(request)
    organization = key.organization
    form = ProgramForm(
        _form_data(program, change),
        organization=organization,
        program=program,
        can_assign_managers=True,
    )
    if not form.is_valid():
        errors = django_errors(ValidationError(form.errors.as_data()), FORM_NAMES)
        raise ValidationError({e["field"] or "__all__": e["detail"] for e in errors})
    managers = form.cleaned_data.get("managers") if "managers" in change else None
    with audit_acting_as(key_label(key)):
        return program_save(
            actor=key.created_by,
            organization=organization,
            program=program,
            fields=form.program_fields(),
            managers=list(managers) if managers is not None else None,
        )


@router.get("/programs", response={200: ProgramPage, **READ_ERRORS}, auth=read("programs"))
def programs_list(
    request: HttpRequest, cursor: str | None = Cursor, limit: int | None = Limit
) -> Any:
    return _listing(*page(_programs(request), cursor=cursor, limit=limit), of=ProgramOut.of)


@router.post("/programs", response={201: ProgramOut, **WRITE_ERRORS}, auth=write("programs"))
def program_create(
    request: HttpRequest, payload: ProgramCreate, idempotency_key: str | None = IdempotencyKey
) -> Any:
    """Create a program with the console's validation (and its audit-log entry)."""
    change = payload.model_dump(exclude_unset=True)
    return idempotent(
        request,
        idempotency_key,
        lambda: (201, ProgramOut.of(_program_write(request, None, change))),
    )


@router.get(
    "/programs/{program_id}", response={200: ProgramOut, **READ_ERRORS}, auth=read("programs")
)
def program_read(request: HttpRequest, program_id: int) -> Any:
    return ProgramOut.of(get_object_or_404(_programs(request), pk=program_id))


@router.patch(
    "/programs/{program_id}", response={200: ProgramOut, **WRITE_ERRORS}, auth=write("programs")
)
def program_update(request: HttpRequest, program_id: int, payload: ProgramChange) -> Any:
    """Change some settings of a program; what is left out stays as it is."""
    program = get_object_or_404(_programs(request), pk=program_id)
    program = _program_write(request, program, payload.model_dump(exclude_unset=True))
    return ProgramOut.of(Program.objects.prefetch_related("managers").get(pk=program.pk))


# --- Enrollments -----------------------------------------------------------------------------


@router.get(
    "/programs/{program_id}/enrollments",
    response={200: EnrollmentPage, **READ_ERRORS},
    auth=read("enrollments"),
)
def enrollments_list(
    request: HttpRequest, program_id: int, cursor: str | None = Cursor, limit: int | None = Limit
) -> Any:
    program = get_object_or_404(
        Program.objects.visible(), pk=program_id, organization=_org(request)
    )
    return _listing(*page(Enrollment.objects.filter(program=program), cursor=cursor, limit=limit))


@router.post(
    "/programs/{program_id}/enrollments",
    response={201: EnrollmentOut, **WRITE_ERRORS},
    auth=write("enrollments"),
)
def enrollment_create(
    request: HttpRequest,
    program_id: int,
    payload: JoinIn,
    idempotency_key: str | None = IdempotencyKey,
) -> Any:
    """Enroll a person (the program's audience decides who may join; joining again ends
    a pause or a leave)."""
    organization = _org(request)
    program = get_object_or_404(Program.objects.visible(), pk=program_id, organization=organization)
    person = Person.objects.filter(pk=payload.person_id, organization=organization).first()
    if person is None:
        raise ApiProblem(422, _("No such person."), field="person_id")

    def join() -> tuple[int, Any]:
        try:
            enrollment = enrollment_join(person=person, program=program)
        except ValidationError as e:
            raise ApiProblem(422, " ".join(e.messages), field="person_id") from None
        return 201, EnrollmentOut.from_orm(enrollment).model_dump(mode="json")

    return idempotent(request, idempotency_key, join)


@router.delete(
    "/programs/{program_id}/enrollments/{person_id}",
    response={200: EnrollmentOut, **WRITE_ERRORS},
    auth=write("enrollments"),
)
def enrollment_delete(request: HttpRequest, program_id: int, person_id: int) -> Any:
    """The person leaves the program (no more rounds; their history stays)."""
    organization = _org(request)
    program = get_object_or_404(Program.objects.visible(), pk=program_id, organization=organization)
    person = get_object_or_404(Person, pk=person_id, organization=organization)
    enrollment = enrollment_leave(person=person, program=program)
    if enrollment is None:
        raise ApiProblem(404, _("This person is not enrolled in this program."))
    return enrollment


# --- Rounds ------------------------------------------------------------------------------------


def _round(request: HttpRequest, round_id: int) -> Round:
    return get_object_or_404(
        Round.objects.select_related("program"), pk=round_id, organization=_org(request)
    )


@router.get("/rounds", response={200: RoundPage, **READ_ERRORS}, auth=read("rounds"))
def rounds_list(
    request: HttpRequest,
    program_id: int | None = None,
    status: Round.Status | None = None,
    cursor: str | None = Cursor,
    limit: int | None = Limit,
) -> Any:
    rounds = Round.objects.filter(organization=_org(request))
    if program_id is not None:
        rounds = rounds.filter(program_id=program_id)
    if status is not None:
        rounds = rounds.filter(status=status)
    return _listing(*page(rounds, cursor=cursor, limit=limit), of=RoundOut.of)


@router.get("/rounds/{round_id}", response={200: RoundOut, **READ_ERRORS}, auth=read("rounds"))
def round_read(request: HttpRequest, round_id: int) -> Any:
    return RoundOut.of(_round(request, round_id))


@router.post(
    "/programs/{program_id}/rounds",
    response={202: JobOut, **WRITE_ERRORS},
    auth=write("rounds"),
)
def round_preview(
    request: HttpRequest,
    program_id: int,
    payload: DraftIn,
    idempotency_key: str | None = IdempotencyKey,
) -> Any:
    """Preview (draft) a round for a date in the background; poll the job. Nobody is
    told anything until the round is published. A date that has a round is a 409."""
    key = key_of(request)
    program = get_object_or_404(
        Program.objects.visible(), pk=program_id, organization=key.organization
    )
    existing = Round.objects.filter(program=program, date=payload.date).first()
    if existing is not None:
        raise ApiProblem(
            409,
            _("%(program)s already has a round on %(date)s (id %(id)d).")
            % {"program": program.name, "date": payload.date.isoformat(), "id": existing.pk},
            field="date",
        )

    def request_job() -> tuple[int, Any]:
        with audit_acting_as(key_label(key)):
            job = round_job_request(
                actor=key.created_by,
                program=program,
                on=payload.date,
                kind=RoundJob.Kind.DRAFT,
            )
        return 202, JobOut.of(job)

    return idempotent(request, idempotency_key, request_job)


@router.post(
    "/rounds/{round_id}/publish", response={202: JobOut, **WRITE_ERRORS}, auth=write("rounds")
)
def round_publish(request: HttpRequest, round_id: int) -> Any:
    """Publish a draft in the background (introductions go out when it is done); poll
    the job. A round that is not a draft is a 409."""
    key = key_of(request)
    rnd = _round(request, round_id)
    if rnd.status != Round.Status.DRAFT:
        raise ApiProblem(
            409,
            _("This round cannot be published: it is %(status)s, not a draft.")
            % {"status": rnd.get_status_display()},
        )
    with audit_acting_as(key_label(key)):
        job = round_job_request(
            actor=key.created_by,
            program=rnd.program,
            on=rnd.date,
            kind=RoundJob.Kind.PUBLISH,
            round=rnd,
        )
    return Status(202, JobOut.of(job))


@router.post(
    "/rounds/{round_id}/close", response={200: RoundOut, **WRITE_ERRORS}, auth=write("rounds")
)
def round_close_now(request: HttpRequest, round_id: int) -> Any:
    """Close a published round (its groups become history). Closing twice is harmless;
    a draft is a 409."""
    rnd = _round(request, round_id)
    try:
        return RoundOut.of(round_close(round=rnd))
    except ValidationError as e:
        raise ApiProblem(409, " ".join(e.messages)) from None


@router.get("/jobs/{job_id}", response={200: JobOut, **READ_ERRORS}, auth=read("rounds"))
def job_read(request: HttpRequest, job_id: int) -> Any:
    return JobOut.of(get_object_or_404(RoundJob, pk=job_id, organization=_org(request)))


# --- Matches -----------------------------------------------------------------------------------


def _matches(request: HttpRequest) -> Any:
    return Match.objects.filter(organization=_org(request))


def _with_members(matches: list[Match]) -> list[dict[str, Any]]:
    """The matches as the API shows them, their members read in one query of just the
    columns shown (a prefetch built a queryset per match and whole Person rows, most of
    a match page's time). Plain data: the response schema validates it once."""
    members: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = (
        MatchMember.objects.filter(match__in=[m.pk for m in matches])
        .order_by("pk")
        .values_list("match_id", "person_id", "person__name", "person__email")
    )
    for match_id, person_id, name, email in rows:
        members[match_id].append({"person_id": person_id, "name": name, "email": email})
    return [
        {
            "id": match.pk,
            "round_id": match.round_id,
            "organizer_id": match.organizer_id,
            "location_id": match.location_id,
            "suggested_start": match.suggested_start,
            "suggested_end": match.suggested_end,
            "video_link": match.video_link,
            "reasons": match.reasons or [],
            "score": match.score,
            "members": members[match.pk],
        }
        for match in matches
    ]


@router.get(
    "/rounds/{round_id}/matches", response={200: MatchPage, **READ_ERRORS}, auth=read("matches")
)
def matches_list(
    request: HttpRequest, round_id: int, cursor: str | None = Cursor, limit: int | None = Limit
) -> Any:
    """The round's groups with their members and suggested slot, in id order."""
    rnd = _round(request, round_id)
    matches, next_cursor = page(_matches(request).filter(round=rnd), cursor=cursor, limit=limit)
    return _listing(_with_members(matches), next_cursor)


@router.get("/matches/{match_id}", response={200: MatchOut, **READ_ERRORS}, auth=read("matches"))
def match_read(request: HttpRequest, match_id: int) -> Any:
    return _with_members([get_object_or_404(_matches(request), pk=match_id)])[0]


# --- The intranet card ---------------------------------------------------------------------


@router.post("/embed-tokens", response={200: EmbedTokenOut, **WRITE_ERRORS}, auth=write("embed"))
def embed_token_create(request: HttpRequest, payload: EmbedTokenIn) -> Any:
    """A short-lived token that signs one person of the key's organization in to the
    intranet card (docs/intranet.md): the intranet's server asks for one per page view
    for the person looking at the page, by id or e-mail, and puts ``url`` in the
    iframe. Nothing is stored; the token expires on its own."""
    if (payload.person_id is None) == (payload.email is None):
        raise ApiProblem(422, _("Give either person_id or email."), field="person_id")
    people = Person.objects.filter(organization=_org(request), active=True)
    if payload.person_id is not None:
        person, field = people.filter(pk=payload.person_id).first(), "person_id"
    else:
        person, field = people.filter(email__iexact=(payload.email or "").strip()).first(), "email"
    if person is None:
        raise ApiProblem(
            422,
            _("No active person of this organization has this %(field)s.") % {"field": field},
            field=field,
        )
    token, expires = card_token_mint(person=person)
    url = settings.SITE_URL + reverse("intranet:card") + "?" + urlencode({"t": token})
    return {"token": token, "url": url, "expires_at": expires}
