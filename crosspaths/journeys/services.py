"""Writes of onboarding journeys: a plan per onboarding program, the daily step that
starts journeys for new hires and takes each journey's step of the week.

The daily step (``journeys_run``) is safe to run twice and on several machines: per
plan it holds the plan's row for the whole step; a journey exists once per plan and
person and a step once per journey and week (database constraints); a step's meeting
is a group of the day's round of the plan's steps program, which exists once per
program and date. A second run on the same day finds that round and leaves the day
alone (a step that became due after the first run is taken the next day).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from crosspaths import clock
from crosspaths.console.models import AuditLog
from crosspaths.console.services import audit_record
from crosspaths.matching import explain_group
from crosspaths.matching.types import PastGroup, Rules, Weights
from crosspaths.matching.types import Person as EnginePerson
from crosspaths.notify.models import Message
from crosspaths.notify.services import outbox_dispatch
from crosspaths.people.models import Person
from crosspaths.programs.engine_input import (
    engine_people,
    organization_blocked,
    organization_history,
    people_whereabouts,
    program_rules,
    program_weights,
)
from crosspaths.programs.models import Enrollment, Match, MatchMember, Program, Round
from crosspaths.programs.services import plan_round_slots, round_publish, video_link

from . import choose
from .models import Journey, JourneyPlan, JourneyStep

logger = logging.getLogger(__name__)

# Journey meetings in this many past weeks count as a colleague's recent load.
LOAD_WEEKS = 8


def welcome_key(journey_id: int) -> str:
    return f"journey:{journey_id}:welcome"


# --- the plan ---------------------------------------------------------------------------


def journey_plan_set(
    *,
    program: Program,
    actor: Person | None,
    weeks: int,
    buddy_min_tenure_days: int = 365,
    weekly_cap: int = 1,
    start_within_days: int = 28,
    active: bool = True,
) -> JourneyPlan:
    """Turn journeys on (or change them) for an onboarding program. The first time, the
    plan's steps program is created beside it: inactive, so the scheduler never runs
    the engine on it; only the journey step puts groups in its rounds."""
    if program.format != Program.Format.ONBOARDING:
        raise ValidationError(
            _("Journeys belong to onboarding programs; %(program)s is a %(format)s program.")
            % {"program": program.name, "format": program.get_format_display()},
            code="not_onboarding",
        )
    if JourneyPlan.objects.filter(steps_program=program).exists():
        raise ValidationError(
            _("%(program)s carries the meetings of onboarding journeys; it has no journeys itself.")
            % {"program": program.name},
            code="steps_program",
        )
    with transaction.atomic():
        plan, _created = JourneyPlan.objects.select_for_update().get_or_create(
            program=program, defaults={"organization_id": program.organization_id}
        )
        plan.weeks = weeks
        plan.buddy_min_tenure_days = buddy_min_tenure_days
        plan.weekly_cap = weekly_cap
        plan.start_within_days = start_within_days
        plan.active = active
        plan.full_clean(exclude=["program", "steps_program", "organization"])
        if plan.steps_program_id is None:
            plan.steps_program = Program.objects.create(
                organization_id=program.organization_id,
                name=(_("%(program)s: journey meetings") % {"program": program.name})[:200],
                description=_(
                    "The meetings of the onboarding journeys of %(program)s. Run by the "
                    "journey step, not by the scheduler."
                )
                % {"program": program.name},
                format=Program.Format.ONBOARDING,
                cadence=Program.Cadence.WEEKLY,
                group_size=2,
                cooldown_weeks=program.cooldown_weeks,
                active=False,
            )
        plan.save()
        audit_record(
            organization=program.organization,
            actor=actor,
            action=AuditLog.Action.PROGRAM_UPDATE,
            summary=_(
                "Onboarding journeys of %(program)s: %(weeks)s introductions after the buddy week (%(state)s)."
            )
            % {
                "program": program.name,
                "weeks": weeks,
                "state": _("on") if active else _("off"),
            },
            target=program,
        )
    return plan


# --- the daily step -----------------------------------------------------------------------


@dataclass
class RunReport:
    started: list[int] = field(default_factory=list)  # journey ids
    steps: list[int] = field(default_factory=list)  # step ids (met or missed)

    @property
    def total(self) -> int:
        return len(self.started) + len(self.steps)


def journeys_run(*, now: datetime | None = None) -> int:
    """The daily job: every active plan's new journeys and due steps. Returns how many
    journeys started and steps were taken (0 on a second run the same day)."""
    now = now or clock.now()
    report = RunReport()
    for plan_id in (
        JourneyPlan.objects.filter(active=True).order_by("pk").values_list("pk", flat=True)
    ):
        try:
            plan_run(plan_id=plan_id, now=now, report=report)
        except Exception:
            logger.exception("onboarding journeys of plan %s failed", plan_id)
    if report.total:
        outbox_dispatch(now=now)
    return report.total


def plan_run(*, plan_id: int, now: datetime, report: RunReport | None = None) -> RunReport:
    """One plan's day, in one transaction, holding the plan's row."""
    report = report or RunReport()
    with transaction.atomic():
        # Only the plan's row is locked (PostgreSQL refuses FOR UPDATE on the nullable
        # side of the join to the steps program).
        plan = (
            JourneyPlan.objects.select_for_update(of=("self",))
            .select_related("program__organization", "steps_program__organization")
            .filter(pk=plan_id, active=True)
            .first()
        )
        if plan is None or plan.steps_program is None:
            return report
        today = now.astimezone(ZoneInfo(plan.program.organization.timezone)).date()
        started = journeys_start(plan=plan, today=today, now=now)
        steps = steps_take(plan=plan, today=today, now=now)
    report.started += started
    report.steps += steps
    return report


def journeys_start(*, plan: JourneyPlan, today: date, now: datetime) -> list[int]:
    """A journey for each person in the onboarding program who started within the
    plan's window and has none yet, with its audit entry and welcome e-mail."""
    since = today - timedelta(days=plan.start_within_days)
    new_hires = list(
        Enrollment.objects.filter(
            program=plan.program,
            organization_id=plan.organization_id,
            left_at__isnull=True,
            person__active=True,
            person__start_date__gte=since,
            person__start_date__lte=today,
        )
        .exclude(person__journeys__plan=plan)
        .select_related("person")
        .order_by("person_id")
    )
    started = []
    for enrollment in new_hires:
        journey, created = Journey.objects.get_or_create(
            plan=plan,
            person=enrollment.person,
            defaults={"organization_id": plan.organization_id, "started_on": today},
        )
        if not created:
            continue
        started.append(journey.pk)
        audit_record(
            organization=plan.program.organization,
            actor=None,
            action=AuditLog.Action.JOURNEY_START,
            summary=_("Onboarding journey of %(person)s started (%(program)s).")
            % {"person": enrollment.person, "program": plan.program.name},
            target=journey,
        )
        Message.objects.get_or_create(
            dedupe_key=welcome_key(journey.pk),
            defaults={
                "organization_id": plan.organization_id,
                "kind": Message.Kind.JOURNEY,
                "channel": Message.Channel.EMAIL,
                "person": enrollment.person,
                "next_attempt_at": now,
            },
        )
    return started


