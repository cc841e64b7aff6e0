"""Writes of team bridges: create one (a program, its bridge row, its members enrolled
and told), change its teams. One transaction each, recorded in the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crosspaths import clock
from crosspaths.console.models import AuditLog
from crosspaths.console.services import _in_org_language, audit_record
from crosspaths.notify.services import outbox_write_announcements
from crosspaths.people.models import Organization, Person, Team
from crosspaths.programs.enrollments import enrollments_add
from crosspaths.programs.models import Program

from .models import Bridge


def _check_teams(organization: Organization, teams: Sequence[Team]) -> list[Team]:
    chosen = list({t.pk: t for t in teams}.values())
    if any(t.organization_id != organization.pk for t in chosen):
        raise ValidationError({"teams": _("Every team must belong to this organization.")})
    if len(chosen) < 2:
        raise ValidationError({"teams": _("A bridge joins at least two teams; pick two or more.")})
    return chosen


def _enroll_members(bridge: Bridge) -> list[int]:
    """Enroll the active members of the bridge's teams who are not in it yet and send
    each the program's announcement (with a one-click way out)."""
    people = Person.objects.filter(
        organization_id=bridge.organization_id, team__in=bridge.teams.all(), active=True
    )
    fresh = enrollments_add(program=bridge.program, people=people)
    outbox_write_announcements(
        program_id=bridge.program_id,
        organization_id=bridge.organization_id,
        person_ids=fresh,
        now=clock.now(),
    )
    return fresh


def bridge_create(
    *,
    actor: Person,
    organization: Organization,
    name: str,
    teams: Sequence[Team],
    cadence: str = Program.Cadence.BIWEEKLY,
    weekday: int = Program.Weekday.MONDAY,
    starts_on: date | None = None,
    description: str = "",
) -> Bridge:
    """A team-bridge program for ``teams`` (two or more), its members enrolled.

    The program pairs 1:1 by video (group size 2, virtual) and has no cooldown of its
    own: the rotation (least-met pairs first) is what keeps pairs from repeating
    until every cross pair has met once (docs/decisions.md, "Team bridges")."""
    chosen = _check_teams(organization, teams)
    with transaction.atomic():
        program = Program(
            organization=organization,
            name=name,
            description=description,
            format=Program.Format.TEAM_BRIDGE,
            cadence=cadence,
            weekday=weekday,
            starts_on=starts_on or clock.today(),
            group_size=2,
            cooldown_weeks=0,
        )
        program.full_clean()
        program.save()
        bridge = Bridge.objects.create(organization=organization, program=program, created_by=actor)
        bridge.teams.set(chosen)
        fresh = _enroll_members(bridge)
        with _in_org_language(organization):
            summary = _("Created the team bridge %(name)s between %(teams)s") % {
                "name": name,
                "teams": ", ".join(sorted(t.name for t in chosen)),
            }
        audit_record(
            organization=organization,
            actor=actor,
            action=AuditLog.Action.BRIDGE_CREATE,
            target=bridge,
            summary=summary,
            details={"teams": sorted(t.pk for t in chosen), "enrolled": len(fresh)},
        )
    return bridge


def bridge_teams_set(*, actor: Person, bridge: Bridge, teams: Sequence[Team]) -> Bridge:
    """Change which teams the bridge joins; new members are enrolled and told, members
    of a team taken out stay enrolled but are no longer paired (``not_in_bridge``)."""
    chosen = _check_teams(bridge.organization, teams)
    with transaction.atomic():
        before = sorted(bridge.teams.values_list("pk", flat=True))
        bridge.teams.set(chosen)
        fresh = _enroll_members(bridge)
        after = sorted(t.pk for t in chosen)
        if before != after or fresh:
            with _in_org_language(bridge.organization):
                summary = _("Changed the teams of the bridge %(name)s to %(teams)s") % {
                    "name": bridge.program.name,
                    "teams": ", ".join(sorted(t.name for t in chosen)),
                }
            audit_record(
                organization=bridge.organization,
                actor=actor,
                action=AuditLog.Action.BRIDGE_UPDATE,
                target=bridge,
                summary=summary,
                details={"teams": [before, after], "enrolled": len(fresh)},
            )
    return bridge


def bridges_enroll_new_members(*, now: datetime | None = None) -> int:
    """The daily step: enroll (and tell) people who joined a bridged team since the
    bridge was built, for every active bridge. Someone who left a bridge keeps their
    enrollment as it is and is not enrolled again. Safe to run twice (returns 0)."""
    enrolled = 0
    for bridge in Bridge.objects.filter(program__active=True).select_related("program"):
        with transaction.atomic():
            enrolled += len(_enroll_members(bridge))
    return enrolled
