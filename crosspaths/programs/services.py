"""Writes of the round life cycle: draft (match), hand edits, publish, close.

Every step is safe when several machines run it at once: a round is created under
the database's one-round-per-program-and-date constraint (never check-then-insert),
and status changes are conditional updates, so of two publishers exactly one wins.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from operator import ne
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from crosspaths import clock
from crosspaths.bulk import JsonText, insert_rows
from crosspaths.dbstats import analyze_after_commit
from crosspaths.matching import explain_group, hard_rule_problems, match
from crosspaths.matching.engine import gc_paused
from crosspaths.matching.explain import organizer_order
from crosspaths.matching.types import PastGroup, Reason, Rules, Weights
from crosspaths.matching.types import Person as EnginePerson
from crosspaths.people.days_off import holidays_between
from crosspaths.programs.hooks import webhook_events
from crosspaths.programs.planner import PlanGroup, plan_slots
from crosspaths.programs.slots import Free, search_start, suggested_slot

from . import hooks, scheduling
from .drafters import draft_refused, drafter_for, format_problems
from .engine_input import (
    Whereabouts,
    engine_input_for,
    engine_people,
    organization_blocked,
    organization_history,
    people_whereabouts,
    program_rules,
    program_weights,
)
from .models import LeftOut, Match, MatchMember, Program, Round
from .organizer_wording import reason_text

logger = logging.getLogger(__name__)


class RoundExists(ValidationError):
    """A round for this program and date exists already (made by someone else, maybe
    a second scheduler a moment ago). ``round`` is that round."""

    def __init__(self, existing: Round | None, message: str) -> None:
        super().__init__(message, code="round_exists")
        self.round = existing


# --- drafting -------------------------------------------------------------------------


def video_link(template: str) -> str:
    """A meeting room nobody can guess: 128 random bits in the organization's template.
    A template without ``{room}`` would give every group the same room, so the room
    is appended to it instead."""
    room = secrets.token_hex(16)
    if "{room}" not in template:
        return f"{template.rstrip('/')}/crosspaths-{room}"
    return template.replace("{room}", room)


# A drafted match's columns, in the order round_draft writes them.
MATCH_COLUMNS = (
    "organization_id",
    "round_id",
    "organizer_id",
    "location_id",
    "suggested_start",
    "suggested_end",
    "video_link",
    "reasons",
    "score",
    "created_at",
    "updated_at",
)


def _reason_dicts(reasons: Iterable[Reason]) -> list[dict[str, Any]]:
    return [{"code": r.code, "text": r.text, "params": r.params} for r in reasons]


class _ReasonsJson:
    """A group's reasons as the JSON text ``_reason_dicts`` would be stored as. The
    engine gives groups alike the same ``Reason`` objects (``round_reasons``), so each
    is encoded once, keyed by identity (the caller keeps the groups alive), and a
    group's list is joined from the pieces: 50,000 groups share a few hundred."""

    def __init__(self) -> None:
        self.pieces: dict[int, str] = {}

    def __call__(self, reasons: Iterable[Reason]) -> JsonText:
        pieces = self.pieces
        out = []
        for r in reasons:
            piece = pieces.get(id(r))
            if piece is None:
                piece = pieces[id(r)] = json.dumps(_reason_dicts([r])[0])
            out.append(piece)
        return JsonText("[" + ", ".join(out) + "]")


def _earliest_start(program: Program, on: date, org_tz: str) -> datetime:
    """Where a slot may start at the earliest: the morning after the round's date, and
    never sooner than the lead time from now (a round drafted or published late)."""
    lead = timedelta(hours=settings.SLOT_LEAD_HOURS)
    return max(search_start(on, org_tz), clock.now() + lead)


# The planner looks a day past the window; a round in the calendar's last weeks is
# drafted without slots instead of overflowing (tests/test_bad_input.py).
_LAST_PLANNABLE = datetime(9999, 12, 1, tzinfo=UTC)


def free_finder(after: datetime, before: datetime) -> Callable[[Whereabouts], Free]:
    """A member as the slot finder sees them, with their location's public holidays
    between ``after`` and ``before`` as days off. The holidays are worked out once a
    place, and members who declared no free windows share one ``Free`` per (zone,
    place): a 100,000-person round has a few dozen of them, and the planner works out
    each distinct calendar once (``planner.plan_slots``)."""
    first = (after - timedelta(days=1)).date()
    # after + span, never past ``before``: a round on the calendar's last day must not
    # overflow (tests/test_bad_input.py).
    last = (after.astimezone(UTC) + min(before - after, timedelta(days=60))).date()
    last = last if last == date.max else last + timedelta(days=1)
    holidays: dict[tuple[str, str], frozenset[date]] = {}
    plain: dict[tuple[str, str, str], Free] = {}

    def days_off(country: str, subdivision: str) -> frozenset[date]:
        found = holidays.get((country, subdivision))
        if found is None:
            found = holidays[(country, subdivision)] = holidays_between(
                country, subdivision, first, last
            )
        return found

    def free(m: Whereabouts) -> Free:
        if m.availability:
            return Free(m.timezone, m.availability, days_off(m.country, m.subdivision))
        key = (m.timezone, m.country, m.subdivision)
        found = plain.get(key)
        if found is None:
            found = plain[key] = Free(m.timezone, (), days_off(m.country, m.subdivision))
        return found

    return free


