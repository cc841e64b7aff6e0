"""GDPR self-service: what Crosspaths holds about a person (their own data, nothing that
describes a colleague's behaviour), and erasing them.

Erasure keeps an anonymous roster row in the person's place, with only the department,
team and location the organization's figures count by, so past groups keep their size
and insights stay correct; everything personal goes: names and addresses, preferences,
check-in comments, private lists, sign-in links, unsent messages, interaction counts,
and the login when no other organization uses it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from crosspaths import clock
from crosspaths.collaboration.services import interactions_forget, person_interaction_totals
from crosspaths.console.models import AuditLog
from crosspaths.console.services import audit_record
from crosspaths.meetings.models import CheckIn
from crosspaths.notify.models import Message
from crosspaths.people.models import BlockedPair, KeepInTouch, Organization, Person, SignInToken
from crosspaths.people.services import admins_keep_one
from crosspaths.programs.models import Enrollment, LeftOut, MatchMember

ERASED_DOMAIN = "erased.invalid"  # RFC 2606: never a real mailbox


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else value


def person_data(*, person: Person) -> dict[str, Any]:
    """Everything Crosspaths holds about ``person`` in their organization, as plain
    JSON-ready data: their roster entry and preferences, programs, groups (with whom,
    when, and their own check-in, never the others'), left-out notices, private lists,
    messages sent to them and their sign-in links (dates only)."""
    memberships = (
        MatchMember.objects.filter(person=person, organization_id=person.organization_id)
        .select_related("match__round__program")
        .order_by("round__date")
    )
    others = _names_by_match([m.match_id for m in memberships], exclude=person.pk)
    checkins = {c.member_id: c for c in CheckIn.objects.filter(member__in=memberships)}
    return {
        "exported_at": _iso(clock.now()),
        "organization": person.organization.name,
        "profile": _profile(person),
        "programs": [
            {
                "program": e.program.name,
                "joined_at": _iso(e.joined_at),
                "paused_until": _iso(e.paused_until),
                "left_at": _iso(e.left_at),
            }
            for e in Enrollment.objects.filter(person=person).select_related("program")
        ],
        "groups": [_group(m, others.get(m.match_id, []), checkins.get(m.pk)) for m in memberships],
        "left_out": [
            {"round": _iso(lo.round.date), "program": lo.round.program.name, "reason": lo.reason}
            for lo in LeftOut.objects.filter(person=person).select_related("round__program")
        ],
        "do_not_pair_with": list(
            BlockedPair.objects.filter(person=person).values_list("other__name", flat=True)
        ),
        "keep_in_touch": list(
            KeepInTouch.objects.filter(person=person).values_list("other__name", flat=True)
        ),
        "messages": [
            {"kind": kind, "status": status, "created_at": _iso(created), "sent_at": _iso(sent)}
            for kind, status, created, sent in Message.objects.filter(person=person)
            .order_by("created_at")
            .values_list("kind", "status", "created_at", "sent_at")
        ],
        "sign_in_links": [
            {"purpose": purpose, "created_at": _iso(created), "used_at": _iso(used)}
            for purpose, created, used in SignInToken.objects.filter(person=person)
            .order_by("created_at")
            .values_list("purpose", "created_at", "used_at")
        ],
        # Their own totals per channel only: never a count per colleague.
        "collaboration": person_interaction_totals(person=person),
    }


def _profile(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "email": person.email,
        "roster_id": person.external_id,
        "title": person.title,
        "department": person.department.name if person.department else "",
        "team": person.team.name if person.team else "",
        "location": person.location.name if person.location else "",
        "manager": person.manager.name if person.manager else "",
        "level": person.level,
        "start_date": _iso(person.start_date),
        "role": person.role,
        "time_zone": person.timezone,
        "language": person.language,
        "spoken_languages": person.languages,
        "interests": person.interests,
        "free_windows": person.availability,
        "invited_at": _iso(person.invited_at),
        "joined_at": _iso(person.onboarded_at),
    }


def _names_by_match(match_ids: list[int], *, exclude: int) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    rows = (
        MatchMember.objects.filter(match_id__in=match_ids)
        .exclude(person_id=exclude)
        .values_list("match_id", "person__name")
    )
    for match_id, name in rows:
        names.setdefault(match_id, []).append(name)
    return names


def _group(member: MatchMember, others: list[str], checkin: CheckIn | None) -> dict[str, Any]:
    match = member.match
    return {
        "round": _iso(match.round.date),
        "program": match.round.program.name,
        "with": others,
        "organizer": match.organizer_id == member.person_id,
        "suggested_start": _iso(match.suggested_start),
        "my_check_in": None
        if checkin is None
        else {
            "met": checkin.met,
            "rating": checkin.rating,
            "comment": checkin.comment,
            "answered_at": _iso(checkin.created_at),
        },
    }


def person_erase(*, person: Person, actor: Person) -> Person:
    """Erase ``person`` from their organization (themselves, or an admin for a leaver),
    in one transaction with its audit entry. Refused for the organization's last active
    admin, who must hand the role on first (``admins_keep_one``)."""
    if actor.organization_id != person.organization_id:
        raise ValidationError(_("Only someone in the same organization can do this."))
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.role == Person.Role.ADMIN:
            admins_keep_one(organization=locked.organization, losing=[locked.pk])
        audit_record(
            organization=locked.organization,
            actor=None if actor.pk == locked.pk else actor,
            action="person.erased",
            summary=_("Erased on their own request")
            if actor.pk == locked.pk
            else _("Erased by an admin"),
            target=locked,
        )
        _erase(locked)
    return locked


def _erase(person: Person) -> None:
    now = clock.now()
    user_id = person.user_id
    CheckIn.objects.filter(member__person=person).update(comment="")
    interactions_forget(person=person)
    BlockedPair.objects.filter(Q(person=person) | Q(other=person)).delete()
    KeepInTouch.objects.filter(Q(person=person) | Q(other=person)).delete()
    SignInToken.objects.filter(person=person).delete()
    Message.objects.filter(person=person).exclude(status=Message.Status.SENT).delete()
    Enrollment.objects.filter(person=person, left_at__isnull=True).update(left_at=now)
    Person.objects.filter(manager=person).update(manager=None)
    AuditLog.objects.filter(actor=person).update(actor_name="")
    Person.objects.filter(pk=person.pk).update(
        user=None,
        email=f"erased-{person.pk}@{ERASED_DOMAIN}",
        name="",
        external_id="",
        title="",
        level=None,
        manager=None,
        start_date=None,
        timezone="",
        language="",
        languages=[],
        interests=[],
        availability=[],
        role=Person.Role.PARTICIPANT,
        active=False,
        roster_synced=False,
        deactivated_at=now,
        updated_at=now,
    )
    if user_id is not None and not Person.objects.filter(user_id=user_id).exists():
        get_user_model().objects.filter(pk=user_id).delete()  # no organization uses it now
    person.refresh_from_db()


def checkin_comments_expire(*, now: datetime | None = None) -> int:
    """Delete check-in comments older than each organization's retention (a daily
    housekeeping job; safe to run twice). Returns how many comments were deleted."""
    now = now or clock.now()
    deleted = 0
    for org_id, months in Organization.objects.filter(
        checkin_comment_months__isnull=False
    ).values_list("pk", "checkin_comment_months"):
        if months is None:  # never: the filter excludes it
            continue
        cutoff = now - timedelta(days=round(months * 30.44))
        deleted += (
            CheckIn.objects.filter(organization_id=org_id, created_at__lt=cutoff)
            .exclude(comment="")
            .update(comment="")
        )
    return deleted
