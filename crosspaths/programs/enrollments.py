"""A person's own say in programs: join, pause until a date, resume, leave.

Who may join is the program's audience; these services check it so a participant
cannot talk their way into a program by posting its id. Every write is scoped to
the person's organization.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crosspaths import clock
from crosspaths.people.models import Person
from crosspaths.programs.hooks import webhook_events

from .models import Enrollment, Program

MAX_PAUSE = timedelta(days=366)


def program_is_open_to(*, program: Program, person: Person, on: date) -> bool:
    """Whether the program's audience includes the person: department, location, level
    range and "started within N days" (the onboarding formats). An empty audience is
    everyone in the organization; a team bridge is open only to people it enrolled."""
    if program.organization_id != person.organization_id or not program.active:
        return False
    if (
        program.format == Program.Format.TEAM_BRIDGE
        and not program.enrollments.filter(person=person).exists()
    ):
        # A team bridge is for its teams' members, whom building the bridge (or the
        # daily step) enrolls (crosspaths.bridges); one who left may come back.
        return False
    audience = program.audience or {}
    departments = audience.get("departments") or []
    if departments and person.department_id not in departments:
        return False
    locations = audience.get("locations") or []
    if locations and person.location_id not in locations:
        return False
    level_min, level_max = audience.get("level_min"), audience.get("level_max")
    if (level_min is not None or level_max is not None) and person.level is None:
        return False
    if level_min is not None and person.level < level_min:
        return False
    if level_max is not None and person.level > level_max:
        return False
    within = audience.get("started_within_days")
    return within is None or (
        person.start_date is not None and 0 <= (on - person.start_date).days <= within
    )


def programs_open_to(*, person: Person, on: date | None = None) -> list[Program]:
    """The organization's active programs the person may join (one query; an
    organization runs a handful of programs, so the audience is checked in Python)."""
    on = on or clock.today()
    programs = Program.objects.filter(organization_id=person.organization_id, active=True)
    return [p for p in programs if program_is_open_to(program=p, person=person, on=on)]


def enrollments_of(*, person: Person) -> dict[int, Enrollment]:
    """The person's enrollments (current and left) by program id."""
    return {
        e.program_id: e
        for e in Enrollment.objects.filter(
            organization_id=person.organization_id, person=person
        ).select_related("program")
    }


@transaction.atomic
def enrollment_join(*, person: Person, program: Program, on: date | None = None) -> Enrollment:
    """Join a program, or rejoin one left earlier (which also ends any pause)."""
    on = on or clock.today()
    if not program_is_open_to(program=program, person=person, on=on):
        raise ValidationError(
            _("%(program)s is not open to you.") % {"program": program.name}, code="audience"
        )
    enrollment, created = Enrollment.objects.get_or_create(
        program=program, person=person, defaults={"organization_id": person.organization_id}
    )
    rejoined = not created and (
        enrollment.left_at is not None or enrollment.paused_until is not None
    )
    if rejoined:
        enrollment.left_at = None
        enrollment.paused_until = None
        enrollment.save(update_fields=["left_at", "paused_until"])
    if created or rejoined:
        webhook_events.emit(
            organization_id=person.organization_id,
            type="person.enrolled",
            data={
                "person_id": person.pk,
                "program_id": program.pk,
                "enrollment_id": enrollment.pk,
                "rejoined": rejoined,
            },
        )
    return enrollment


def _announce_pause(person: Person, until: date | None, program_ids: list[int]) -> None:
    """``person.paused``: until which day (inclusive), or ``null`` for resumed."""
    if program_ids:
        webhook_events.emit(
            organization_id=person.organization_id,
            type="person.paused",
            data={
                "person_id": person.pk,
                "paused_until": until.isoformat() if until else None,
                "program_ids": sorted(program_ids),
            },
        )


@transaction.atomic
def enrollment_leave(*, person: Person, program: Program) -> Enrollment | None:
    """Leave a program: no more rounds, history kept. Leaving twice is harmless."""
    enrollment = Enrollment.objects.filter(
        organization_id=person.organization_id, person=person, program=program
    ).first()
    if enrollment is not None and enrollment.left_at is None:
        enrollment.left_at = clock.now()
        enrollment.save(update_fields=["left_at"])
    return enrollment


@transaction.atomic
def enrollments_set(
    *, person: Person, programs: Iterable[Program], offered: Iterable[Program]
) -> None:
    """The onboarding's checkboxes: join the chosen programs and leave the offered
    ones left unticked. Programs that were not offered (HR enrolled the person in
    one outside the list) are not touched."""
    chosen = {p.pk: p for p in programs}
    for program in chosen.values():
        enrollment_join(person=person, program=program)
    unticked = [p.pk for p in offered if p.pk not in chosen]
    for enrollment in Enrollment.objects.filter(
        organization_id=person.organization_id,
        person=person,
        left_at__isnull=True,
        program_id__in=unticked,
    ):
        enrollment.left_at = clock.now()
        enrollment.save(update_fields=["left_at"])


def person_pause(*, person: Person, until: date | None, today: date | None = None) -> int:
    """Pause every program the person is in until ``until`` (inclusive: no round on or
    before that day includes them), or resume with ``until=None``. Returns how many
    enrollments changed. A date in the past or more than a year ahead is refused."""
    _pause_check(until, today or clock.today())
    with transaction.atomic():
        current = Enrollment.objects.filter(
            organization_id=person.organization_id, person=person, left_at__isnull=True
        )
        program_ids = list(current.values_list("program_id", flat=True))
        changed = current.update(paused_until=until)
        _announce_pause(person, until, program_ids)
    return changed


