"""The API's shapes (OpenAPI is generated from them). Times are ISO 8601 with an offset
(UTC, ``Z``); dates are ISO dates; ids are the stable database ids."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, Strict, create_model

from crosspaths.console import program_rules
from crosspaths.programs.models import Program

# Numbers and booleans in request bodies are exactly that: false is not 0, "3" is not 3.
Int = Annotated[int, Strict()]
Bool = Annotated[bool, Strict()]


def _iso_date_text(value: Any) -> Any:
    """Only YYYY-MM-DD: pydantic would also read 0 or "1700000000" as a Unix time."""
    if isinstance(value, date) or (
        isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-"
    ):
        return value
    raise ValueError("Give a date as YYYY-MM-DD.")


IsoDate = Annotated[date, BeforeValidator(_iso_date_text)]
Level = Literal["strongly", "somewhat", "dont_care"]
# Literals built from the models' choices at run time (django-ninja validates and
# documents them); the type checker sees plain strings.
if TYPE_CHECKING:
    Format = str
    Cadence = str
else:
    Format = Literal[tuple(Program.Format.values)]
    Cadence = Literal[tuple(Program.Cadence.values)]


class DepartmentOut(Schema):
    id: int
    name: str


class TeamOut(Schema):
    id: int
    name: str
    department_id: int | None


class LocationOut(Schema):
    id: int
    name: str
    timezone: str


class PersonOut(Schema):
    id: int
    external_id: str
    email: str
    name: str
    department_id: int | None
    team_id: int | None
    location_id: int | None
    manager_id: int | None
    title: str
    level: int | None
    start_date: date | None
    timezone: str
    language: str
    languages: list[Any]
    interests: list[Any]
    role: str
    active: bool
    created_at: datetime
    updated_at: datetime


class PersonPage(Schema):
    items: list[PersonOut]
    next_cursor: str | None = Field(
        description="pass as ?cursor= for the next page; null on the last"
    )


class DepartmentPage(Schema):
    items: list[DepartmentOut]
    next_cursor: str | None


class TeamPage(Schema):
    items: list[TeamOut]
    next_cursor: str | None


class LocationPage(Schema):
    items: list[LocationOut]
    next_cursor: str | None


class In(Schema):
    """A request body: fields the API does not know are refused, not ignored (a typo
    would otherwise change nothing without a word)."""

    model_config = ConfigDict(extra="forbid")


class Audience(In):
    departments: list[Int] = Field(default_factory=list, max_length=1000)
    locations: list[Int] = Field(default_factory=list, max_length=1000)
    level_min: Int | None = Field(None, ge=0, le=32767)
    level_max: Int | None = Field(None, ge=0, le=32767)
    started_within_days: Int | None = Field(None, ge=1, le=3650)


# The engine's weights in words, one optional field per weight (the type checker sees
# only the base class).
if TYPE_CHECKING:
    Preferences = In
else:
    Preferences = create_model(
        "Preferences",
        __base__=In,
        **{key: (Level | None, None) for key in program_rules.SENTENCES},
    )


class ProgramOut(Schema):
    id: int
    name: str
    description: str
    format: str
    cadence: str
    weekday: int = Field(description="0 Monday … 6 Sunday")
    time: str = Field(description="when a round goes out, HH:MM in the organization's zone")
    starts_on: date
    group_size: int
    cooldown_weeks: int
    holdout_percent: int = Field(
        description="share of each round's possible pairs kept apart for measurement, 0 to 50"
    )
    requires_review: bool
    active: bool
    audience: dict[str, Any]
    weights: dict[str, float]
    preferences: dict[str, str]
    managers: list[Int]
    created_at: datetime

    @staticmethod
    def of(program: Program) -> dict[str, Any]:
        weights = program.weights if isinstance(program.weights, dict) else {}
        return ProgramOut(
            id=program.pk,
            name=program.name,
            description=program.description,
            format=program.format,
            cadence=program.cadence,
            weekday=program.weekday,
            time=program.time.strftime("%H:%M")
            if hasattr(program.time, "strftime")
            else str(program.time)[:5],
            starts_on=program.starts_on,
            group_size=program.group_size,
            cooldown_weeks=program.cooldown_weeks,
            holdout_percent=program.holdout_percent,
            requires_review=program.requires_review,
            active=program.active,
            audience=program.audience or {},
            weights={k: float(v) for k, v in weights.items()},
            preferences={
                k: program_rules.weight_level(k, weights) for k in program_rules.SENTENCES
            },
            managers=sorted(m.pk for m in program.managers.all()),
            created_at=program.created_at,
        ).model_dump(mode="json")


class ProgramPage(Schema):
    items: list[ProgramOut]
    next_cursor: str | None


class ProgramChange(In):
    """A program's settings; on PATCH every field is optional and what is left out stays."""

    name: str | None = Field(None, min_length=1, max_length=200, pattern=r"\S")
    description: str | None = Field(None, max_length=10_000)
    format: Format | None = None
    cadence: Cadence | None = None
    weekday: Int | None = Field(None, ge=0, le=6, description="0 Monday … 6 Sunday")
    time: str | None = Field(None, pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="HH:MM")
    starts_on: IsoDate | None = None
    group_size: Int | None = Field(None, ge=2, le=12)
    cooldown_weeks: Int | None = Field(None, ge=0, le=520)
    holdout_percent: Int | None = Field(
        None,
        ge=0,
        le=50,
        description="hold out this share (%) of each round's possible pairs for measurement",
    )
    requires_review: Bool | None = None
    active: Bool | None = None
    audience: Audience | None = None
    preferences: Preferences | None = Field(None, description="the engine's weights in words")
    managers: list[Int] | None = Field(
        None, max_length=1000, description="program managers' person ids"
    )