def _due_week(journey: Journey, today: date, plan: JourneyPlan) -> int | None:
    """The week of the journey that today falls in (1 = the start week), or None after
    the journey's last week."""
    week = (today - journey.started_on).days // 7 + 1
    return week if 1 <= week <= plan.steps else None


def _loads(plan: JourneyPlan, today: date) -> choose.Loads:
    """Journey meetings of colleagues (every plan of the organization) recently and this
    week, and per department recently."""
    steps = JourneyStep.objects.filter(
        organization_id=plan.organization_id,
        colleague__isnull=False,
        taken_on__gt=today - timedelta(weeks=LOAD_WEEKS),
        taken_on__lte=today,
    )
    loads = choose.Loads()
    for pid, dept, n in (
        steps.values("colleague_id", "department")
        .annotate(n=Count("pk"))
        .values_list("colleague_id", "department", "n")
    ):
        loads.recent[str(pid)] = loads.recent.get(str(pid), 0) + n
        loads.departments[dept] = loads.departments.get(dept, 0) + n
    week = steps.filter(taken_on__gt=today - timedelta(days=7))
    for pid, n in (
        week.values("colleague_id").annotate(n=Count("pk")).values_list("colleague_id", "n")
    ):
        loads.this_week[str(pid)] = n
    return loads


