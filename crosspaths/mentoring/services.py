"""Mentoring's writes: settings, joining with a role, starting a cycle (its round's
pairs, published through the ordinary introduction pipeline), the monthly nudges,
ending a cycle and answering a nudge."""

from __future__ import annotations

import calendar
import logging
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from crosspaths import clock
from crosspaths.console.models import AuditLog
from crosspaths.console.services import audit_record
from crosspaths.matching.types import Weights
from crosspaths.notify.models import Message
from crosspaths.people.models import Person
from crosspaths.programs import scheduling
from crosspaths.programs.engine_input import (
    eligible_enrollments,
    engine_people,
    organization_blocked,
    organization_history,
    people_whereabouts,
    program_rules,
    program_weights,
)
from crosspaths.programs.enrollments import enrollment_join
from crosspaths.programs.models import LeftOut, Match, MatchMember, Program, Round
from crosspaths.programs.services import (
    plan_round_slots,
    round_close,
    round_publish,
    video_link,
)

from .assign import Assignment, GapRule, Mentor, Pair, Unplaced, mentor_assign
from .models import Cycle, CycleRound, MentoringRole, MentoringSettings, NudgeAnswer

logger = logging.getLogger(__name__)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has no such day)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _refuse_unless_mentoring(program: Program) -> None:
    if program.format != Program.Format.MENTORING:
        raise ValidationError(
            _("%(program)s is not a mentoring program.") % {"program": program.name},
            code="not_mentoring",
        )


def mentoring_settings_of(*, program: Program) -> MentoringSettings:
    """The program's mentoring settings (the defaults until an admin saves them)."""
    found = MentoringSettings.objects.filter(program=program).first()
    return found or MentoringSettings(organization=program.organization, program=program)


def mentoring_settings_save(
    *, program: Program, actor: Person | None, data: dict[str, Any]
) -> MentoringSettings:
    _refuse_unless_mentoring(program)
    with transaction.atomic():
        row, _created = MentoringSettings.objects.update_or_create(
            program=program, defaults={"organization": program.organization, **data}
        )
        audit_record(
            organization=program.organization,
            actor=actor,
            action=AuditLog.Action.PROGRAM_UPDATE,
            summary=f"Mentoring settings of {program.name}: levels {row.gap_min}-{row.gap_max} "
            f"apart, {row.capacity_default} mentees suggested, {row.cycle_months} months",
            target=program,
        )
    return row


def mentoring_join(
    *, person: Person, program: Program, role: str, capacity: int = 1
) -> MentoringRole:
    """Join (or re-join) a mentoring program as mentor or mentee; a mentor takes 1 to 3
    mentees. Changing the role later applies from the next cycle on."""
    _refuse_unless_mentoring(program)
    if role not in MentoringRole.Role.values:
        raise ValidationError(_("Choose mentor or mentee."), code="role")
    if role == MentoringRole.Role.MENTEE:
        capacity = 1
    elif not 1 <= capacity <= 3:
        raise ValidationError(_("A mentor takes 1 to 3 mentees."), code="capacity")
    with transaction.atomic():
        enrollment_join(person=person, program=program)
        row, _created = MentoringRole.objects.update_or_create(
            program=program,
            person=person,
            defaults={"organization": program.organization, "role": role, "capacity": capacity},
        )
    return row


def _past_pairs(program: Program) -> list[tuple[str, str]]:
    """Every mentor-mentee pair of the program's earlier cycles (never paired again)."""
    members: dict[int, list[str]] = {}
    rows = MatchMember.objects.filter(
        organization_id=program.organization_id,
        round__program=program,
        round__mentoring_cycle_round__isnull=False,
    ).values_list("match_id", "person_id")
    for match_id, person_id in rows:
        members.setdefault(match_id, []).append(str(person_id))
    return [(m[0], m[1]) for m in members.values() if len(m) == 2]


def cycle_assignment(*, program: Program, on: date) -> tuple[Assignment, list[int]]:
    """The pairs a cycle starting on ``on`` would make, and the enrolled people who have
    not chosen a role yet (they take no part until they do)."""
    org = program.organization
    settings = mentoring_settings_of(program=program)
    enrolled = list(eligible_enrollments(program, on=on).values_list("person_id", flat=True))
    roles = {
        r.person_id: r
        for r in MentoringRole.objects.filter(
            organization=org, program=program, person_id__in=enrolled
        )
    }
    people = engine_people(org.pk, roles)
    mentors = [
        Mentor(people[pk], r.capacity)
        for pk, r in sorted(roles.items())
        if r.role == MentoringRole.Role.MENTOR and pk in people
    ]
    mentees = [
        people[pk]
        for pk, r in sorted(roles.items())
        if r.role == MentoringRole.Role.MENTEE and pk in people
    ]
    rules = program_rules(program)
    managers = {
        str(pk): str(boss) if boss else ""
        for pk, boss in Person.objects.filter(organization=org).values_list("id", "manager_id")
    }
    weights: Weights = program_weights(program)
    result = mentor_assign(
        mentors,
        mentees,
        managers=managers,
        gap=GapRule(settings.gap_min, settings.gap_max),
        history=organization_history(org.pk, on=on, cooldown_weeks=rules.cooldown_weeks),
        blocked=organization_blocked(org.pk),
        past_pairs=_past_pairs(program),
        rules=rules,
        weights=weights,
        on=on,
    )
    return result, sorted(set(enrolled) - set(roles))


