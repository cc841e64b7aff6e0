"""Reads of the HR console, each scoped to one organization."""

from __future__ import annotations

import csv
import io
import json
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from crosspaths.matching.roster import ROSTER_COLUMNS
from crosspaths.meetings.models import CheckIn
from crosspaths.people.models import Department, Organization, Person
from crosspaths.programs.models import LeftOut, Match, MatchMember, Round
from crosspaths.programs.organizer_wording import left_out_text, reason_text
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
            "title",
            "language",
            "location__country",
            "location__subdivision",
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
        title,
        language,
        country,
        subdivision,
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
                    title,
                    language,
                    "-".join(filter(None, (country, subdivision))),
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


ROUND_PAGE_SIZE = 50
LEFT_OUT_PAGE_SIZE = 100


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
    """One page of a round: its figures for the whole round, and one page of groups
    (all of them or those matching a search) and of the people left out."""

    round: Round
    groups: list[GroupView]
    left_out: list[tuple[Person, str]]
    metrics: dict[str, Any]
    checkins: dict[str, Any] | None
    page: Any = None
    left_page: Any = None
    q: str = ""


_PAIR_SQL = """
SELECT COUNT(*),
       COALESCE(SUM(CASE WHEN COALESCE(pa.department_id, -1) <> COALESCE(pb.department_id, -1)
                    THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN COALESCE(pa.location_id, -1) <> COALESCE(pb.location_id, -1)
                    THEN 1 ELSE 0 END), 0)
FROM {member} a
JOIN {member} b ON b.match_id = a.match_id AND b.person_id > a.person_id
JOIN {person} pa ON pa.id = a.person_id
JOIN {person} pb ON pb.id = b.person_id
WHERE a.round_id = %s AND a.organization_id = %s
"""