def free_of(members: Iterable[Whereabouts], after: datetime, before: datetime) -> list[Free]:
    """The members as the slot finder sees them (``free_finder``)."""
    free = free_finder(after, before)
    return [free(m) for m in members]


def _slot(
    program: Program, on: date, org_tz: str, members: Sequence[Whereabouts]
) -> tuple[datetime, datetime] | tuple[None, None]:
    """One group's suggested slot inside the round's window (None, None when the
    members have no common time left in it), for a group changed by hand."""
    after = _earliest_start(program, on, org_tz)
    before = scheduling.window_end(program, on)
    slot = suggested_slot(
        free_of(members, after, before), fmt=program.format, after=after, before=before
    )
    return slot if slot else (None, None)


def _plan_seed(program: Program, on: date) -> int:
    """The same round planned twice gets the same slots."""
    return program.pk * 1_000_003 + on.toordinal()


def _busy(org_id: int, exclude_round_id: int, after: datetime, before: datetime) -> dict:
    """The meetings people of the organization already have in ``[after, before)``
    (other programs' published rounds), so nobody is given two at once. One query."""
    busy: dict[int, list[tuple[datetime, datetime]]] = {}
    rows = (
        MatchMember.objects.filter(
            organization_id=org_id,
            round__status=Round.Status.PUBLISHED,
            match__suggested_start__lt=before,
            match__suggested_end__gt=after,
        )
        .exclude(round_id=exclude_round_id)
        .values_list("person_id", "match__suggested_start", "match__suggested_end")
    )
    for pid, start, end in rows:
        if start is not None and end is not None:  # always: the filter compares both
            busy.setdefault(pid, []).append((start, end))
    return busy


def plan_round_slots(
    *,
    program: Program,
    rnd: Round,
    groups: Sequence[Sequence[int]],
    where: dict[int, Whereabouts],
    taken: Iterable[datetime] = (),
) -> list[tuple[datetime, datetime] | tuple[None, None]]:
    """Slots for ``groups`` (person ids, organizer first) of ``rnd``, spread over the
    round's window (``crosspaths/programs/planner.py``): every member at work, free
    and not on a holiday, nobody double-booked, balanced per day, hour and organizer."""
    org = program.organization
    after = _earliest_start(program, rnd.date, org.timezone)
    before = scheduling.window_end(program, rnd.date)
    if after >= before or before > _LAST_PLANNABLE:
        return [(None, None)] * len(groups)
    free = free_finder(after, before)
    plan = [
        PlanGroup(tuple([free(where[p]) for p in ids if p in where]), tuple(ids)) for ids in groups
    ]
    slots = plan_slots(
        plan,
        fmt=program.format,
        after=after,
        before=before,
        zone=org.timezone,
        seed=_plan_seed(program, rnd.date),
        busy=_busy(org.pk, rnd.pk, after, before),
        taken=taken,
    )
    return [s if s else (None, None) for s in slots]


def _refuse_draft_for_a_past_date(program: Program, on: date) -> None:
    """A round whose window is over could never be published, so it is not drafted
    either (a late round, still inside its window, is fine: publishing re-plans it).
    Nor is one of a program whose rounds its own app writes (drafters.refuse_drafts)."""
    why = draft_refused(program)
    if why:
        raise ValidationError(why, code="format_runs_elsewhere")
    try:
        ends = scheduling.window_end(program, on)
    except scheduling.BadSchedule as e:
        raise ValidationError(str(e), code="bad_schedule") from None
    if clock.now() >= ends:
        raise ValidationError(
            _(
                "A round on %(date)s is in the past: its time ran until %(end)s. "
                "Choose a date from today on."
            )
            % {"date": on.isoformat(), "end": _last_day(program, ends).isoformat()},
            code="past_date",
        )


def _last_day(program: Program, window_end: datetime) -> date:
    """The last local day of a window that ends at ``window_end`` (local midnight)."""
    return (window_end.astimezone(scheduling.zone_of(program)) - timedelta(days=1)).date()


