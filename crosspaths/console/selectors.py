"""Reads of the HR console, each scoped to one organization."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from crosspaths.matching.roster import ROSTER_COLUMNS
from crosspaths.meetings.models import CheckIn
from crosspaths.people.models import Department, Organization, Person
from crosspaths.programs.models import LeftOut, Match, MatchMember, Round
from crosspaths.programs.reasons import left_out_text, reason_text
from crosspaths.spreadsheets import safe_cell

from .models import AuditLog, RosterUpload


def people_overview(*, organization: Organization) -> dict[str, int]:
    """How many people are active, invited and joined: the roster page's headline."""
    figures = Person.objects.filter(organization=organization).aggregate(
        n_active=Count("pk", filter=Q(active=True)),
        n_inactive=Count("pk", filter=Q(active=False)),
        n_invited=Count("pk", filter=Q(active=True, invited_at__isnull=False)),
        n_joined=Count("pk", filter=Q(active=True) & _joined()),
    )
    return {key.removeprefix("n_"): value for key, value in figures.items()}


def never_invited_count(*, organization: Organization) -> int:
    """Active people who have not joined and were never invited."""
    return (
        Person.objects.filter(organization=organization, active=True, invited_at__isnull=True)
        .exclude(_joined())
        .count()
    )


def _joined() -> Q:
    return Q(onboarded_at__isnull=False) | Q(user__isnull=False)


def people_list(
    *,
    organization: Organization,
    q: str = "",
    status: str = "",
    department: Department | None = None,
) -> QuerySet[Person]:
    people = Person.objects.filter(organization=organization).select_related(
        "department", "location", "manager"
    )
    people = people.filter(active=False) if status == "inactive" else people.filter(active=True)
    if status == "not_invited":
        people = people.filter(invited_at__isnull=True).exclude(_joined())
    elif status == "invited":
        people = people.filter(invited_at__isnull=False).exclude(_joined())
    elif status == "joined":
        people = people.filter(_joined())
    if q:
        people = people.filter(
            Q(name__icontains=q) | Q(email__icontains=q) | Q(external_id__iexact=q)
        )
    if department is not None:
        people = people.filter(department=department)
    return people.order_by("name", "email")


class _Echo:
    """A file-like object whose write returns the line, for streaming CSV."""

    def write(self, value: str) -> str:
        return value


def roster_csv_lines(*, organization: Organization) -> Iterator[str]:
    """The organization's people in the roster format (the import's own columns), so an
    export can be edited and uploaded again. Streams: a big roster never sits in memory."""
    writer = csv.writer(_Echo())
    yield writer.writerow(ROSTER_COLUMNS)
    managers = dict(
        Person.objects.filter(organization=organization, reports__isnull=False)
        .values_list("pk", "external_id")
        .distinct()
    )
    rows = (
        Person.objects.filter(organization=organization)
        .order_by("external_id", "email")
        .values_list(
            "external_id",
            "name",
            "email",
            "department__name",
            "team__name",
            "location__name",
            "level",
            "manager_id",
            "start_date",
            "timezone",
            "languages",
            "interests",
            "active",
        )
    )
    for (
        ext,
        name,
        email,
        dept,
        team,
        loc,
        level,
        manager,
        start,
        tz,
        langs,
        interests,
        active,
    ) in rows.iterator(chunk_size=2000):
        yield writer.writerow(
            map(
                safe_cell,
                [
                    ext,
                    name,
                    email,
                    dept or "",
                    team or "",
                    loc or "",
                    "" if level is None else level,
                    managers.get(manager, "") if manager else "",
                    start.isoformat() if start else "",
                    tz,
                    ";".join(langs or []),
                    ";".join(interests or []),
                    "true" if active else "false",
                ],
            )
        )