def _colleagues(plan: JourneyPlan, today: date) -> list[EnginePerson]:
    """Who may be introduced: active people who take part in at least one of the
    organization's running programs today (enrolled, not left, not paused), so nobody
    who never joined Crosspaths is sent a meeting; people on a journey themselves are
    not."""
    taking_part = Enrollment.objects.filter(
        organization_id=plan.organization_id, left_at__isnull=True, program__active=True
    ).filter(Q(paused_until__isnull=True) | Q(paused_until__lt=today))
    on_a_journey = Journey.objects.filter(
        organization_id=plan.organization_id, completed_on__isnull=True
    )
    ids = (
        Person.objects.filter(
            organization_id=plan.organization_id,
            active=True,
            pk__in=taking_part.values("person_id"),
        )
        .exclude(pk__in=on_a_journey.values("person_id"))
        .values_list("pk", flat=True)
    )
    people = engine_people(plan.organization_id, list(ids))
    return [people[pk] for pk in sorted(people)]


def _missed_text(code: str, kind: str) -> str:
    if code == choose.NOBODY_ELIGIBLE:
        if kind == choose.BUDDY:
            return _(
                "nobody from another department who has been here long enough was free this week"
            )
        return _("nobody from a department not yet met was free this week")
    return _(
        "everyone who could have come is the new hire's manager or report, blocked, met "
        "them recently, or shares no language or working hours with them"
    )


def steps_take(*, plan: JourneyPlan, today: date, now: datetime) -> list[int]:
    """This week's step of every open journey whose step is not taken yet: one group per
    step in today's round of the steps program, published at once. Nothing when today's
    round exists already (a second run)."""
    steps_program = plan.steps_program
    assert steps_program is not None
    journeys = list(
        Journey.objects.filter(plan=plan, completed_on__isnull=True)
        .select_related("person")
        .prefetch_related("steps")
        .order_by("started_on", "pk")
    )
    # A new hire who left the onboarding program or paused it gets no step meanwhile.
    taking_part = set(
        Enrollment.objects.filter(program=plan.program, left_at__isnull=True)
        .filter(Q(paused_until__isnull=True) | Q(paused_until__lt=today))
        .values_list("person_id", flat=True)
    )
    due: list[tuple[Journey, int]] = []
    for journey in journeys:
        week = _due_week(journey, today, plan)
        if week is None:  # past its last week
            Journey.objects.filter(pk=journey.pk, completed_on__isnull=True).update(
                completed_on=today
            )
        elif (
            journey.person.active
            and journey.person_id in taking_part
            and week not in {s.number for s in journey.steps.all()}
        ):
            due.append((journey, week))
    if not due or Round.objects.filter(program=steps_program, date=today).exists():
        return []
    org = plan.program.organization
    rules = program_rules(steps_program)
    weights = program_weights(steps_program)
    colleagues = _colleagues(plan, today)
    hires = engine_people(org.pk, [j.person_id for j, _w in due])
    history = organization_history(org.pk, on=today, cooldown_weeks=rules.cooldown_weeks)
    # The checker and the reasons need only the new hire's own past groups (a pair's
    # history is in them); indexed once instead of scanning the organization's per step.
    groups_of: dict[str, list[PastGroup]] = {}
    for group in history:
        for member in group.members:
            groups_of.setdefault(member, []).append(group)
    blocked = organization_blocked(org.pk)
    loads = _loads(plan, today)
    rnd = Round.objects.create(organization=org, program=steps_program, date=today)
    steps: list[JourneyStep] = []
    pairs: list[tuple[JourneyStep, EnginePerson, EnginePerson]] = []
    busy: set[str] = set()  # in a group of today's round already (one group a round)
    for journey, week in due:
        new_hire = hires[journey.person_id]
        kind = choose.BUDDY if week == 1 else choose.INTRO
        visited = frozenset(s.department for s in journey.steps.all() if s.department)
        choice = choose.choose_colleague(
            new_hire,
            [c for c in colleagues if c.id not in busy] if new_hire.id not in busy else [],
            kind=kind,
            visited=visited,
            loads=loads,
            cap=plan.weekly_cap,
            on=today,
            min_tenure_days=plan.buddy_min_tenure_days,
            history=groups_of.get(new_hire.id, []),
            blocked=blocked,
            rules=rules,
        )
        step = JourneyStep(
            organization_id=plan.organization_id,
            journey=journey,
            number=week,
            kind=kind,
            taken_on=today,
        )
        if choice.colleague is None:
            step.missed = _missed_text(choice.missed, kind)[:300]
        else:
            c = choice.colleague
            step.colleague_id = int(c.id)
            step.department = c.department
            loads.add(c)
            pairs.append((step, new_hire, c))
            busy.update((c.id, new_hire.id))
            groups_of.setdefault(new_hire.id, []).append(PastGroup(today, (new_hire.id, c.id)))
        steps.append(step)
    _store_meetings(rnd, steps_program, pairs, rules=rules, weights=weights, groups_of=groups_of)
    JourneyStep.objects.bulk_create(steps)
    if pairs:
        round_publish(round=rnd)
    else:
        rnd.delete()  # nobody to meet today; the steps keep why
    logger.info(
        "journeys of %s on %s: %s steps, %s met", plan.program, today, len(steps), len(pairs)
    )
    return [s.pk for s in steps]