def round_draft(*, program: Program, on: date) -> Round:
    """Match the program's eligible people for a round on ``on`` and store it as a draft.

    One transaction: the round row is inserted first, so a second caller (another
    scheduler, a double click) waits on the unique constraint and then gets
    ``RoundExists`` instead of matching a second time; if matching fails, nothing of
    the round is left behind. Eligible: enrolled, not left, not paused on ``on``,
    still with the company, and in the program's audience.
    """
    org = program.organization
    _refuse_draft_for_a_past_date(program, on)
    with transaction.atomic():
        try:
            with transaction.atomic():
                rnd = Round.objects.create(organization=org, program=program, date=on)
        except IntegrityError:
            existing = Round.objects.filter(program=program, date=on).first()
            raise RoundExists(
                existing,
                _("%(program)s already has a round on %(date)s.")
                % {"program": program.name, "date": on.isoformat()},
            ) from None
        # The collector paused while the round is read, matched and stored, as the
        # engine CLI runs: these steps make millions of small containers and no
        # cycles, and collections triggered by allocation alone cost seconds at
        # 100,000 people (bench/pipeline.py).
        with gc_paused():
            started = time.perf_counter()
            data = engine_input_for(program, on=on, holdout_seed=rnd.pk)
            read = time.perf_counter()
            custom = drafter_for(program)
            if custom is not None:  # e.g. a team bridge: pairs across teams only
                result = custom(program=program, data=data, on=on)
            else:
                result = match(
                    data.people,
                    history=data.history,
                    blocked=data.blocked,
                    rules=data.rules,
                    weights=data.weights,
                    on=on,
                    seed=program.pk,
                )
            matched = time.perf_counter()
            virtual = program.mode == "virtual"
            slots = plan_round_slots(
                program=program,
                rnd=rnd,
                groups=[[int(m) for m in g.members] for g in result.groups],
                where={int(k): v for k, v in data.whereabouts.items()},
            )
            # Tuples, not Match objects: at 50,000 groups building models was seconds of
            # the draft (bench/pipeline.py). created_at/updated_at as auto_now would set them.
            stamp = timezone.now()
            reasons_json = _ReasonsJson()
            match_ids = insert_rows(
                Match,
                MATCH_COLUMNS,
                (
                    (
                        org.pk,
                        rnd.pk,
                        int(group.members[0]),
                        None if virtual else data.whereabouts[group.members[0]].location_id,
                        start,
                        end,
                        video_link(org.video_link_template) if virtual else "",
                        reasons_json(group.reasons),
                        round(group.score, 4),
                        stamp,
                        stamp,
                    )
                    for group, (start, end) in zip(result.groups, slots, strict=True)
                ),
                ids=True,
            )
            insert_rows(
                MatchMember,
                ("organization_id", "match_id", "round_id", "person_id"),
                (
                    (org.pk, match_id, rnd.pk, int(pid))
                    for match_id, group in zip(match_ids, result.groups, strict=True)
                    for pid in group.members
                ),
            )
            insert_rows(
                LeftOut,
                ("organization_id", "round_id", "person_id", "code", "reason"),
                ((org.pk, rnd.pk, int(x.person_id), x.code, x.text[:500]) for x in result.left_out),
            )
            analyze_after_commit(
                Match, MatchMember, LeftOut, rows=len(match_ids) + len(result.left_out)
            )
        metrics = {k: v for k, v in result.metrics.items() if k != "left_out"}
        metrics["left_out"] = len(result.left_out)
        metrics["seconds"] = {
            "read": round(read - started, 3),
            "match": round(matched - read, 3),
            "store": round(time.perf_counter() - matched, 3),
        }
        rnd.metrics = metrics
        rnd.holdout_percent = program.holdout_percent
        rnd.save(update_fields=["metrics", "holdout_percent"])
    logger.info(
        "round %s drafted: %s people, %s groups, %s left out",
        rnd,
        metrics.get("people"),
        metrics.get("groups"),
        metrics["left_out"],
    )
    return rnd


def round_date_check(*, program: Program, on: date) -> None:
    """Refuse (ValidationError ``past_date``) a round date whose window is over, before
    any work is queued for it."""
    _refuse_draft_for_a_past_date(program, on)


class NobodyToMatch(ValidationError):
    """A preview found nobody taking part: no draft is kept (an empty draft would only
    sit in the review list)."""


def round_preview(*, program: Program, on: date) -> Round:
    """Draft a round for review, replacing the program's open draft for that date: the
    old draft is deleted and the new one stored in one transaction, so a preview never
    leaves a pile of drafts, and a second previewer at the same moment waits on the
    old draft's lock and then gets ``RoundExists`` naming the new one. A published or
    closed round on that date is never replaced (``RoundExists``). When nobody takes
    part, the old draft is still removed but no empty draft is kept
    (``NobodyToMatch``)."""
    _refuse_draft_for_a_past_date(program, on)
    with transaction.atomic():
        _discard_open_draft(program, on)
        rnd = round_draft(program=program, on=on)
        empty = not (rnd.metrics or {}).get("people")
        if empty:
            rnd.delete()
    if empty:
        raise NobodyToMatch(
            _(
                "Nobody takes part in %(program)s on %(date)s (nobody enrolled, or everyone "
                "paused or outside the audience), so no draft was kept."
            )
            % {"program": program.name, "date": on.isoformat()},
            code="nobody",
        )
    return rnd