def _pause_check(until: date | None, today: date) -> None:
    """A pause ends today or later, and within a year."""
    if until is not None:
        if until < today:
            raise ValidationError({"until": _("Choose today or a later date.")})
        if until > today + MAX_PAUSE:
            raise ValidationError({"until": _("You can pause for up to a year.")})


@transaction.atomic
def enrollment_pause_until(
    *, person: Person, program: Program, until: date | None, today: date | None = None
) -> Enrollment | None:
    """Pause one program until ``until`` (inclusive), or resume it with None; the same
    limits as ``person_pause``. Returns the enrollment, or None when the person is not
    (or no longer) in the program."""
    _pause_check(until, today or clock.today())
    enrollment = (
        Enrollment.objects.select_for_update()
        .filter(
            organization_id=person.organization_id,
            person=person,
            program=program,
            left_at__isnull=True,
        )
        .first()
    )
    if enrollment is not None and enrollment.paused_until != until:
        enrollment.paused_until = until
        enrollment.save(update_fields=["paused_until"])
        _announce_pause(person, until, [program.pk])
    return enrollment


def enrollment_pause(*, person: Person, program: Program, today: date | None = None) -> date | None:
    """Pause one program for as long as a pause may last (the one-click unsubscribe of
    its e-mails): no round includes the person until then; the programs page resumes.
    Returns the last paused day, or None when the person is not (or no longer) in it."""
    until = (today or clock.today()) + MAX_PAUSE
    with transaction.atomic():
        changed = Enrollment.objects.filter(
            organization_id=person.organization_id,
            person=person,
            program=program,
            left_at__isnull=True,
        ).update(paused_until=until)
        _announce_pause(person, until, [program.pk] if changed else [])
    return until if changed else None


def paused_until(*, enrollments: Iterable[Enrollment], today: date) -> date | None:
    """The date the person's pause ends, if every current enrollment is paused."""
    current = [e for e in enrollments if e.left_at is None]
    if not current or not all(e.is_paused_on(today) for e in current):
        return None
    return min(e.paused_until for e in current if e.paused_until is not None)


# --- HR fills a program: an audience enrolled at once, new hires as they arrive ------


@dataclass(frozen=True)
class AudienceFilter:
    """Whom HR enrolls: everyone, or one department, one location, or the people whose
    start date lies in a range (new hires, for onboarding programs). Filters combine."""

    department_id: int | None = None
    location_id: int | None = None
    started_from: date | None = None
    started_until: date | None = None


@dataclass(frozen=True)
class AudiencePlan:
    """What enrolling an audience would do: who gets enrolled, and who not and why."""

    new: list[Person]
    already: int  # enrolled now (paused or not): nothing changes for them
    left: int  # left the program earlier: their choice stands, not re-enrolled
    outside: int  # outside the program's own audience (department, level, ...)


def audience_plan(*, program: Program, audience: AudienceFilter, on: date) -> AudiencePlan:
    """The active people of the program's organization matching ``audience``, split by
    what enrolling would do to them (two queries; the program's audience is checked in
    Python, as for a person joining)."""
    people = Person.objects.filter(organization_id=program.organization_id, active=True)
    if audience.department_id is not None:
        people = people.filter(department_id=audience.department_id)
    if audience.location_id is not None:
        people = people.filter(location_id=audience.location_id)
    if audience.started_from is not None:
        people = people.filter(start_date__gte=audience.started_from)
    if audience.started_until is not None:
        people = people.filter(start_date__lte=audience.started_until)
    states = dict(
        Enrollment.objects.filter(program=program, person__in=people).values_list(
            "person_id", "left_at"
        )
    )
    new, already, left, outside = [], 0, 0, 0
    # Only what the audience check and the preview's names need (at 100,000 people
    # the whole rows cost seconds).
    fields = ("organization_id", "department_id", "location_id", "level", "start_date")
    # A team bridge's teams decide who is in it (crosspaths.bridges): nobody outside them
    # is enrolled by an audience, and nobody costs a query to find that out.
    bridge = program.format == Program.Format.TEAM_BRIDGE
    for person in people.only(*fields, "name", "email").order_by("name", "email"):
        if person.pk in states:
            left += states[person.pk] is not None
            already += states[person.pk] is None
        elif bridge or not program_is_open_to(program=program, person=person, on=on):
            outside += 1
        else:
            new.append(person)
    return AudiencePlan(new=new, already=already, left=left, outside=outside)


def enrollments_add(*, program: Program, people: Iterable[Person]) -> list[int]:
    """Enroll ``people`` (HR's doing, not theirs) and return the ids of those newly
    enrolled. Someone who has an enrollment already (current, paused or left) is left as
    they are. Call inside a transaction; the program row is locked so two admins
    enrolling at once do not both announce the same people."""
    Program.objects.select_for_update().filter(pk=program.pk).first()
    ids = [p.pk for p in people if p.organization_id == program.organization_id]
    taken = set(
        Enrollment.objects.filter(program=program, person_id__in=ids).values_list(
            "person_id", flat=True
        )
    )
    fresh = [pid for pid in ids if pid not in taken]
    Enrollment.objects.bulk_create(
        [
            Enrollment(organization_id=program.organization_id, program=program, person_id=pid)
            for pid in fresh
        ],
        batch_size=2000,
        ignore_conflicts=True,  # a person joining on their own at this very moment
    )
    return fresh


def new_hires_due(*, program: Program, on: date) -> list[Person]:
    """The people an onboarding program with automatic enrollment takes in on ``on``:
    active, started between the switch's day and ``on``, never enrolled in it, and
    inside the program's audience."""
    if program.auto_enroll_since is None or not program.active:
        return []
    since = program.auto_enroll_since
    plan = audience_plan(
        program=program, audience=AudienceFilter(started_from=since, started_until=on), on=on
    )
    return plan.new
