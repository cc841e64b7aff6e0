"""What a group can do about its meeting once the round is out (the match page).

The group's organizer confirms the suggested slot, or moves it to another time (one of
a few free slots in the round's window, or one they type): everyone then gets the new
time with an updated invitation (same UID, SEQUENCE+1) through ``match_reschedule``.
A member who cannot make it leaves the group for this round; the others are told. A
pair's remaining member gets a stand-in from the round's left-out list when one keeps
every hard rule, and is otherwise told they wait for the next round (and go first).

Every write is one transaction with the match locked, so two clicks (or two members at
once) cannot leave a group half changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crosspaths import clock
from crosspaths.notify.services import (
    outbox_skip_for,
    outbox_write_group_change,
    outbox_write_joined,
    outbox_write_left_alone,
    outbox_write_withdrawn,
)
from crosspaths.people.models import Person
from crosspaths.programs import scheduling
from crosspaths.programs.engine_input import people_whereabouts
from crosspaths.programs.models import LeftOut, Match, MatchMember, Round
from crosspaths.programs.services import (
    free_of,
    group_rule_problems,
    match_regroup,
    match_reschedule,
)
from crosspaths.programs.slots import DURATION_MINUTES, free_slots
from crosspaths.programs.wording import when_in_zone

from .models import Withdrawal

# Hard rules a stand-in is not held to: the group's size is what it is after a dropout.
SIZE_CODES = frozenset({"group_too_small", "group_too_large"})
# Left-out reasons that mean "does not want a group this round".
NOT_AVAILABLE = frozenset({"withdrew", "removed_by_admin"})


def _check_open(match: Match) -> None:
    """Only a published round's group may still change; a closed one is history."""
    if match.round.status != Round.Status.PUBLISHED:
        raise ValidationError(
            _("This round is over; its group can no longer change."), code="round_over"
        )


def _check_organizer(match: Match, person: Person) -> None:
    if match.organizer_id != person.pk:
        raise ValidationError(
            _("Only the group's organizer can confirm or move the time."), code="not_organizer"
        )


def _window(match: Match) -> tuple[datetime, datetime]:
    """Where a new time may lie: from the lead time on, to the end of the round's window."""
    soonest = clock.now() + timedelta(hours=settings.SLOT_LEAD_HOURS)
    try:
        ends = scheduling.window_end(match.round.program, match.round.date)
    except scheduling.BadSchedule as e:
        raise ValidationError(str(e), code="bad_schedule") from None
    return soonest, ends


def match_free_slots(*, match: Match, count: int = 4) -> list[tuple[datetime, datetime]]:
    """A few times (one per day) that suit every member's working hours and free
    windows, from the lead time on to the end of the round's window."""
    ids = list(match.members.values_list("person_id", flat=True))
    where = people_whereabouts(match.organization_id, ids)
    soonest, ends = _window(match)
    if soonest >= ends:
        return []
    zone = (
        match.organizer.effective_timezone
        if match.organizer
        else match.round.program.organization.timezone
    )
    slots = free_slots(
        free_of([where[i] for i in ids if i in where], soonest, ends),
        fmt=match.round.program.format,
        after=soonest,
        before=ends,
        timezone=zone,
        count=count,
    )
    current = match.suggested_start
    return [s for s in slots if s[0] != current]


def match_slot_choices(*, match: Match) -> list[tuple[str, str]]:
    """The free times as (ISO start, label in the organizer's zone and the active
    language): what the chat buttons offer the organizer to move the meeting to. Empty
    when the round is over or its schedule is broken (the button opens the match page)."""
    if match.organizer is None or match.round.status != Round.Status.PUBLISHED:
        return []
    try:
        slots = match_free_slots(match=match)
    except Exception:  # a bad schedule: the button opens the match page instead
        return []
    zone = match.organizer.effective_timezone
    return [(start.isoformat(), when_in_zone(start, zone)) for start, _end in slots]


@transaction.atomic
def match_confirm(*, match: Match, person: Person) -> Match:
    """The organizer confirms the suggested slot: the card says so from now on.
    Confirming twice changes nothing."""
    locked = Match.objects.select_for_update().select_related("round__program").get(pk=match.pk)
    _check_open(locked)
    _check_organizer(locked, person)
    if locked.suggested_start is None:
        raise ValidationError(
            _("There is no suggested time to confirm; choose one instead."), code="no_slot"
        )
    if locked.suggested_start <= clock.now():
        raise ValidationError(
            _("The suggested time has passed; choose another one."), code="slot_passed"
        )
    if locked.confirmed_at is None:
        locked.confirmed_at, locked.confirmed_by = clock.now(), person
        locked.save(update_fields=["confirmed_at", "confirmed_by", "updated_at"])
    return locked


def match_propose(*, match: Match, person: Person, start: datetime) -> Match:
    """The organizer moves the meeting to ``start`` (same length as before): it must lie
    from the lead time on inside the round's window. Every member gets the new time with
    an updated invitation (same UID, SEQUENCE+1); the new time counts as confirmed."""
    with transaction.atomic():
        locked = Match.objects.select_for_update().select_related("round__program").get(pk=match.pk)
        _check_open(locked)
        _check_organizer(locked, person)
        soonest, ends = _window(locked)
        length = (
            locked.suggested_end - locked.suggested_start
            if locked.suggested_start and locked.suggested_end
            else timedelta(minutes=_minutes(locked))
        )
        if start < soonest:
            raise ValidationError(
                _("Choose a time at least %(hours)s hours from now.")
                % {"hours": f"{settings.SLOT_LEAD_HOURS:g}"},
                code="too_soon",
            )
        if start + length > ends:
            raise ValidationError(
                _("Choose a time before this round ends (the program's next round starts then)."),
                code="after_window",
            )
        if start == locked.suggested_start:
            return match_confirm(match=locked, person=person)
        moved = match_reschedule(match=locked, start=start, end=start + length)
        moved.confirmed_at, moved.confirmed_by = clock.now(), person
        moved.save(update_fields=["confirmed_at", "confirmed_by", "updated_at"])
    return moved