def _discard_open_draft(program: Program, on: date) -> None:
    locked = list(
        Round.objects.select_for_update().filter(
            program=program, date=on, status=Round.Status.DRAFT
        )
    )
    if locked:
        Round.objects.filter(pk__in=[r.pk for r in locked], status=Round.Status.DRAFT).delete()


def round_discard(*, round: Round) -> bool:
    """Delete a draft round with its groups (nobody was told anything). A conditional
    delete: a round published meanwhile is refused with ``not_draft``. Discarding twice
    is harmless (returns False the second time)."""
    with transaction.atomic():
        deleted, _counts = Round.objects.filter(pk=round.pk, status=Round.Status.DRAFT).delete()
        if deleted:
            return True
        status = Round.objects.filter(pk=round.pk).values_list("status", flat=True).first()
    if status is None:
        return False
    raise ValidationError(
        _("Only a draft can be discarded; this round is %(status)s.")
        % {"status": Round.Status(status).label},
        code="not_draft",
    )


# --- publishing and closing -------------------------------------------------------------


def round_publish(*, round: Round) -> Round:
    """Publish a draft: the status change and one outbox row per message (introductions
    now; reminders and check-ins for later) in one transaction. A conditional update
    makes sure that of two publishers exactly one publishes; the other gets a
    ValidationError. Delivery starts when the transaction commits."""
    now = clock.now()
    with transaction.atomic():
        won = Round.objects.filter(pk=round.pk, status=Round.Status.DRAFT).update(
            status=Round.Status.PUBLISHED, published_at=now
        )
        if not won:
            status = Round.objects.filter(pk=round.pk).values_list("status", flat=True).first()
            raise ValidationError(
                _("This round cannot be published: it is %(status)s, not a draft.")
                % {"status": Round.Status(status).label if status else _("deleted")},
                code="not_draft",
            )
        round.refresh_from_db()
        _refuse_if_window_over(round, now)  # rolls the status change back
        _replan_stale_slots(round)
        hooks.round_messages_write(round=round, now=now)
        _announce_published(round)
    return round


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def match_event_data(match: Match, program_id: int, member_ids: list[int]) -> dict[str, Any]:
    """A group as webhooks describe it: stable ids and the slot, never names."""
    row = (match.pk, match.round_id, match.organizer_id)
    return _group_event_data(
        (*row, match.suggested_start, match.suggested_end, match.sequence), program_id, member_ids
    )


# A group's fields in a webhook event, in ``_group_event_data``'s order.
_EVENT_FIELDS = ("pk", "round_id", "organizer_id", "suggested_start", "suggested_end", "sequence")


def _announce_published(rnd: Round) -> None:
    """``round.published`` and one ``match.created`` per group, in the publishing
    transaction (docs/webhooks.md). The groups are read only when an endpoint wants
    them, and then as values: a round of 100,000 people has 50,000."""
    org_id = rnd.organization_id
    webhook_events.emit(
        organization_id=org_id,
        type="round.published",
        data={
            "round_id": rnd.pk,
            "program_id": rnd.program_id,
            "date": rnd.date.isoformat(),
            "published_at": _iso(rnd.published_at),
            "matches": Match.objects.filter(round=rnd).count(),
        },
    )

    def groups() -> list[dict[str, Any]]:
        members: dict[int, list[int]] = {}
        for match_id, person_id in MatchMember.objects.filter(round=rnd).values_list(
            "match_id", "person_id"
        ):
            members.setdefault(match_id, []).append(person_id)
        return [
            _group_event_data(row, rnd.program_id, members.get(row[0], []))
            for row in Match.objects.filter(round=rnd).order_by("pk").values_list(*_EVENT_FIELDS)
        ]

    webhook_events.emit_many(organization_id=org_id, type="match.created", items=groups)


def _group_event_data(
    row: tuple[Any, ...], program_id: int, member_ids: list[int]
) -> dict[str, Any]:
    """``match_event_data`` of a row of ``_EVENT_FIELDS``, as ``values_list`` reads it."""
    pk, round_id, organizer_id, start, end, sequence = row
    return {
        "match_id": pk,
        "round_id": round_id,
        "program_id": program_id,
        "member_ids": sorted(member_ids),
        "organizer_id": organizer_id,
        "suggested_start": _iso(start),
        "suggested_end": _iso(end),
        "sequence": sequence,
    }


def _window_end(rnd: Round) -> datetime:
    try:
        return scheduling.window_end(rnd.program, rnd.date)
    except scheduling.BadSchedule as e:
        raise ValidationError(str(e), code="bad_schedule") from None


