"""A person's own say in programs: join, pause until a date, resume, leave.

Who may join is the program's audience; these services check it so a participant
cannot talk their way into a program by posting its id. Every write is scoped to
the person's organization.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crosspaths import clock
from crosspaths.people.models import Person

from .models import Enrollment, Program

MAX_PAUSE = timedelta(days=366)


def program_is_open_to(*, program: Program, person: Person, on: date) -> bool:
    """Whether the program's audience includes the person: department, location, level
    range and "started within N days" (the onboarding formats). An empty audience is
    everyone in the organization."""
    if program.organization_id != person.organization_id or not program.active:
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
    if not created and (enrollment.left_at is not None or enrollment.paused_until is not None):
        enrollment.left_at = None
        enrollment.paused_until = None
        enrollment.save(update_fields=["left_at", "paused_until"])
    return enrollment


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
    return Enrollment.objects.filter(
        organization_id=person.organization_id, person=person, left_at__isnull=True
    ).update(paused_until=until)


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
    return enrollment


def enrollment_pause(*, person: Person, program: Program, today: date | None = None) -> date | None:
    """Pause one program for as long as a pause may last (the one-click unsubscribe of
    its e-mails): no round includes the person until then; the programs page resumes.
    Returns the last paused day, or None when the person is not (or no longer) in it."""
    until = (today or clock.today()) + MAX_PAUSE
    changed = Enrollment.objects.filter(
        organization_id=person.organization_id,
        person=person,
        program=program,
        left_at__isnull=True,
    ).update(paused_until=until)
    return until if changed else None


def paused_until(*, enrollments: Iterable[Enrollment], today: date) -> date | None:
    """The date the person's pause ends, if every current enrollment is paused."""
    current = [e for e in enrollments if e.left_at is None]
    if not current or not all(e.is_paused_on(today) for e in current):
        return None
    return min(e.paused_until for e in current if e.paused_until is not None)