def _reasons(pair: Any, departments: dict[str, str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    a, b = departments.get(pair.mentor_id, ""), departments.get(pair.mentee_id, "")
    if a and b and a != b:
        out.append(
            {
                "code": "different_departments",
                "text": f"from different departments: {a} and {b}",
                "params": {"departments": [a, b]},
            }
        )
    if pair.shared_interests:
        out.append(
            {
                "code": "shared_interests",
                "text": "something to talk about: " + ", ".join(pair.shared_interests),
                "params": {"interests": list(pair.shared_interests)},
            }
        )
    return out


def _seats(result: Assignment) -> list[list[Pair]]:
    """The pairs by seat: seat k holds every mentor's k-th mentee (see ``Cycle``)."""
    seats: list[list[Pair]] = []
    taken: dict[str, int] = {}
    for pair in result.pairs:
        k = taken.get(pair.mentor_id, 0)
        taken[pair.mentor_id] = k + 1
        while len(seats) <= k:
            seats.append([])
        seats[k].append(pair)
    return seats or [[]]


def cycle_start(*, program: Program, actor: Person | None, on: date | None = None) -> Cycle:
    """Start a cycle: pair mentees with mentors, store the pairs as the matches of the
    cycle's rounds (one per seat, from ``on``) with the unplaced mentees and why, and
    publish them (introductions, calendar invitations and video links go out as for any
    round). One transaction; a second start while a cycle runs is refused by a
    constraint, not by a check."""
    _refuse_unless_mentoring(program)
    org = program.organization
    on = on or clock.today()
    settings = mentoring_settings_of(program=program)
    result, _no_role = cycle_assignment(program=program, on=on)
    if not result.pairs and not result.unplaced:
        raise ValidationError(
            _("Nobody has joined %(program)s as a mentor or mentee yet.")
            % {"program": program.name},
            code="nobody",
        )
    seats = _seats(result)
    with transaction.atomic():
        try:
            with transaction.atomic():
                cycle = Cycle.objects.create(
                    organization=org,
                    program=program,
                    starts_on=on,
                    ends_on=add_months(on, settings.cycle_months),
                    months=settings.cycle_months,
                )
                rounds = []
                for k in range(len(seats)):
                    rnd = Round.objects.create(
                        organization=org, program=program, date=on + timedelta(days=k)
                    )
                    CycleRound.objects.create(organization=org, cycle=cycle, round=rnd, seat=k)
                    rounds.append(rnd)
        except IntegrityError:
            raise ValidationError(
                _(
                    "%(program)s already has a running cycle or a round on %(date)s; end "
                    "it first or start on another day."
                )
                % {"program": program.name, "date": on.isoformat()},
                code="cycle_exists",
            ) from None
        for k, (rnd, pairs) in enumerate(zip(rounds, seats, strict=True)):
            _store_pairs(program, rnd, pairs, result.unplaced if k == 0 else [])
        audit_record(
            organization=org,
            actor=actor,
            action=AuditLog.Action.MENTORING_CYCLE,
            summary=f"Mentoring cycle of {program.name} from {cycle.starts_on} to "
            f"{cycle.ends_on}: {len(result.pairs)} pairs, {len(result.unplaced)} mentees "
            "without a mentor",
            target=program,
            details={"pairs": len(result.pairs), "unplaced": len(result.unplaced)},
        )
        for rnd in rounds:
            round_publish(round=rnd)
    logger.info("mentoring cycle %s started: %s pairs", cycle.pk, len(result.pairs))
    return cycle


def _store_pairs(
    program: Program, rnd: Round, pairs: Sequence[Pair], unplaced: Sequence[Unplaced]
) -> None:
    org = program.organization
    ids = {int(p.mentor_id) for p in pairs} | {int(p.mentee_id) for p in pairs}
    departments = {
        str(pk): name or ""
        for pk, name in Person.objects.filter(organization=org, pk__in=ids).values_list(
            "id", "department__name"
        )
    }
    # The mentee organizes: they bring the questions, so they set up the meetings.
    groups = [[int(p.mentee_id), int(p.mentor_id)] for p in pairs]
    where = people_whereabouts(org.pk, ids)
    slots = plan_round_slots(program=program, rnd=rnd, groups=groups, where=where)
    matches = [
        Match(
            organization=org,
            round=rnd,
            organizer_id=group[0],
            suggested_start=start,
            suggested_end=end,
            video_link=video_link(org.video_link_template),
            reasons=_reasons(pair, departments),
            score=round(pair.score, 4),
        )
        for pair, group, (start, end) in zip(pairs, groups, slots, strict=True)
    ]
    Match.objects.bulk_create(matches)
    MatchMember.objects.bulk_create(
        [
            MatchMember(organization=org, match=m, round=rnd, person_id=pid)
            for m, group in zip(matches, groups, strict=True)
            for pid in group
        ]
    )
    LeftOut.objects.bulk_create(
        [
            LeftOut(
                organization=org,
                round=rnd,
                person_id=int(u.mentee_id),
                code=u.code,
                reason=u.text[:500],
            )
            for u in unplaced
        ]
    )
    rnd.metrics = {
        "people": len(ids) + len(unplaced),
        "groups": len(pairs),
        "left_out": len(unplaced),
        "mentors": len({p.mentor_id for p in pairs}),
    }
    rnd.save(update_fields=["metrics"])


def cycle_of(match: Match) -> Cycle:
    """The cycle a pair belongs to."""
    return Cycle.objects.select_related("program").get(cycle_rounds__round_id=match.round_id)


# --- the cycle's course (a daily job) ---------------------------------------------------


def nudge_key(match_id: int, month: int) -> str:
    return f"mentoring:match{match_id}:month{month}"


def nudge_month(message: Message) -> int:
    """The cycle month a nudge asks about (from its key)."""
    try:
        return int(message.dedupe_key.rsplit(":month", 1)[1].split("@")[0])
    except (IndexError, ValueError):
        return 0


def nudges_write(*, cycle: Cycle, today: date, now: datetime) -> int:
    """One nudge per pair and cycle month that has come (to the mentee, who organizes),
    written once whatever how often this runs: the outbox key is the guard."""
    due = [k for k in range(1, cycle.months + 1) if add_months(cycle.starts_on, k) <= today]
    if not due:
        return 0
    pairs = list(
        Match.objects.filter(
            round__mentoring_cycle_round__cycle=cycle, organizer__isnull=False
        ).values_list("id", "organizer_id")
    )
    wanted = {nudge_key(m, k): (m, p, k) for m, p in pairs for k in due}
    have = set(
        Message.objects.filter(dedupe_key__in=list(wanted)).values_list("dedupe_key", flat=True)
    )
    rows = [
        Message(
            organization_id=cycle.organization_id,
            kind=Message.Kind.MENTORING,
            channel=Message.Channel.EMAIL,
            person_id=person_id,
            match_id=match_id,
            dedupe_key=key,
            next_attempt_at=now,
        )
        for key, (match_id, person_id, _k) in wanted.items()
        if key not in have
    ]
    Message.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def cycle_end(*, cycle: Cycle, now: datetime | None = None) -> bool:
    """End a cycle and close its round (its pairs stay history: no repeat next time).
    Ending twice is harmless; returns whether this call ended it."""
    now = now or clock.now()
    with transaction.atomic():
        won = Cycle.objects.filter(pk=cycle.pk, status=Cycle.Status.ACTIVE).update(
            status=Cycle.Status.ENDED, ended_at=now
        )
        if won:
            for rnd in Round.objects.filter(
                mentoring_cycle_round__cycle=cycle, status=Round.Status.PUBLISHED
            ):
                round_close(round=rnd)
    cycle.refresh_from_db()
    return bool(won)


def cycles_run_due(*, now: datetime | None = None) -> int:
    """The daily step: write the nudges that have come and end the cycles that are over.
    Safe to run twice and on several machines (outbox keys, conditional update).
    Returns the nudges written plus the cycles ended."""
    now = now or clock.now()
    done = 0
    for cycle in Cycle.objects.filter(status=Cycle.Status.ACTIVE).select_related(
        "program__organization"
    ):
        today = now.astimezone(scheduling.zone_of(cycle.program)).date()
        with transaction.atomic():
            done += nudges_write(cycle=cycle, today=today, now=now)
        if today >= cycle.ends_on:
            done += int(cycle_end(cycle=cycle, now=now))
    return done


def nudge_answer(
    *, match: Match, month: int, met: bool, now: datetime | None = None
) -> NudgeAnswer:
    """Record (or change) a pair's answer for a cycle month."""
    cycle = cycle_of(match)
    if not 1 <= month <= cycle.months:
        raise ValidationError(_("This cycle has no month %(month)s.") % {"month": month})
    row, _created = NudgeAnswer.objects.update_or_create(
        match=match,
        month=month,
        defaults={
            "organization_id": match.organization_id,
            "cycle": cycle,
            "met": met,
            "answered_at": now or clock.now(),
        },
    )
    return row


def roles_of(*, program: Program, person_ids: Iterable[int]) -> dict[int, MentoringRole]:
    return {
        r.person_id: r
        for r in MentoringRole.objects.filter(program=program, person_id__in=list(person_ids))
    }


def cycles_only(program: Program) -> str | None:
    """A mentoring program's rounds are its cycles' (``cycle_start``): the engine's
    weekly pairing would ignore roles, level gaps and capacity."""
    if program.format != Program.Format.MENTORING:
        return None
    return _(
        "%(program)s is a mentoring program: its pairs come from a mentoring cycle. "
        "Start one on the program's mentoring page."
    ) % {"program": program.name}