class ProgramCreate(ProgramChange):
    name: str = Field(..., min_length=1, max_length=200, pattern=r"\S")
    format: Format


class EnrollmentOut(Schema):
    id: int
    program_id: int
    person_id: int
    joined_at: datetime
    paused_until: date | None
    left_at: datetime | None


class EnrollmentPage(Schema):
    items: list[EnrollmentOut]
    next_cursor: str | None


class JoinIn(In):
    person_id: Int


class PauseIn(In):
    until: IsoDate | None = Field(description="the last day without rounds; null resumes")


class PauseOut(Schema):
    changed: int = Field(description="how many enrollments changed")


class RoundOut(Schema):
    id: int
    program_id: int
    date: date
    status: str
    metrics: dict[str, Any]
    created_at: datetime
    published_at: datetime | None
    closed_at: datetime | None

    @staticmethod
    def of(rnd: Any) -> dict[str, Any]:
        metrics = {k: v for k, v in (rnd.metrics or {}).items() if k not in ("pairs", "seconds")}
        return RoundOut(
            id=rnd.pk,
            program_id=rnd.program_id,
            date=rnd.date,
            status=rnd.status,
            metrics=metrics,
            created_at=rnd.created_at,
            published_at=rnd.published_at,
            closed_at=rnd.closed_at,
        ).model_dump(mode="json")


class RoundPage(Schema):
    items: list[RoundOut]
    next_cursor: str | None


class DraftIn(In):
    date: IsoDate


class JobOut(Schema):
    """A preview or publication running in the background: poll /api/v1/jobs/{id}."""

    id: int
    kind: str
    status: str = Field(description="queued, running, done or failed")
    program_id: int
    date: date
    round_id: int | None
    error: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @staticmethod
    def of(job: Any) -> dict[str, Any]:
        return JobOut(
            id=job.pk,
            kind=job.kind,
            status=job.status,
            program_id=job.program_id,
            date=job.on,
            round_id=job.round_id,
            error=job.error,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
        ).model_dump(mode="json")


class MemberOut(Schema):
    person_id: int
    name: str
    email: str


class MatchOut(Schema):
    id: int
    round_id: int
    organizer_id: int | None
    location_id: int | None
    suggested_start: datetime | None
    suggested_end: datetime | None
    video_link: str
    reasons: list[Any]
    score: float
    members: list[MemberOut]


class MatchPage(Schema):
    items: list[MatchOut]
    next_cursor: str | None


class EmbedTokenIn(In):
    person_id: Int | None = Field(None, description="the person viewing the intranet page")
    email: str | None = Field(None, max_length=254, description="or their e-mail address")


class EmbedTokenOut(Schema):
    token: str = Field(description="signs the person in to the card; put it in the frame's URL")
    url: str = Field(description="the card's address with the token: the iframe's src")
    expires_at: datetime