def _store_meetings(
    rnd: Round,
    program: Program,
    pairs: list[tuple[JourneyStep, EnginePerson, EnginePerson]],
    *,
    rules: Rules,
    weights: Weights,
    groups_of: dict[str, list[PastGroup]],
) -> None:
    """One match per step (the colleague organizes: they know the place), with the
    engine's reasons, a slot and a video link; written in two bulk inserts."""
    if not pairs:
        return
    org = program.organization
    groups = [[int(c.id), int(n.id)] for _s, n, c in pairs]
    where = people_whereabouts(org.pk, {pid for g in groups for pid in g})
    slots = plan_round_slots(program=program, rnd=rnd, groups=groups, where=where)
    matches = []
    for (_step, new_hire, colleague), (start, end) in zip(pairs, slots, strict=True):
        score, reasons = explain_group(
            [new_hire, colleague],
            history=[g for g in groups_of.get(new_hire.id, []) if g.date < rnd.date],
            rules=rules,
            weights=weights,
            on=rnd.date,
        )
        matches.append(
            Match(
                organization=org,
                round=rnd,
                organizer_id=int(colleague.id),
                suggested_start=start,
                suggested_end=end,
                video_link=video_link(org.video_link_template),
                reasons=[{"code": r.code, "text": r.text, "params": r.params} for r in reasons],
                score=round(score, 4),
            )
        )
    Match.objects.bulk_create(matches, batch_size=1000)
    MatchMember.objects.bulk_create(
        [
            MatchMember(organization=org, match=match, round=rnd, person_id=int(pid))
            for match, (_s, new_hire, colleague) in zip(matches, pairs, strict=True)
            for pid in (colleague.id, new_hire.id)
        ],
        batch_size=2000,
    )
    for match, (step, _n, _c) in zip(matches, pairs, strict=True):
        step.match = match
    rnd.metrics = {"people": 2 * len(pairs), "groups": len(pairs), "left_out": 0, "journeys": True}
    rnd.save(update_fields=["metrics"])


def steps_only(program: Program) -> str | None:
    """A journey plan's companion program gets its rounds from the daily journey
    step, one colleague per new hire; the engine would pair everyone in it."""
    if not JourneyPlan.objects.filter(steps_program=program).exists():
        return None
    return _(
        "%(program)s holds the meetings of onboarding journeys; the daily journey step "
        "writes its rounds."
    ) % {"program": program.name}