def _refuse_if_window_over(rnd: Round, now: datetime) -> None:
    """A round whose window is over is never published: its introductions could only
    name a time that has passed or belongs to the program's next round."""
    ends = _window_end(rnd)
    if now >= ends:
        raise ValidationError(
            _(
                "This round of %(date)s cannot be published: its time ran until %(end)s, "
                "which has passed. Preview a round for a current date instead."
            )
            % {
                "date": rnd.date.isoformat(),
                "end": _last_day(rnd.program, ends).isoformat(),
            },
            code="window_over",
        )


def _replan_stale_slots(rnd: Round) -> int:
    """Move every suggested slot that has passed or starts within the lead time to the
    members' next common time inside the round's window (or to no slot when there is
    none left), before any invitation is written. A draft's slots were planned when it
    was drafted; publishing may come days later. Returns how many slots moved."""
    program = rnd.program
    soonest = clock.now() + timedelta(hours=settings.SLOT_LEAD_HOURS)
    stale = list(
        Match.objects.filter(round=rnd, suggested_start__lt=soonest).prefetch_related("members")
    )
    if not stale:
        return 0
    ids = {m.person_id for group in stale for m in group.members.all()}
    where = people_whereabouts(rnd.organization_id, ids)
    kept = [
        start
        for start in Match.objects.filter(round=rnd, suggested_start__gte=soonest).values_list(
            "suggested_start", flat=True
        )
        if start is not None  # always: the filter compares it
    ]
    groups = [
        sorted(
            (m.person_id for m in group.members.all()),
            key=partial(ne, group.organizer_id),  # organizer first
        )
        for group in stale
    ]
    slots = plan_round_slots(program=program, rnd=rnd, groups=groups, where=where, taken=kept)
    for group, (start, end) in zip(stale, slots, strict=True):
        group.suggested_start, group.suggested_end = start, end
    Match.objects.bulk_update(stale, ["suggested_start", "suggested_end"], batch_size=1000)
    logger.info("round %s: %s stale slots re-planned on publishing", rnd, len(stale))
    return len(stale)


def round_close(*, round: Round) -> Round:
    """Close a published round: its groups become history (they already count for the
    cooldown) and it leaves participants' "current match". Check-in links keep working.
    Closing twice is harmless."""
    now = clock.now()
    won = Round.objects.filter(pk=round.pk, status=Round.Status.PUBLISHED).update(
        status=Round.Status.CLOSED, closed_at=now
    )
    round.refresh_from_db()
    if not won and round.status != Round.Status.CLOSED:
        raise ValidationError(
            _("Only a published round can be closed; this one is a draft."), code="not_published"
        )
    if won:
        hooks.round_figures_enqueue(round_id=round.pk)  # insights: the round's final figures
    return round


# --- hand edits (the HR console) --------------------------------------------------------


@dataclass
class _Seat:
    """Where a person sits in a draft round: a match, or the left-out list."""

    person_id: int
    match: Match | None
    member: MatchMember | None = None
    left_out: LeftOut | None = None


@dataclass
class _Edit:
    round: Round
    program: Program
    seats: dict[int, _Seat] = field(default_factory=dict)
    groups: dict[int, list[int]] = field(default_factory=dict)  # match id -> person ids
    matches: dict[int, Match] = field(default_factory=dict)


def _load_edit(rnd: Round, person_ids: Sequence[int], match_ids: Sequence[int]) -> _Edit:
    """Lock the round and read the groups an edit touches."""
    locked = (
        Round.objects.select_for_update().select_related("program__organization").get(pk=rnd.pk)
    )
    if locked.status != Round.Status.DRAFT:
        raise ValidationError(
            _("Only a draft round can be edited; this one is %(status)s.")
            % {"status": locked.get_status_display()},
            code="not_draft",
        )
    edit = _Edit(round=locked, program=locked.program)
    members = MatchMember.objects.filter(round=locked, person_id__in=person_ids).select_related(
        "match"
    )
    for member in members:
        edit.seats[member.person_id] = _Seat(member.person_id, member.match, member=member)
    for x in LeftOut.objects.filter(round=locked, person_id__in=person_ids):
        edit.seats.setdefault(x.person_id, _Seat(x.person_id, None, left_out=x))
    for pid in person_ids:
        if pid not in edit.seats:
            raise ValidationError(_("This person is not part of this round."), code="not_in_round")
    wanted = set(match_ids) | {s.match.pk for s in edit.seats.values() if s.match}
    for m in Match.objects.filter(round=locked, pk__in=wanted):
        edit.matches[m.pk] = m
    if set(match_ids) - set(edit.matches):
        raise ValidationError(_("That group is not part of this round."), code="not_in_round")
    for match_id, person_id in MatchMember.objects.filter(match_id__in=wanted).values_list(
        "match_id", "person_id"
    ):
        edit.groups.setdefault(match_id, []).append(person_id)
    for match_id in wanted:
        edit.groups.setdefault(match_id, [])
    return edit


@dataclass(frozen=True)
class _Explain:
    """What re-explaining an edited group needs."""

    program: Program
    day: date
    history: list[PastGroup]
    rules: Rules
    weights: Weights
    where: dict[int, Whereabouts]


