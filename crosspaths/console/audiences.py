"""HR fills a program: enroll an audience at once (everyone, a department, a location,
the new hires of a start-date range), and let an onboarding program take in new hires
by itself as their start dates come.

Enrolling and announcing are one transaction with the audit entry: the people
enrolled, their announcement e-mails (one-click "leave" link) and the record of who did
it exist together or not at all. People who left the program earlier are not enrolled
again (leaving was their choice), and nobody is announced twice: the outbox key is one
per program and person.

New hires arrive through the roster import, SCIM or the console, all through
``people.services``; rather than a hook in each (and a lower layer calling a higher
one), a daily step looks for them: whoever is active, started between the day the
switch was turned on and today, and has never been in the program, is enrolled. Safe
to run twice: a second run finds nobody left.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crosspaths import clock
from crosspaths.notify.services import outbox_write_announcements
from crosspaths.people.models import Department, Location, Person
from crosspaths.programs.enrollments import (
    AudienceFilter,
    AudiencePlan,
    audience_plan,
    enrollments_add,
    new_hires_due,
)
from crosspaths.programs.models import Program
from crosspaths.programs.scheduling import BadSchedule, zone_of

from .models import AuditLog
from .services import _in_org_language, audit_record


def program_today(program: Program, now: datetime | None = None) -> date:
    """Today in the program's organization (a start date is a local date)."""
    now = now or clock.now()
    try:
        return now.astimezone(zone_of(program)).date()
    except BadSchedule:
        return now.date()


def audience_words(program: Program, audience: AudienceFilter) -> str:
    """The audience in a few words, for the audit log and the confirmation."""
    org = program.organization_id
    parts = []
    if audience.department_id is not None:
        dept = Department.objects.filter(organization_id=org, pk=audience.department_id).first()
        parts.append(_("department %(name)s") % {"name": dept})
    if audience.location_id is not None:
        loc = Location.objects.filter(organization_id=org, pk=audience.location_id).first()
        parts.append(_("location %(name)s") % {"name": loc})
    if audience.started_from or audience.started_until:
        parts.append(
            _("start date %(start)s to %(end)s")
            % {
                "start": audience.started_from.isoformat() if audience.started_from else "…",
                "end": audience.started_until.isoformat() if audience.started_until else "…",
            }
        )
    return ", ".join(parts) or _("everyone")


@transaction.atomic
def audience_enroll(
    *, actor: Person, program: Program, audience: AudienceFilter, expected: int | None = None
) -> AudiencePlan:
    """Enroll the audience's people who are not in the program yet, write each an
    announcement, and record it. ``expected`` is the count the admin confirmed: when
    the roster changed since the preview, nothing happens and they are asked again."""
    if program.organization_id != actor.organization_id:
        raise ValidationError(_("This program belongs to another organization."))
    if not program.active:
        raise ValidationError(_("The program is inactive; make it active before enrolling."))
    now = clock.now()
    plan = audience_plan(program=program, audience=audience, on=program_today(program, now))
    if expected is not None and expected != len(plan.new):
        raise ValidationError(
            _(
                "The roster changed since the preview: %(now)d people would be enrolled, "
                "not %(then)d. Check the new preview and confirm again."
            )
            % {"now": len(plan.new), "then": expected},
            code="changed",
        )
    fresh = enrollments_add(program=program, people=plan.new)
    outbox_write_announcements(
        program_id=program.pk, organization_id=program.organization_id, person_ids=fresh, now=now
    )
    with _in_org_language(program.organization):
        summary = ngettext(
            "Enrolled %(count)d person in %(program)s (%(audience)s) and sent them the announcement",
            "Enrolled %(count)d people in %(program)s (%(audience)s) and sent them the announcement",
            len(fresh),
        ) % {
            "count": len(fresh),
            "program": program.name,
            "audience": audience_words(program, audience),
        }
    audit_record(
        organization=program.organization,
        actor=actor,
        action=AuditLog.Action.PROGRAM_UPDATE,
        summary=summary,
        target=program,
        details={
            "enrolled": fresh,
            "already": plan.already,
            "left_earlier": plan.left,
            "outside_audience": plan.outside,
            "audience": {
                "department": audience.department_id,
                "location": audience.location_id,
                "started_from": audience.started_from.isoformat()
                if audience.started_from
                else None,
                "started_until": audience.started_until.isoformat()
                if audience.started_until
                else None,
            },
        },
    )
    return plan


@transaction.atomic
def program_set_auto_enroll(*, actor: Person, program: Program, on: bool) -> Program:
    """Turn "enroll new hires automatically" on (from today: the people who start from
    now on, not everyone who ever started) or off, and record it. Onboarding programs
    only: other formats are for people who choose to join."""
    if program.organization_id != actor.organization_id:
        raise ValidationError(_("This program belongs to another organization."))
    if on and program.format != Program.Format.ONBOARDING:
        raise ValidationError(
            _("Only onboarding programs enroll new hires automatically."), code="format"
        )
    since = program_today(program) if on else None
    if (program.auto_enroll_since is not None) == on:
        return program
    program.auto_enroll_since = since
    program.save(update_fields=["auto_enroll_since"])
    with _in_org_language(program.organization):
        summary = (
            _("New hires are now enrolled in %(program)s automatically from %(date)s")
            % {"program": program.name, "date": since.isoformat()}
            if since
            else _("New hires are no longer enrolled in %(program)s automatically")
            % {"program": program.name}
        )
    audit_record(
        organization=program.organization,
        actor=actor,
        action=AuditLog.Action.PROGRAM_UPDATE,
        summary=summary,
        target=program,
        details={"auto_enroll_since": since.isoformat() if since else None},
    )
    return program


def new_hires_enroll(*, now: datetime) -> int:
    """The daily step: every onboarding program with the switch on takes in the new
    hires whose start date has come, announces it to them and records it (one
    transaction per program). Returns how many people were enrolled."""
    total = 0
    programs = Program.objects.filter(
        auto_enroll_since__isnull=False, active=True, format=Program.Format.ONBOARDING
    ).select_related("organization")
    for program in programs:
        total += _new_hires_enroll_one(program, now)
    return total


@transaction.atomic
def _new_hires_enroll_one(program: Program, now: datetime) -> int:
    due = new_hires_due(program=program, on=program_today(program, now))
    if not due:
        return 0
    fresh = enrollments_add(program=program, people=due)
    if not fresh:
        return 0
    outbox_write_announcements(
        program_id=program.pk, organization_id=program.organization_id, person_ids=fresh, now=now
    )
    with _in_org_language(program.organization):
        summary = ngettext(
            "Enrolled %(count)d new hire in %(program)s automatically",
            "Enrolled %(count)d new hires in %(program)s automatically",
            len(fresh),
        ) % {"count": len(fresh), "program": program.name}
    audit_record(
        organization=program.organization,
        actor=None,
        action=AuditLog.Action.PROGRAM_UPDATE,
        summary=summary,
        target=program,
        details={"enrolled": fresh, "automatic": True},
    )
    return len(fresh)