def round_pair_counts(*, rnd: Round, match_ids: set[int] | None = None) -> list[int]:
    """[pairs, pairs across departments, pairs across locations] inside the round's
    groups (or only inside ``match_ids``): one SQL aggregate, no members loaded."""
    sql = _PAIR_SQL.format(member=MatchMember._meta.db_table, person=Person._meta.db_table)
    params: list[Any] = [rnd.pk, rnd.organization_id]
    if match_ids is not None:
        if not match_ids:
            return [0, 0, 0]
        sql += " AND a.match_id IN (" + ", ".join(["%s"] * len(match_ids)) + ")"
        params += sorted(match_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return [int(x or 0) for x in row]


def round_metrics(*, rnd: Round) -> dict[str, Any]:
    """The round's figures by SQL aggregates over its groups as they are now (so hand
    edits count), never by loading every member: at 100,000 people the page stays
    fast. Cross shares: of all pairs inside groups, the share whose two people differ
    in department (location). The pair counts are the costly part (a self-join, about
    0.5 s at 100,000 people), so a round job stores them at draft time and hand edits
    keep them current (``metrics["pairs"]``); a round without them is counted live."""
    org = rnd.organization_id
    groups = Match.objects.filter(round=rnd, organization_id=org).aggregate(
        n=Count("pk"), mean=Avg("score")
    )
    placed = MatchMember.objects.filter(round=rnd, organization_id=org).count()
    left = LeftOut.objects.filter(round=rnd, organization_id=org).count()
    stored = rnd.metrics or {}
    pairs, cross_dept, cross_loc = stored.get("pairs") or round_pair_counts(rnd=rnd)
    return {
        "groups": groups["n"],
        "placed": placed,
        "left_out": left,
        "cross_department_share": round(cross_dept / pairs, 3) if pairs else None,
        "cross_location_share": round(cross_loc / pairs, 3) if pairs else None,
        "repeats_avoided": stored.get("repeats_avoided"),
        "mean_score": round(groups["mean"], 2) if groups["mean"] is not None else None,
    }


def _round_checkins(rnd: Round) -> dict[str, Any]:
    """Did the groups meet, for the whole round, by aggregates (a group counts as met
    when one member said so); the mean rating only over ``min_cell_size`` ratings."""
    org = rnd.organization_id
    answers = CheckIn.objects.filter(organization_id=org, member__round=rnd)
    per_group = answers.values("member__match_id").annotate(met=Count("pk", filter=Q(met=True)))
    answered = per_group.count()
    met_count = sum(1 for row in per_group if row["met"])
    groups = Match.objects.filter(round=rnd, organization_id=org).count()
    ratings = answers.filter(rating__isnull=False).aggregate(n=Count("pk"), mean=Avg("rating"))
    min_cell = rnd.organization.min_cell_size
    return {
        "answered": answered,
        "met": met_count,
        "not_met": answered - met_count,
        "no_answer": groups - answered,
        "met_share": round(met_count / answered, 3) if answered else None,
        "ratings": ratings["n"],
        "mean_rating": round(ratings["mean"], 1)
        if ratings["n"] and ratings["n"] >= min_cell
        else None,
        "min_cell": min_cell,
    }


def round_search(
    *, rnd: Round, q: str, only: set[int] | None = None
) -> QuerySet[Match] | list[int]:
    """The round's groups in the order the engine made them: all of them (a queryset),
    or the ids of those with a member whose name, e-mail or department contains ``q``
    (or only the groups ``only``, e.g. those a hand edit changed). A search is read
    once as ids: people first (one scan of the organization's people), then their
    seats, so the count and the page do not repeat the scan."""
    org = rnd.organization_id
    matches = Match.objects.filter(round=rnd, organization_id=org)
    if only:
        matches = matches.filter(pk__in=only)
    q = q.strip()
    if not q:
        return matches.order_by("id")
    departments = list(
        Department.objects.filter(organization_id=org, name__icontains=q).values_list(
            "pk", flat=True
        )
    )
    people = Person.objects.filter(organization_id=org).filter(
        Q(name__icontains=q) | Q(email__icontains=q) | Q(department_id__in=departments)
    )
    seats = MatchMember.objects.filter(round=rnd, organization_id=org, person__in=people)
    if only:
        seats = seats.filter(match_id__in=only)
    return sorted(set(seats.values_list("match_id", flat=True)))


def round_group_numbers(*, rnd: Round) -> list[int]:
    """The round's group ids in order: group N is the N-th (one small index-only read,
    so numbers stay the same across pages and searches)."""
    return list(
        Match.objects.filter(round=rnd, organization_id=rnd.organization_id)
        .order_by("id")
        .values_list("id", flat=True)
    )


def round_view(
    *,
    rnd: Round,
    q: str = "",
    page: Any = 1,
    left_page: Any = 1,
    only: set[int] | None = None,
    per_page: int = ROUND_PAGE_SIZE,
) -> RoundView:
    """One page of the round page, read from the database so hand edits count.

    Only the page's groups and members are loaded; the figures on top are aggregates
    over the whole round. Check-ins are summarised per group (did it meet?) and for the
    round; individual ratings and comments are never shown."""
    org = rnd.organization_id
    found = round_search(rnd=rnd, q=q, only=only)
    groups_page = Paginator(found, per_page).get_page(page)
    if isinstance(found, list):  # a search: the page holds ids
        matches = list(Match.objects.filter(pk__in=list(groups_page.object_list)).order_by("id"))
    else:
        matches = list(cast(Iterable[Match], groups_page.object_list))  # no search: Matches
    ids = round_group_numbers(rnd=rnd) if matches else []
    by_match: dict[int, list[MatchMember]] = {}
    members = MatchMember.objects.filter(
        round=rnd, organization_id=org, match_id__in=[m.pk for m in matches]
    ).select_related("person__department", "person__location")
    for mm in members.order_by("match_id", "id"):
        by_match.setdefault(mm.match_id, []).append(mm)
    names = {str(mm.person_id): str(mm.person) for mms in by_match.values() for mm in mms}
    published = rnd.status != Round.Status.DRAFT
    answers: dict[int, list[bool]] = {}
    if published and matches:
        for match_id, said_met in CheckIn.objects.filter(
            organization_id=org, member__round=rnd, member__match_id__in=[m.pk for m in matches]
        ).values_list("member__match_id", "met"):
            answers.setdefault(match_id, []).append(said_met)
    groups: list[GroupView] = []
    for match in matches:
        people = [mm.person for mm in by_match.get(match.pk, [])]
        people.sort(key=lambda p: (p.pk != match.organizer_id,))
        met = ""
        if published:
            said = answers.get(match.pk, [])
            met = "met" if any(said) else ("not_met" if said else "no_answer")
        groups.append(
            GroupView(
                match=match,
                number=bisect_left(ids, match.pk) + 1,
                members=people,
                reasons=[reason_text(r, names=names) for r in match.reasons or []],
                met=met,
            )
        )
    left_qs = (
        LeftOut.objects.filter(round=rnd, organization_id=org)
        .select_related("person")
        .order_by("person__name", "id")
    )
    left_page_obj = Paginator(left_qs, LEFT_OUT_PAGE_SIZE).get_page(left_page)
    left = [(lo.person, left_out_text(lo.code, lo.reason)) for lo in left_page_obj.object_list]
    return RoundView(
        round=rnd,
        groups=groups,
        left_out=left,
        metrics=round_metrics(rnd=rnd),
        checkins=_round_checkins(rnd) if published else None,
        page=groups_page,
        left_page=left_page_obj,
        q=q.strip(),
    )


def round_seat(*, rnd: Round, email: str) -> tuple[Person, int | None] | None:
    """Who in this round has the e-mail ``email``, and the id of their group (None when
    left out); None when nobody in the round has it. Scoped to the round, so nobody
    outside it can be named in a hand edit."""
    email = email.strip()
    if not email:
        return None
    seat = (
        MatchMember.objects.filter(
            round=rnd, organization_id=rnd.organization_id, person__email__iexact=email
        )
        .select_related("person")
        .first()
    )
    if seat is not None:
        return seat.person, seat.match_id
    left = (
        LeftOut.objects.filter(
            round=rnd, organization_id=rnd.organization_id, person__email__iexact=email
        )
        .select_related("person")
        .first()
    )
    return (left.person, None) if left is not None else None


def round_comments(*, rnd: Round) -> QuerySet[CheckIn]:
    """The check-in comments of a round, written to its organizers: named, oldest first.
    Only the comment is shown with a name; whether someone met and how they rated stay
    private (ratings appear only as a mean over enough people)."""
    return (
        CheckIn.objects.filter(organization_id=rnd.organization_id, member__round=rnd)
        .exclude(comment="")
        .select_related("member__person", "member__match")
        .order_by("updated_at", "pk")
    )