def _check_and_apply(
    edit: _Edit, new_groups: dict[int, list[int]], moves: dict[int, int | None]
) -> None:
    """Refuse the edit if any changed group breaks a hard rule, else write it: members
    moved, left-out rows adjusted, changed groups re-explained, organizer kept when
    still there, suggested slot recomputed."""
    rnd, program = edit.round, edit.program
    org_id = rnd.organization_id
    everyone = {pid for g in new_groups.values() for pid in g} | set(moves)
    people = engine_people(org_id, everyone)
    names = {str(pk): p.name or str(pk) for pk, p in people.items()}
    rules = program_rules(program)
    history = organization_history(
        org_id,
        on=rnd.date,
        cooldown_weeks=rules.cooldown_weeks,
        person_ids=everyone,
        exclude_round_id=rnd.pk,
    )
    blocked = organization_blocked(org_id, person_ids=everyone)
    errors: list[ValidationError] = []
    for _match_id, group in new_groups.items():
        members = [people[pid] for pid in group]
        for problem in hard_rule_problems(
            members, history=history, blocked=blocked, rules=rules, on=rnd.date
        ):
            text = reason_text(
                {"code": problem.code, "text": problem.text, "params": problem.params},
                names=names,
                problem=True,
            )
            errors.append(ValidationError(text, code=problem.code))
        for code, text in format_problems(program, group):
            errors.append(ValidationError(text, code=code))
    if errors:
        raise ValidationError(errors)

    context = _Explain(
        program=program,
        day=rnd.date,
        history=history,
        rules=rules,
        weights=program_weights(program),
        where=people_whereabouts(org_id, everyone),
    )
    for person_id, target in moves.items():
        seat = edit.seats[person_id]
        if target is None:
            if seat.member:
                seat.member.delete()
            LeftOut.objects.update_or_create(
                round=rnd,
                person_id=person_id,
                defaults={
                    "organization_id": org_id,
                    "code": "removed_by_admin",
                    "reason": "taken out of the round by an admin",
                },
            )
        else:
            if seat.left_out:
                seat.left_out.delete()
            if seat.member:
                MatchMember.objects.filter(pk=seat.member.pk).update(match_id=target)
            else:
                MatchMember.objects.create(
                    organization_id=org_id, match_id=target, round=rnd, person_id=person_id
                )
    for match_id, group in new_groups.items():
        _reexplain(edit.matches[match_id], [people[pid] for pid in group], context)
    _refresh_counts(rnd)


def _reexplain(match_obj: Match, members: list[EnginePerson], context: _Explain) -> None:
    """Score, reasons, organizer (kept while still a member) and slot of a changed group."""
    program, where = context.program, context.where
    score, reasons = explain_group(
        members,
        history=context.history,
        rules=context.rules,
        weights=context.weights,
        on=context.day,
    )
    ids = [int(p.id) for p in members]
    organizer = match_obj.organizer_id
    if organizer not in ids:
        position = {p.id: k for k, p in enumerate(members)}
        organizer = int(organizer_order(members, position)[0].id)
    start, end = _slot(program, context.day, program.organization.timezone, [where[i] for i in ids])
    if (start, end) != (match_obj.suggested_start, match_obj.suggested_end):
        match_obj.sequence += 1
    match_obj.suggested_start, match_obj.suggested_end = start, end
    match_obj.organizer_id = organizer
    match_obj.score = round(score, 4)
    match_obj.reasons = _reason_dicts(reasons)
    if program.mode != "virtual":
        match_obj.location_id = where[ids[0]].location_id
    match_obj.save()


def match_regroup(*, match: Match) -> Match:
    """After a published group's members changed (someone dropped out, someone joined):
    its reasons, score and organizer (kept while still a member) are worked out anew
    and the invitation's SEQUENCE grows (its attendees changed). The slot stays: the
    members planned around it, and the organizer may still move it. Call inside the
    transaction that changed the members."""
    rnd = match.round
    program = rnd.program
    ids = list(MatchMember.objects.filter(match=match).values_list("person_id", flat=True))
    people = engine_people(rnd.organization_id, set(ids))
    members = [people[i] for i in ids if i in people]
    match.sequence += 1
    if len(members) >= 2:
        rules = program_rules(program)
        history = organization_history(
            rnd.organization_id,
            on=rnd.date,
            cooldown_weeks=rules.cooldown_weeks,
            person_ids=ids,
            exclude_round_id=rnd.pk,
        )
        score, reasons = explain_group(
            members, history=history, rules=rules, weights=program_weights(program), on=rnd.date
        )
        match.score, match.reasons = round(score, 4), _reason_dicts(reasons)
    if match.organizer_id not in ids and members:
        position = {p.id: k for k, p in enumerate(members)}
        match.organizer_id = int(organizer_order(members, position)[0].id)
    match.save()
    return match