def audit_entries(
    *,
    organization: Organization,
    action: str = "",
    actor: Person | None = None,
    since: date | None = None,
    until: date | None = None,
    q: str = "",
) -> QuerySet[AuditLog]:
    entries = AuditLog.objects.filter(organization=organization).select_related("actor")
    if action:
        entries = entries.filter(action=action)
    if actor is not None:
        entries = entries.filter(actor=actor)
    try:
        zone = ZoneInfo(organization.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = timezone.get_current_timezone()
    if since:
        entries = entries.filter(created_at__gte=datetime.combine(since, time.min, zone))
    if until:
        entries = entries.filter(created_at__lte=datetime.combine(until, time.max, zone))
    if q:
        entries = entries.filter(Q(summary__icontains=q) | Q(actor_name__icontains=q))
    return entries


def audit_csv_lines(*, entries: QuerySet[AuditLog]) -> Iterator[str]:
    import json

    writer = csv.writer(_Echo())
    yield writer.writerow(
        ["when", "who", "action", "target_type", "target_id", "summary", "details"]
    )
    for e in entries.iterator(chunk_size=2000):
        yield writer.writerow(
            map(
                safe_cell,
                [
                    e.created_at.isoformat(),
                    e.actor_name,
                    e.action,
                    e.target_type,
                    e.target_id,
                    e.summary,
                    json.dumps(e.details, ensure_ascii=False, sort_keys=True),
                ],
            )
        )


def upload_sample(*, upload: RosterUpload, rows: int = 3) -> list[list[str]]:
    """The first few data rows of an upload, to recognise its columns by."""
    import io

    reader = csv.reader(io.StringIO(upload.text, newline=""))
    next(reader, None)
    sample = []
    for values in reader:
        if any(v.strip() for v in values):
            sample.append(values + [""] * (len(upload.headers) - len(values)))
        if len(sample) == rows:
            break
    return sample


def describe_changes(changes: dict[str, tuple[Any, Any]]) -> list[tuple[str, Any, Any]]:
    """(field, old, new) for a preview, lists shown as text."""
    out = []
    for name, (old, new) in sorted(changes.items()):
        if isinstance(old, (list, tuple)):
            old = ", ".join(old)
        if isinstance(new, (list, tuple)):
            new = ", ".join(new)
        out.append((name, "" if old is None else old, "" if new is None else new))
    return out


# --- Rounds -----------------------------------------------------------------------------


@dataclass
class GroupView:
    """One group as the console shows it (names, reasons, and whether it met)."""

    match: Match
    number: int
    members: list[Person]
    reasons: list[str]
    met: str = ""  # "met", "not_met", "no_answer" (published rounds only)


@dataclass
class RoundView:
    round: Round
    groups: list[GroupView]
    left_out: list[tuple[Person, str]]
    metrics: dict[str, Any]
    checkins: dict[str, Any] | None


def _pair_share(groups: list[list[Person]], attr: str) -> float | None:
    """Of all pairs inside groups, the share whose two people differ in ``attr``."""
    total = differ = 0
    for members in groups:
        values = [getattr(m, attr) for m in members]
        for i in range(len(values)):
            for j in range(i + 1, len(values)):
                total += 1
                differ += values[i] != values[j]
    return round(differ / total, 3) if total else None


def round_view(*, rnd: Round) -> RoundView:
    """Everything the round page shows, read from the database so hand edits count.

    Check-ins are summarised per group (did it meet?) and for the round; individual
    ratings and comments are never shown, and the mean rating only over at least
    ``Organization.min_cell_size`` ratings."""
    members = MatchMember.objects.filter(round=rnd, organization_id=rnd.organization_id)
    members = members.select_related("person__department", "person__location")
    by_match: dict[int, list[MatchMember]] = {}
    for mm in members.order_by("match_id", "id"):
        by_match.setdefault(mm.match_id, []).append(mm)
    matches = list(
        Match.objects.filter(round=rnd, organization_id=rnd.organization_id).order_by("id")
    )
    names = {str(mm.person_id): str(mm.person) for mms in by_match.values() for mm in mms}
    answers: dict[int, list[bool]] = {}
    published = rnd.status != Round.Status.DRAFT
    if published:
        for match_id, met in CheckIn.objects.filter(
            organization_id=rnd.organization_id, member__round=rnd
        ).values_list("member__match_id", "met"):
            answers.setdefault(match_id, []).append(met)
    groups: list[GroupView] = []
    for number, match in enumerate(matches, start=1):
        mms = by_match.get(match.pk, [])
        people = [mm.person for mm in mms]
        people.sort(key=lambda p: (p.pk != match.organizer_id,))
        met = ""
        if published:
            said = answers.get(match.pk, [])
            met = "met" if any(said) else ("not_met" if said else "no_answer")
        groups.append(
            GroupView(
                match=match,
                number=number,
                members=people,
                reasons=[reason_text(r, names=names) for r in match.reasons or []],
                met=met,
            )
        )
    left = [
        (lo.person, left_out_text(lo.code, lo.reason))
        for lo in LeftOut.objects.filter(round=rnd, organization_id=rnd.organization_id)
        .select_related("person")
        .order_by("person__name")
    ]
    member_lists = [g.members for g in groups]
    scores = [g.match.score for g in groups]
    stored = rnd.metrics or {}
    metrics = {
        "groups": len(groups),
        "placed": sum(len(m) for m in member_lists),
        "left_out": len(left),
        "cross_department_share": _pair_share(member_lists, "department_id"),
        "cross_location_share": _pair_share(member_lists, "location_id"),
        "repeats_avoided": stored.get("repeats_avoided"),
        "mean_score": round(sum(scores) / len(scores), 2) if scores else None,
    }
    checkins = None
    if published:
        ratings = list(
            CheckIn.objects.filter(
                organization_id=rnd.organization_id, member__round=rnd, rating__isnull=False
            ).values_list("rating", flat=True)
        )
        answered = sum(1 for g in groups if g.met != "no_answer")
        met_count = sum(1 for g in groups if g.met == "met")
        min_cell = rnd.organization.min_cell_size
        checkins = {
            "answered": answered,
            "met": met_count,
            "not_met": answered - met_count,
            "no_answer": len(groups) - answered,
            "met_share": round(met_count / answered, 3) if answered else None,
            "ratings": len(ratings),
            "mean_rating": round(sum(ratings) / len(ratings), 1)
            if ratings and len(ratings) >= min_cell
            else None,
            "min_cell": min_cell,
        }
    return RoundView(round=rnd, groups=groups, left_out=left, metrics=metrics, checkins=checkins)