def _minutes(match: Match) -> int:
    return DURATION_MINUTES.get(match.round.program.format, 45)


@dataclass
class WithdrawOutcome:
    """What saying "I can't make it" did: who stays, who joined in, and whether the
    one who stayed was left without a group (then told when their next round is)."""

    remaining: list[int]
    stand_in: int | None = None
    left_alone: int | None = None


def _stand_in(rnd: Round, stays: int) -> int | None:
    """Someone from the round's left-out list who may meet ``stays`` (every hard rule
    kept, still active and in the program), the one who waited in the list first."""
    enrolled = set(
        rnd.program.enrollments.filter(left_at__isnull=True, person__active=True).values_list(
            "person_id", flat=True
        )
    )
    candidates = (
        LeftOut.objects.filter(round=rnd)
        .exclude(code__in=NOT_AVAILABLE | {"partner_withdrew"})
        .order_by("pk")
        .values_list("person_id", flat=True)
    )
    for pid in candidates:
        if pid not in enrolled:
            continue
        problems = set(group_rule_problems(round=rnd, person_ids=[stays, pid])) - SIZE_CODES
        if not problems:
            return pid
    return None


def match_withdraw(*, match: Match, person: Person) -> WithdrawOutcome:
    """``person`` cannot make it this round: they leave the group (their reminder and
    check-in are not sent) and wait for the next round. The others are told; a pair's
    remaining member gets a stand-in from the left-out list when possible (who gets the
    introduction), else is told they wait for the next round too."""
    now = clock.now()
    with transaction.atomic():
        locked = Match.objects.select_for_update().select_related("round__program").get(pk=match.pk)
        _check_open(locked)
        rnd = locked.round
        member = MatchMember.objects.filter(match=locked, person=person).first()
        if member is None:
            raise ValidationError(_("You are not in this group any more."), code="not_member")
        member.delete()
        outbox_skip_for(match=locked, person_ids=[person.pk], why="said they cannot make it")
        LeftOut.objects.create(
            organization_id=rnd.organization_id,
            round=rnd,
            person=person,
            code="withdrew",
            reason="said they cannot make it this round",
        )
        withdrawal = Withdrawal.objects.create(
            organization_id=rnd.organization_id, match=locked, person=person
        )
        remaining = list(
            MatchMember.objects.filter(match=locked)
            .order_by("pk")
            .values_list("person_id", flat=True)
        )
        outcome = WithdrawOutcome(remaining=remaining)
        if len(remaining) == 1:
            stays = remaining[0]
            pid = _stand_in(rnd, stays)
            if pid is not None:
                LeftOut.objects.filter(round=rnd, person_id=pid).delete()
                MatchMember.objects.create(
                    organization_id=rnd.organization_id, match=locked, round=rnd, person_id=pid
                )
                withdrawal.replaced_by_id = pid
                withdrawal.save(update_fields=["replaced_by"])
                outcome.stand_in, outcome.remaining = pid, [stays, pid]
            else:
                MatchMember.objects.filter(match=locked, person_id=stays).delete()
                outbox_skip_for(
                    match=locked, person_ids=[stays], why="their partner cannot make it"
                )
                LeftOut.objects.create(
                    organization_id=rnd.organization_id,
                    round=rnd,
                    person_id=stays,
                    code="partner_withdrew",
                    reason="their partner cannot make it and nobody else was free",
                )
                outcome.left_alone, outcome.remaining = stays, []
        if outcome.remaining:
            match_regroup(match=locked)
            outbox_write_group_change(
                match=locked,
                person_ids=[p for p in outcome.remaining if p != outcome.stand_in],
                withdrawal_id=withdrawal.pk,
                now=now,
            )
            if outcome.stand_in is not None:
                outbox_write_joined(match=locked, person_id=outcome.stand_in, now=now)
        elif outcome.left_alone is not None:
            outbox_write_left_alone(round=rnd, person_id=outcome.left_alone, now=now, match=locked)
        if not outcome.remaining:  # nobody regrouped: the cancel still needs a new SEQUENCE
            locked.sequence += 1
            locked.save(update_fields=["sequence", "updated_at"])
        # Their copy of the invitation is withdrawn (SEQUENCE as the others' update).
        outbox_write_withdrawn(
            match=locked, person_id=person.pk, withdrawal_id=withdrawal.pk, now=now
        )
    return outcome


def person_can_withdraw(*, match: Match, person: Person) -> bool:
    """Whether the "I can't make it" button applies: a published round, a member, and
    the meeting not yet begun."""
    if match.round.status != Round.Status.PUBLISHED:
        return False
    start = match.suggested_start
    return start is None or start > clock.now()


__all__ = [
    "WithdrawOutcome",
    "match_confirm",
    "match_free_slots",
    "match_propose",
    "match_withdraw",
    "person_can_withdraw",
]