def group_rule_problems(*, round: Round, person_ids: Sequence[int]) -> list[str]:
    """The hard rules a group of ``person_ids`` in ``round`` would break (codes; empty:
    it may meet). Used to pick a stand-in from the left-out list."""
    rules = program_rules(round.program)
    people = engine_people(round.organization_id, set(person_ids))
    if len(people) != len(set(person_ids)):
        return ["unknown_person"]
    history = organization_history(
        round.organization_id,
        on=round.date,
        cooldown_weeks=rules.cooldown_weeks,
        person_ids=person_ids,
        exclude_round_id=round.pk,
    )
    blocked = organization_blocked(round.organization_id, person_ids=person_ids)
    return [
        p.code
        for p in hard_rule_problems(
            [people[i] for i in person_ids],
            history=history,
            blocked=blocked,
            rules=rules,
            on=round.date,
        )
    ] + [code for code, _text in format_problems(round.program, person_ids)]


def _refresh_counts(rnd: Round) -> None:
    """Keep the round's headline figures true after a hand edit (the engine's quality
    figures describe its own proposal and are kept as they were)."""
    sizes = (
        MatchMember.objects.filter(round=rnd)
        .values("match_id")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    counts: dict[str, int] = {}
    for n in sizes:
        counts[str(n)] = counts.get(str(n), 0) + 1
    metrics = dict(rnd.metrics or {})
    metrics["groups"] = sum(counts.values())
    metrics["placed"] = sum(int(k) * v for k, v in counts.items())
    metrics["group_sizes"] = dict(sorted(counts.items(), key=lambda kv: int(kv[0])))
    metrics["left_out"] = LeftOut.objects.filter(round=rnd).count()
    metrics["hand_edits"] = int(metrics.get("hand_edits", 0)) + 1
    rnd.metrics = metrics
    rnd.save(update_fields=["metrics"])
    Match.objects.filter(round=rnd, members__isnull=True).delete()


def _person_id(person: Any) -> int:
    return int(getattr(person, "pk", person))


@transaction.atomic
def round_move_member(*, round: Round, person: Any, to_match: Match | None) -> Round:
    """Move ``person`` (in a group or left out) into ``to_match``, or out of the round's
    groups when ``to_match`` is None. Refused with a ValidationError naming every hard
    rule the changed groups would break (one error per rule, ``code`` = the engine's
    rule code); otherwise both groups are re-explained and get a fresh slot."""
    pid = _person_id(person)
    target = to_match.pk if to_match is not None else None
    edit = _load_edit(round, [pid], [target] if target else [])
    seat = edit.seats[pid]
    source = seat.match.pk if seat.match else None
    if source == target:
        return edit.round
    new_groups: dict[int, list[int]] = {}
    if source is not None:
        new_groups[source] = [p for p in edit.groups[source] if p != pid]
    if target is not None:
        new_groups[target] = [*edit.groups[target], pid]
    _check_and_apply(edit, new_groups, {pid: target})
    return edit.round


@transaction.atomic
def round_swap_members(*, round: Round, a: Any, b: Any) -> Round:
    """Swap two people between their groups (or a person in a group with someone left
    out). Refused like ``round_move_member`` when a changed group breaks a hard rule."""
    pa, pb = _person_id(a), _person_id(b)
    edit = _load_edit(round, [pa, pb], [])
    match_a, match_b = edit.seats[pa].match, edit.seats[pb].match
    ma = match_a.pk if match_a else None
    mb = match_b.pk if match_b else None
    if ma == mb:
        raise ValidationError(
            _("Both people are already in the same place; choose two from different groups."),
            code="same_group",
        )
    new_groups: dict[int, list[int]] = {}
    if ma is not None:
        new_groups[ma] = [pb if p == pa else p for p in edit.groups[ma]]
    if mb is not None:
        new_groups[mb] = [pa if p == pb else p for p in edit.groups[mb]]
    _check_and_apply(edit, new_groups, {pa: mb, pb: ma})
    return edit.round


# --- the scheduler's steps ---------------------------------------------------------------


@dataclass
class DueReport:
    drafted: list[Round] = field(default_factory=list)
    published: list[Round] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    # Drafts left by an earlier pass that stopped before publishing, published now.
    resumed: list[Round] = field(default_factory=list)


def _draft_unless_taken(program: Program, day: date) -> Round | None:
    """Draft the program's round holding its row (``FOR NO KEY UPDATE SKIP LOCKED``),
    or None when another scheduler holds it. Without it a second scheduler waited on
    the first one's round insert for the whole draft and then moved on, so N
    schedulers drafted one program at a time; now each passes over the programs being
    drafted and takes the next. The lock lets people enroll meanwhile (their rows only
    take a key share); SQLite has no row locks and drafts one at a time."""
    with transaction.atomic():
        held = Program.objects.select_for_update(skip_locked=True, no_key=True).filter(
            pk=program.pk
        )
        if not list(held.values_list("pk", flat=True)):
            return None
        return round_draft(program=program, on=day)


def rounds_run_due(*, now: datetime | None = None) -> DueReport:
    """Draft (and, unless the program asks for review, publish) every round that is due.
    Safe to run on several machines at once, and they share the work: a program being
    drafted by one is passed over by the others (``_draft_unless_taken``); the round's
    unique constraint decides who drafts, the conditional update who publishes."""
    now = now or clock.now()
    report = DueReport()
    # Mentoring runs in cycles its own app starts and ends (crosspaths/mentoring), not
    # in weekly rounds.
    programs = list(
        Program.objects.filter(active=True)
        .exclude(format=Program.Format.MENTORING)
        # Outside-perspective sessions are set up on request (crosspaths/perspective),
        # never drafted by the calendar.
        .exclude(format=Program.Format.OUTSIDE_PERSPECTIVE)
        .select_related("organization")
        .order_by("pk")
    )
    due: list[tuple[Program, date]] = []
    for program in programs:
        try:
            day = scheduling.due_date(program, now=now)
        except scheduling.BadSchedule as e:
            report.skipped.append(f"{program.pk} {program.name}: {e}")
            logger.error("program %s (%s) skipped: %s", program.pk, program.name, e)
            continue
        if day is not None:
            due.append((program, day))
    if not due:
        return report
    existing = {
        (program_id, day): (pk, status)
        for program_id, day, pk, status in Round.objects.filter(
            program_id__in=[p.pk for p, _ in due], date__in={d for _, d in due}
        ).values_list("program_id", "date", "pk", "status")
    }
    for program, day in due:
        if (program.pk, day) in existing:
            # A shortcut only; the unique constraint is the guard.
            pk, status = existing[program.pk, day]
            if status == Round.Status.DRAFT and not program.requires_review:
                _publish_left_draft(report, pk)
            continue
        try:
            rnd = _draft_unless_taken(program, day)
        except RoundExists:
            continue
        except Exception:
            logger.exception("drafting a round of program %s failed", program.pk)
            report.skipped.append(f"{program.pk} {program.name}: matching failed")
            continue
        if rnd is None:
            continue  # another scheduler is drafting it right now
        report.drafted.append(rnd)
        if not program.requires_review:
            # ValidationError: someone (an admin, another scheduler) published it first.
            with contextlib.suppress(ValidationError):
                report.published.append(round_publish(round=rnd))
    return report


def _publish_left_draft(report: DueReport, round_id: int) -> None:
    """A due round of a program that publishes by itself, still a draft: the scheduler
    that drafted it stopped before publishing (killed, or the database went away in
    the publishing transaction, which then rolled back), or an admin previewed the date
    earlier. Publishing it now is what that scheduler would have done; the conditional
    update keeps it to one publication however many schedulers see it."""
    rnd = Round.objects.select_related("program__organization").get(pk=round_id)
    # ValidationError: someone published it first, or its window is over.
    with contextlib.suppress(ValidationError):
        report.published.append(round_publish(round=rnd))
        report.resumed.append(rnd)


def rounds_close_due(*, now: datetime | None = None) -> list[Round]:
    """Close published rounds whose time is over (one cadence period after they ran)."""
    now = now or clock.now()
    closed = []
    rounds = Round.objects.filter(status=Round.Status.PUBLISHED).exclude(
        program__format=Program.Format.MENTORING  # a cycle's round closes when the cycle ends
    )
    for rnd in rounds.select_related("program__organization"):
        try:
            closes = scheduling.close_at(rnd.program, rnd.date)
        except scheduling.BadSchedule:
            continue
        if closes <= now:
            closed.append(round_close(round=rnd))
    return closed


def match_reschedule(*, match: Match, start: datetime, end: datetime | None = None) -> Match:
    """Move a published group's slot: the calendar event keeps its UID and gets a higher
    SEQUENCE, every member gets the new time with an updated invitation, and the
    reminder and check-in follow the new time."""
    if end is None:
        length = (
            (match.suggested_end - match.suggested_start)
            if match.suggested_start and match.suggested_end
            else timedelta(minutes=30)
        )
        end = start + length
    if end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    if start <= clock.now():
        # An invitation for a time that has passed is worse than none.
        raise ValidationError({"start": _("The new time has passed; choose a later one.")})
    with transaction.atomic():
        locked = Match.objects.select_for_update().select_related("round").get(pk=match.pk)
        locked.suggested_start, locked.suggested_end = start, end
        locked.sequence += 1
        locked.save()
        if locked.round.status == Round.Status.PUBLISHED:
            hooks.reschedule_messages_write(match=locked, now=clock.now())
            members = list(locked.members.values_list("person_id", flat=True))
            webhook_events.emit(
                organization_id=locked.organization_id,
                type="match.rescheduled",
                data=match_event_data(locked, locked.round.program_id, members),
            )
    return locked
