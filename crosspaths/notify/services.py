"""The outbox: writing messages, handing them to workers, delivering them once.

The life of a message::

    queued --(dispatch: lease, enqueue a task)--> queued, leased
           --(a worker claims it: conditional update)--> sending
           --> sent | skipped (recipient left) | queued again with backoff | failed

Exactly once: a worker may only send a row it moved from ``queued`` to ``sending``
itself (``UPDATE ... WHERE status='queued' ... RETURNING id``). It claims its batch
``MAIL_CLAIM_SIZE`` rows at a time and marks them sent in the commit that claims the
next ones, so a worker killed mid-batch leaves at most one sub-batch in doubt. Such
rows (``sending`` past their lease) are marked failed with the reason rather than
sent again: a second introduction is worse than an admin pressing "send again". Rows the
dead worker had not reached yet are still ``queued``; once their lease ends the next
sweep hands them to another worker. Nothing is lost: a task that never ran (broker
down, commit without enqueue) is covered by the same lease.

Channels: a row is one delivery on one channel (``Message.channel``), chosen when the
row is written (``selection.py``). Its content is built once (``content.py``) and
handed to the channel's transport (``channels/``); the transport only says how a
failure counts, so claims, back-off, "in doubt" and "send again" are the same for
every channel. On a chat channel an introduction (and a new time) goes to the group's
conversation, one row per group; reminders and check-ins go to each person.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q

from crosspaths import clock
from crosspaths.bulk import copy_rows
from crosspaths.dbstats import analyze_after_commit
from crosspaths.meetings.models import CheckIn
from crosspaths.people.models import Department, Location, Organization, Person
from crosspaths.people.services import people_mark_bounced
from crosspaths.programs.hooks import Hook
from crosspaths.programs.models import Enrollment, LeftOut, Match, MatchMember, Round
from crosspaths.programs.scheduling import BadSchedule, run_at

from .channels import PipelinedTransport, Transport, pipelined, transport_for
from .channels.email import NotTried, refused_for_good
from .content import (
    announcement_program,
    left_out_key,
    left_out_row,
    left_out_rows_load,
    message_content,
)
from .models import Message
from .selection import EMAIL, channels_for_people
from .unsubscribe import announcement_key

logger = logging.getLogger(__name__)
Status = Message.Status
Kind = Message.Kind


def _seconds(name: str) -> timedelta:
    return timedelta(seconds=getattr(settings, name))


# --- writing ------------------------------------------------------------------------


GROUP = "group"


def outbox_key(
    kind: str, match_id: int, recipient: int | str, *, channel: str = EMAIL, suffix: str = ""
) -> str:
    """The outbox's uniqueness: one delivery per kind, match, recipient (a person's id
    or ``group``) and channel; ``suffix`` tells apart revisions (a second new time).
    E-mail keys have no channel part: they are what every row had before channels."""
    key = f"{kind}:{match_id}:{recipient}{suffix}"
    return key if channel == EMAIL else f"{key}@{channel}"


def reminder_at(start: datetime, now: datetime) -> datetime | None:
    """When to remind of a meeting at ``start``: ``REMINDER_HOURS_BEFORE`` (a day)
    before it; when that is past or within the hour (published late, or moved to a
    time soon), ``REMINDER_LATE_HOURS_BEFORE`` (3) before it; None when that too is
    within the hour (the introduction or new time itself is the reminder)."""
    soonest = now + timedelta(hours=1)
    for hours in (settings.REMINDER_HOURS_BEFORE, settings.REMINDER_LATE_HOURS_BEFORE):
        remind = start - timedelta(hours=hours)
        if remind > soonest:
            return remind
    return None


def _later_specs(
    match: Match, person_id: int, now: datetime, round_moment: datetime, channel: str = EMAIL
) -> list[dict[str, object]]:
    """The reminder (a day before the slot, or a few hours before it when the round went
    out late; none when even that is within the hour) and the check-in (an hour after
    the slot; a week after the round when there is no slot), to the person on their
    channel, as the fields of their outbox rows. A moved slot (``sequence`` > 0) has its
    own reminder: the one for the old time may have gone out already."""
    base = {"organization_id": match.organization_id, "channel": channel}
    base |= {"person_id": person_id, "match_id": match.pk}
    out = []
    if match.suggested_start:
        remind = reminder_at(match.suggested_start, now)
        if remind is not None:
            suffix = f":s{match.sequence}" if match.sequence else ""
            key = outbox_key(Kind.REMINDER, match.pk, person_id, channel=channel, suffix=suffix)
            out.append(base | {"kind": Kind.REMINDER, "dedupe_key": key, "next_attempt_at": remind})
        checkin = (match.suggested_end or match.suggested_start) + timedelta(hours=1)
    else:
        checkin = max(now, round_moment) + timedelta(days=7)
    key = outbox_key(Kind.CHECKIN, match.pk, person_id, channel=channel)
    out.append(base | {"kind": Kind.CHECKIN, "dedupe_key": key, "next_attempt_at": checkin})
    return out


def _later_messages(
    match: Match, person_id: int, now: datetime, round_moment: datetime, channel: str = EMAIL
) -> list[Message]:
    """``_later_specs`` as unsaved rows."""
    return [Message(**spec) for spec in _later_specs(match, person_id, now, round_moment, channel)]


def _round_moment(rnd: Round) -> datetime:
    try:
        return run_at(rnd.program, rnd.date)
    except BadSchedule:
        return clock.now()


def _group_specs(
    kind: str, match: Match, members: Sequence[int], channels: dict[int, str], **fields: object
) -> list[dict[str, object]]:
    """The rows that tell a group something at once, as their fields: one per member on
    e-mail, one per chat channel for the members on it (that chat's group conversation)."""
    suffix = str(fields.pop("suffix", ""))
    base = {"organization_id": match.organization_id, "kind": kind, "match_id": match.pk}
    base |= fields
    rows: list[dict[str, object]] = []
    on_chat: dict[str, list[int]] = {}
    for pid in members:
        channel = channels.get(pid, EMAIL)
        if channel != EMAIL:
            on_chat.setdefault(channel, []).append(pid)
            continue
        key = outbox_key(kind, match.pk, pid, suffix=suffix)
        rows.append(base | {"channel": EMAIL, "person_id": pid, "dedupe_key": key})
    for channel, pids in on_chat.items():
        key = outbox_key(kind, match.pk, GROUP, channel=channel, suffix=suffix)
        rows.append(base | {"channel": channel, "group_members": pids, "dedupe_key": key})
    return rows


def _group_rows(
    kind: str, match: Match, members: Sequence[int], channels: dict[int, str], **fields: object
) -> list[Message]:
    """``_group_specs`` as unsaved rows."""
    return [Message(**spec) for spec in _group_specs(kind, match, members, channels, **fields)]


# The columns a fresh outbox row fills; the rest keep their defaults (see _copy_rows).
_COPY_COLUMNS = (
    "organization_id", "kind", "channel", "person_id", "group_members", "conversation",
    "match_id", "dedupe_key", "status", "attempts", "next_attempt_at", "lease_until",
    "last_error", "sent_at", "created_at",
)  # fmt: skip
_WRITE_CHUNK = 20_000


def _write_specs(specs: list[dict[str, object]]) -> None:
    """Insert fresh outbox rows given as their fields. On PostgreSQL with ``COPY``: a
    round of 100,000 people owes about 300,000 rows, and the ORM's bulk insert spent
    most of a publication compiling and adapting them (bench/pipeline.py); elsewhere
    with ``bulk_create``. Inside the caller's transaction either way."""
    if connection.vendor != "postgresql":
        Message.objects.bulk_create([Message(**spec) for spec in specs], batch_size=2000)
        return
    created = clock.now()
    copy_rows(
        Message,
        _COPY_COLUMNS,
        (
            (
                spec["organization_id"],
                spec["kind"],
                spec.get("channel", EMAIL),
                spec.get("person_id"),
                json.dumps(spec.get("group_members", [])),
                "",
                spec.get("match_id"),
                spec["dedupe_key"],
                Status.QUEUED,
                0,
                spec["next_attempt_at"],
                spec.get("lease_until"),
                "",
                None,
                created,
            )
            for spec in specs
        ),
    )


def outbox_write_round(*, round: Round, now: datetime) -> int:
    """One row per message a published round owes: an introduction now (to each
    member by e-mail, or to the group's conversation on a chat), a reminder before the
    slot and a check-in after it, each on the person's channel. Called inside the
    publishing transaction; delivery of the introductions is handed to workers when
    that transaction commits. Returns the number of rows written."""
    lease = now + _seconds("MAIL_DISPATCH_LEASE_SECONDS")
    moment = _round_moment(round)
    fields = ("id", "organization_id", "suggested_start", "suggested_end", "sequence")
    matches = {m.pk: m for m in Match.objects.filter(round=round).only(*fields)}
    members: dict[int, list[int]] = {}
    for match_id, person_id in MatchMember.objects.filter(round=round).values_list(
        "match_id", "person_id"
    ):
        members.setdefault(match_id, []).append(person_id)
    channels = channels_for_people(
        organization_id=round.organization_id,
        person_ids=[pid for pids in members.values() for pid in pids],
    )
    specs: list[dict[str, object]] = []
    written = 0
    for match_id, pids in members.items():
        match = matches[match_id]
        specs += _group_specs(
            Kind.INTRO, match, pids, channels, next_attempt_at=now, lease_until=lease
        )
        for pid in pids:
            specs += _later_specs(match, pid, now, moment, channels[pid])
        if len(specs) >= _WRITE_CHUNK:  # bounded memory at any size
            _write_specs(specs)
            written, specs = written + len(specs), []
    left_out = _left_out_specs(round, now, lease)
    _write_specs(specs + left_out)
    written += len(specs) + len(left_out)
    analyze_after_commit(Message, rows=written)
    intro_ids = list(
        Message.objects.filter(match__round=round, kind=Kind.INTRO)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(left_out), 2000):
        keys = [spec["dedupe_key"] for spec in left_out[start : start + 2000]]
        intro_ids += Message.objects.filter(dedupe_key__in=keys).values_list("pk", flat=True)
    transaction.on_commit(lambda: outbox_enqueue(intro_ids))
    return written


def outbox_write_announcements(
    *, program_id: int, organization_id: int, person_ids: Sequence[int], now: datetime
) -> int:
    """An announcement to each of ``person_ids``, newly enrolled in the program by HR
    (or automatically as a new hire): what it is, its next round, a one-click way out.
    On the person's channel (Slack, Teams) when they have one there, else by e-mail.
    One row per program and person ever, whatever the channel (the key has no channel
    suffix), so enrolling twice never announces twice. Call inside the enrolling
    transaction; delivery is handed to workers when it commits."""
    lease = now + _seconds("MAIL_DISPATCH_LEASE_SECONDS")
    channels = channels_for_people(organization_id=organization_id, person_ids=person_ids)
    rows = [
        Message(
            organization_id=organization_id,
            kind=Kind.ANNOUNCEMENT,
            channel=channels.get(pid, EMAIL),
            person_id=pid,
            dedupe_key=announcement_key(program_id, pid),
            next_attempt_at=now,
            lease_until=lease,
        )
        for pid in person_ids
    ]
    Message.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    keys = [r.dedupe_key for r in rows]
    ids: list[int] = []
    for start in range(0, len(keys), 2000):  # rows written earlier keep their own state
        ids += Message.objects.filter(
            dedupe_key__in=keys[start : start + 2000], status=Status.QUEUED, lease_until=lease
        ).values_list("pk", flat=True)
    transaction.on_commit(lambda: outbox_enqueue(ids))
    return len(ids)


def outbox_skip_for(*, match: Match, person_ids: Sequence[int], why: str) -> int:
    """The queued messages about ``match`` to people no longer in it (reminders,
    check-ins, new times) are not sent; the reason is kept in *last error*."""
    return Message.objects.filter(
        match=match, person_id__in=list(person_ids), status=Status.QUEUED
    ).update(status=Status.SKIPPED, last_error=f"{why}; not sent.", lease_until=None)


def _send_now(rows: list[Message]) -> int:
    Message.objects.bulk_create(rows)
    ids = [m.pk for m in rows if m.next_attempt_at <= clock.now()]
    transaction.on_commit(lambda: outbox_enqueue(ids))
    return len(rows)


def outbox_write_group_change(
    *, match: Match, person_ids: Sequence[int], withdrawal_id: int, now: datetime
) -> int:
    """Tell each of ``person_ids`` (on their channel) that someone in their group cannot
    make it, who is in the group now, with the updated invitation."""
    lease = now + _seconds("MAIL_DISPATCH_LEASE_SECONDS")
    channels = channels_for_people(organization_id=match.organization_id, person_ids=person_ids)
    rows = [
        Message(
            organization_id=match.organization_id,
            kind=Kind.GROUP_CHANGE,
            channel=channels.get(pid, EMAIL),
            person_id=pid,
            match=match,
            dedupe_key=outbox_key(
                Kind.GROUP_CHANGE,
                match.pk,
                pid,
                channel=channels.get(pid, EMAIL),
                suffix=f":w{withdrawal_id}",
            ),
            next_attempt_at=now,
            lease_until=lease,
        )
        for pid in person_ids
    ]
    return _send_now(rows)


def outbox_write_withdrawn(
    *, match: Match, person_id: int, withdrawal_id: int, now: datetime
) -> int:
    """The member who said they cannot make it: a short confirmation that cancels their
    copy of the calendar invitation (METHOD:CANCEL naming only them, same UID). By
    e-mail only, where the invitation went; a person on a chat channel got none."""
    channel = channels_for_people(
        organization_id=match.organization_id, person_ids=[person_id]
    ).get(person_id, EMAIL)
    if channel != EMAIL:
        return 0
    row = Message(
        organization_id=match.organization_id,
        kind=Kind.GROUP_CHANGE,
        channel=EMAIL,
        person_id=person_id,
        match=match,
        dedupe_key=outbox_key(Kind.GROUP_CHANGE, match.pk, person_id, suffix=f":w{withdrawal_id}"),
        next_attempt_at=now,
        lease_until=now + _seconds("MAIL_DISPATCH_LEASE_SECONDS"),
    )
    return _send_now([row])


def outbox_write_joined(*, match: Match, person_id: int, now: datetime) -> int:
    """A stand-in joined ``match``: their introduction now, reminder and check-in later."""
    lease = now + _seconds("MAIL_DISPATCH_LEASE_SECONDS")
    channel = channels_for_people(
        organization_id=match.organization_id, person_ids=[person_id]
    ).get(person_id, EMAIL)
    intro = Message(
        organization_id=match.organization_id,
        kind=Kind.INTRO,
        channel=channel,
        person_id=person_id,
        match=match,
        dedupe_key=outbox_key(Kind.INTRO, match.pk, person_id, channel=channel),
        next_attempt_at=now,
        lease_until=lease,
    )
    later = _later_messages(match, person_id, now, _round_moment(match.round), channel)
    return _send_now([intro, *later])


def outbox_write_left_alone(
    *, round: Round, person_id: int, now: datetime, match: Match | None = None
) -> int:
    """Someone whose partner dropped out and who found no stand-in: the left-out notice
    (why, and when their next round is). With ``match`` (the group they were in) the
    e-mail also cancels their copy of its invitation."""
    lease = now + _seconds("MAIL_DISPATCH_LEASE_SECONDS")
    channel = channels_for_people(
        organization_id=round.organization_id, person_ids=[person_id]
    ).get(person_id, EMAIL)
    row = Message(
        organization_id=round.organization_id,
        kind=Kind.LEFT_OUT,
        channel=channel,
        person_id=person_id,
        match=match,
        dedupe_key=left_out_key(round.pk, person_id, channel),
        next_attempt_at=now,
        lease_until=lease,
    )
    return _send_now([row])


def _left_out_specs(round: Round, now: datetime, lease: datetime) -> list[dict[str, object]]:
    """A notice to everyone the round left out (why, and when their next round is),
    on their channel, sent with the introductions; as the fields of their rows."""
    people = list(LeftOut.objects.filter(round=round).values_list("person_id", flat=True))
    channels = channels_for_people(organization_id=round.organization_id, person_ids=people)
    return [
        {
            "organization_id": round.organization_id,
            "kind": Kind.LEFT_OUT,
            "channel": channels.get(pid, EMAIL),
            "person_id": pid,
            "dedupe_key": left_out_key(round.pk, pid, channels.get(pid, EMAIL)),
            "next_attempt_at": now,
            "lease_until": lease,
        }
        for pid in people
    ]


def outbox_write_reschedule(*, match: Match, now: datetime) -> int:
    """After a group's slot moved: a "new time" message (with the updated invitation)
    to every member, and their reminder and check-in moved to follow the slot."""
    lease = now + _seconds("MAIL_DISPATCH_LEASE_SECONDS")
    members = list(MatchMember.objects.filter(match=match).values_list("person_id", flat=True))
    channels = _channels_of_match(match, members)
    rows = _group_rows(
        Kind.RESCHEDULE,
        match,
        members,
        channels,
        suffix=f":{match.sequence}",
        next_attempt_at=now,
        lease_until=lease,
    )
    Message.objects.bulk_create(rows, ignore_conflicts=True)
    # Reminders and check-ins still waiting move with the slot; sent ones stay sent.
    Message.objects.filter(
        match=match, kind__in=[Kind.REMINDER, Kind.CHECKIN], status=Status.QUEUED, attempts=0
    ).delete()
    moment = _round_moment(match.round)
    later = [m for pid in members for m in _later_messages(match, pid, now, moment, channels[pid])]
    Message.objects.bulk_create(later, ignore_conflicts=True)
    ids = list(
        Message.objects.filter(
            dedupe_key__in=[r.dedupe_key for r in rows], status=Status.QUEUED
        ).values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: outbox_enqueue(ids))
    return len(rows)


def add_working_days(moment: datetime, days: int, zone: str) -> datetime:
    """``days`` working days (Monday to Friday, in ``zone``) after ``moment``: Friday
    afternoon plus two is Tuesday afternoon."""
    local = moment.astimezone(ZoneInfo(zone))
    while days > 0:
        local = (local + timedelta(days=1)).replace(fold=0)
        if local.weekday() < 5:
            days -= 1
    # Built from the local wall time, so a daylight-saving change keeps the hour.
    return datetime.combine(local.date(), local.time(), tzinfo=ZoneInfo(zone))


def outbox_write_nudges(*, now: datetime | None = None) -> int:
    """A nudge to each group's organizer ``NUDGE_AFTER_WORKING_DAYS`` (2) working days
    after the round went out when nobody confirmed or moved the time yet, with a link to
    the match page where they can. Once per match and organizer (the outbox's
    ``dedupe_key``), so the scheduler may run this any number of times, on any number
    of machines. Not for a meeting that has begun or that starts within the hour: a
    nudge then comes too late. Returns the number of nudges written."""
    now = now or clock.now()
    days = settings.NUDGE_AFTER_WORKING_DAYS
    # Two working days are at most four calendar days (over a weekend): older rounds
    # are the only candidates; rounds closed meanwhile are over.
    rounds = Round.objects.filter(
        status=Round.Status.PUBLISHED, published_at__lte=now - timedelta(days=days)
    ).select_related("organization")
    due = [
        r.pk
        for r in rounds
        if r.published_at is not None  # always, for a published round
        and add_working_days(r.published_at, days, r.organization.timezone) <= now
    ]
    if not due:
        return 0
    nudged = Message.objects.filter(match=OuterRef("pk"), kind=Kind.NUDGE)
    candidates = list(
        Match.objects.filter(round_id__in=due, confirmed_at__isnull=True, organizer__isnull=False)
        .filter(Q(suggested_start__isnull=True) | Q(suggested_start__gt=now + timedelta(hours=1)))
        .filter(~Exists(nudged), members__person_id=F("organizer_id"))
        .values_list("pk", "organization_id", "organizer_id")
    )
    if not candidates:
        return 0
    channels = _organizer_channels(candidates)
    lease = now + _seconds("MAIL_DISPATCH_LEASE_SECONDS")
    rows = [
        Message(
            organization_id=org_id,
            kind=Kind.NUDGE,
            channel=channels.get(pid, EMAIL),
            person_id=pid,
            match_id=match_id,
            dedupe_key=outbox_key(Kind.NUDGE, match_id, pid, channel=channels.get(pid, EMAIL)),
            next_attempt_at=now,
            lease_until=lease,
        )
        for match_id, org_id, pid in candidates
    ]
    with transaction.atomic():
        Message.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
        ids = list(
            Message.objects.filter(
                dedupe_key__in=[r.dedupe_key for r in rows], status=Status.QUEUED
            ).values_list("pk", flat=True)
        )
        transaction.on_commit(lambda: outbox_enqueue(ids))
    return len(rows)


def _organizer_channels(candidates: Sequence[tuple[int, int, int]]) -> dict[int, str]:
    by_org: dict[int, list[int]] = {}
    for _match_id, org_id, pid in candidates:
        by_org.setdefault(org_id, []).append(pid)
    channels: dict[int, str] = {}
    for org_id, pids in by_org.items():
        channels.update(channels_for_people(organization_id=org_id, person_ids=pids))
    return channels


def _channels_of_match(match: Match, members: Sequence[int]) -> dict[int, str]:
    """The channels the group's introduction went out on, so that a new time reaches
    people where the introduction did; people without one get today's choice."""
    channels = channels_for_people(organization_id=match.organization_id, person_ids=members)
    for channel, pid, group in Message.objects.filter(match=match, kind=Kind.INTRO).values_list(
        "channel", "person_id", "group_members"
    ):
        for member in [pid] if pid else group:
            channels[member] = channel
    return channels


# --- handing work to workers --------------------------------------------------------


# The delivery task runs this module's ``messages_deliver``, so this module cannot import
# the task: ``tasks.deliveries_enqueue`` answers this hook (plugged in ``NotifyConfig.ready``).
# ``(*, ids) -> None``: one delivery task per batch of ids.
deliveries_enqueue = Hook("notify.deliveries_enqueue", "crosspaths.notify")


def outbox_enqueue(ids: Sequence[int]) -> None:
    """One delivery task per batch of ids (``tasks.deliveries_enqueue``). If enqueueing
    fails (the broker is down), the rows keep their lease and the next sweep after it
    ends tries again."""
    deliveries_enqueue(ids=ids)


def outbox_dispatch(*, now: datetime | None = None, limit: int = 10_000) -> int:
    """Hand every due, unleased queued message to a worker: lease it, then enqueue its
    batch when the lease is committed. ``skip_locked`` lets two schedulers sweep at
    once without handing out the same row twice."""
    now = now or clock.now()
    with transaction.atomic():
        ids = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(status=Status.QUEUED, next_attempt_at__lte=now)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Message.objects.filter(pk__in=ids).update(
                lease_until=now + _seconds("MAIL_DISPATCH_LEASE_SECONDS")
            )
            transaction.on_commit(lambda: outbox_enqueue(ids))
    return len(ids)


INTERRUPTED = (
    "The worker stopped while sending this message (lease ended {lease:%Y-%m-%d %H:%M} UTC); "
    "it may or may not have arrived, so it was not sent again. Use 'Send again' if needed."
)


def outbox_recover(*, now: datetime | None = None) -> int:
    """Messages left in ``sending`` by a worker that died: failed, with the reason."""
    now = now or clock.now()
    stale = list(
        Message.objects.filter(status=Status.SENDING, lease_until__lt=now).values_list(
            "pk", "lease_until"
        )
    )
    for pk, lease in stale:
        Message.objects.filter(pk=pk, status=Status.SENDING, lease_until=lease).update(
            status=Status.FAILED, lease_until=None, last_error=INTERRUPTED.format(lease=lease)
        )
    if stale:
        logger.warning("%s messages were interrupted mid-delivery and marked failed", len(stale))
    return len(stale)


def outbox_sweep(*, now: datetime | None = None) -> tuple[int, int]:
    """The scheduler's outbox step: recover interrupted rows, dispatch due ones."""
    now = now or clock.now()
    return outbox_recover(now=now), outbox_dispatch(now=now)


def message_requeue(*, messages: Iterable[Message]) -> int:
    """ "Send again" (the admin's action): failed or skipped messages go back to the queue
    with a fresh set of attempts."""
    ids = [m.pk for m in messages]
    return Message.objects.filter(pk__in=ids, status__in=[Status.FAILED, Status.SKIPPED]).update(
        status=Status.QUEUED,
        attempts=0,
        next_attempt_at=clock.now(),
        lease_until=None,
        last_error="",
    )


# --- delivering ------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    sent: int = 0
    skipped: int = 0
    retry: int = 0
    failed: int = 0
    not_mine: int = 0


def _backoff(attempts: int) -> timedelta:
    base = settings.MAIL_RETRY_SECONDS
    return timedelta(seconds=min(base * 2 ** max(0, attempts - 1), 6 * 3600))


# Kinds written by apps above this one (the outside-perspective ask and follow-up)
# register why a row of theirs is no longer to be sent: ``check(message) -> reason``,
# "" to send. Filled in the apps' ``ready()``.
SKIP_CHECKS: dict[str, Callable[[Message], str]] = {}


def _skip_reason(
    message: Message,
    left_program: set[tuple[int, int]],
    answered: set[tuple[int, int]] | None = None,
) -> str:
    person = message.person
    if person is None:
        return _group_skip_reason(message)
    if not person.active:
        when = f" on {person.deactivated_at:%Y-%m-%d}" if person.deactivated_at else ""
        return f"{person} left the company{when}, after the round was matched; not sent."
    if message.channel == EMAIL and person.email_bounced:
        when = f" on {person.bounced_at:%Y-%m-%d}" if person.bounced_at else ""
        return (
            f"Mail to {person.email} bounced{when} ({person.bounce_reason}); not sent "
            "until the address is changed."
        )
    if message.kind != Kind.INTRO and message.match is not None:
        program_id = message.match.round.program_id
        if (program_id, person.pk) in left_program:
            return f"{person} left the program after the round was published; not sent."
    if message.kind == Kind.CHECKIN and (message.match_id, person.pk) in (answered or set()):
        return (
            f"{person} already answered (a chat button or a link) before the check-in "
            "went out; not sent."
        )
    if message.kind == Kind.NUDGE and message.match and message.match.confirmed_at:
        return "The organizer confirmed the time before the nudge went out; not sent."
    if message.kind == Kind.ANNOUNCEMENT:
        return _announcement_skip_reason(message, person)
    if message.kind == Kind.LEFT_OUT and left_out_row(message) is None:
        return f"{person} was placed in a group after all; the left-out notice is not sent."
    check = SKIP_CHECKS.get(message.kind)
    return check(message) if check is not None else ""


def _announcement_skip_reason(message: Message, person: Person) -> str:
    """An announcement goes out while the person is still in the program it announces."""
    program = announcement_program(message)
    if program is None:
        return "The program was deleted before the announcement went out; not sent."
    current = Enrollment.objects.filter(
        program=program, person=person, left_at__isnull=True
    ).exists()
    if not current:
        return f"{person} is no longer in {program.name}; the announcement is not sent."
    return ""


def _group_skip_reason(message: Message) -> str:
    """A group message goes out while anyone it is for is still with the company."""
    assert message.match is not None
    audience = set(message.group_members)
    if any(m.person.active for m in message.match.members.all() if m.person_id in audience):
        return ""
    return "Everyone this group message is for left the company; not sent."


def _load(ids: Sequence[int]) -> list[Message]:
    """The batch's rows that are still queued, with everything their content reads:
    one query for the rows, one for their matches, one for the matches' members
    with their people, and one each for the rows all of them share (organizations,
    rounds with their programs, locations, departments); one for readers who are
    not members of their row's match and one for the left-out entries of left-out
    notices (neither for a batch of introductions). Rendering then reads no more
    rows, except a group-change notice's withdrawal and a chat transport's account
    lookups.

    Every object is built once per batch and shared: a reader is the very Person
    object of their match's members, and a round's rows name one Organization, one
    Round, one Program and a few Locations. Joining them onto each row instead
    built twenty model instances an introduction, the largest part of reading the
    batch."""
    batch = list(Message.objects.filter(pk__in=ids, status=Status.QUEUED).order_by("pk"))
    organizations = Organization.objects.in_bulk({m.organization_id for m in batch})
    for message in batch:
        _cache(message, "organization", organizations[message.organization_id])
    matches = _matches_of(batch, organizations)
    for message in batch:
        match = matches.get(message.match_id) if message.match_id else None
        if match is None:
            continue
        # One Match object per match: what is built from it once (its invitation)
        # serves every member in the batch.
        message.match = match
        for member in match.members.all():
            if member.person_id == message.person_id:
                message.person = member.person
    _people_load([m for m in batch if m.person_id and not Message.person.is_cached(m)])
    left_out_rows_load(batch)
    return batch


def _cache(obj: Any, name: str, value: Any) -> None:
    """Set a loaded foreign-key object as ``select_related`` would (no checks)."""
    type(obj)._meta.get_field(name).set_cached_value(obj, value)


def _share(matches: Sequence[Match], organizations: dict[int, Organization]) -> None:
    """Give the matches and their members' people their round, program, organizer,
    organization, location and department from one read each (``organizations``:
    those read already, added to)."""
    people = [member.person for match in matches for member in match.members.all()]
    missing = {p.organization_id for p in people} - organizations.keys()
    if missing:
        organizations.update(Organization.objects.in_bulk(missing))
    rounds = Round.objects.select_related("program").in_bulk({m.round_id for m in matches})
    locations = Location.objects.in_bulk(
        {p.location_id for p in people if p.location_id}
        | {m.location_id for m in matches if m.location_id}
    )
    departments = Department.objects.in_bulk({p.department_id for p in people if p.department_id})
    for person in people:
        _cache(person, "organization", organizations[person.organization_id])
        _cache(person, "location", locations.get(person.location_id))  # None: none
        _cache(person, "department", departments.get(person.department_id))  # None: none
    outsiders = {
        m.organizer_id
        for m in matches
        if m.organizer_id and all(x.person_id != m.organizer_id for x in m.members.all())
    }
    organizers = (
        Person.objects.select_related("organization", "location").in_bulk(outsiders)
        if outsiders
        else {}
    )
    for match in matches:
        _cache(match, "round", rounds[match.round_id])
        _cache(match, "location", locations.get(match.location_id))  # None: none
        if match.organizer_id:
            organizer = organizers.get(match.organizer_id) or next(
                x.person for x in match.members.all() if x.person_id == match.organizer_id
            )
            _cache(match, "organizer", organizer)
        else:
            _cache(match, "organizer", None)


def _matches_of(
    batch: Sequence[Message], organizations: dict[int, Organization]
) -> dict[int, Match]:
    """The batch's matches by id, each read once with its members (from the
    prefetch cache, as ``content.members_of`` and the calendar read them)."""
    ids = {m.match_id for m in batch if m.match_id}
    if not ids:
        return {}
    members = MatchMember.objects.select_related("person")
    found = list(
        Match.objects.filter(pk__in=ids).prefetch_related(Prefetch("members", queryset=members))
    )
    _share(found, organizations)
    return {match.pk: match for match in found}


def _people_load(messages: Sequence[Message]) -> None:
    """The readers of rows without a match (or not in it), in one query."""
    if not messages:
        return
    people = Person.objects.select_related("organization", "location").in_bulk(
        {m.person_id for m in messages}
    )
    for message in messages:
        if message.person_id in people:
            message.person = people[message.person_id]


def _left_program(batch: Sequence[Message]) -> set[tuple[int, int]]:
    """(program, person) pairs of the batch's later messages whose reader left the
    program; no query for a batch of introductions, which go out regardless."""
    pairs = {
        (m.match.round.program_id, m.person_id)
        for m in batch
        if m.person_id and m.kind != Kind.INTRO and m.match is not None
    }
    if not pairs:
        return set()
    return set(
        Enrollment.objects.filter(
            program_id__in={p for p, _ in pairs},
            person_id__in={pid for _, pid in pairs},
            left_at__isnull=False,
        ).values_list("program_id", "person_id")
    )


def _answered(batch: Sequence[Message]) -> set[tuple[int, int]]:
    """(match, person) pairs of the batch's check-ins whose reader has answered already,
    e.g. with the introduction's "We met" button on Slack or Teams: asking them again
    would be noise. One query, none for a batch without check-ins."""
    pairs = {
        (m.match_id, m.person_id)
        for m in batch
        if m.kind == Kind.CHECKIN and m.match_id and m.person_id
    }
    if not pairs:
        return set()

    found = CheckIn.objects.filter(
        member__match_id__in={match for match, _ in pairs},
        member__person_id__in={pid for _, pid in pairs},
    ).values_list("member__match_id", "member__person_id")
    return set(found) & pairs


def _claim(ids: Sequence[int], now: datetime) -> set[int]:
    """Move the rows of ``ids`` that are still queued and due to ``sending`` in one
    statement and return the ids this worker now owns. The status condition is the
    guard (a row another worker claimed is no longer queued); on PostgreSQL ``FOR
    UPDATE SKIP LOCKED`` also passes over rows another worker is claiming this very
    moment instead of waiting for its commit. SQLite writes one transaction at a time
    and needs no more. Call inside a transaction."""
    if not ids:
        return set()
    rows = Message.objects.filter(
        pk__in=list(ids), status=Status.QUEUED, next_attempt_at__lte=now
    ).order_by("pk")
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True)
    inner, params = rows.values("pk").query.sql_with_params()
    q = connection.ops.quote_name
    lease = connection.ops.adapt_datetimefield_value(now + _seconds("MAIL_SEND_LEASE_SECONDS"))
    # The send lease never ends before the dispatch lease the row already has: that one
    # was set by the scheduler's clock (or the publisher's), which is also the clock
    # ``outbox_recover`` reads. A worker whose clock is minutes behind would otherwise
    # write a lease that has already ended, and the sweep would mark the messages it is
    # sending "in doubt" (fault tests, docs/operations.md).
    sql = (
        f"UPDATE {q(Message._meta.db_table)} SET {q('status')} = %s, "
        f"{q('attempts')} = {q('attempts')} + 1, {q('lease_until')} = CASE WHEN "
        f"{q('lease_until')} > %s THEN {q('lease_until')} ELSE %s END "
        f"WHERE {q('id')} IN ({inner}) RETURNING {q('id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [Status.SENDING.value, lease, lease, *params])
        return {pk for (pk,) in cursor.fetchall()}


def _mark_sent(ids: Sequence[int]) -> None:
    """Sent, in one statement for a whole sub-batch."""
    if ids:
        Message.objects.filter(pk__in=list(ids), status=Status.SENDING).update(
            status=Status.SENT, lease_until=None, last_error="", sent_at=clock.now()
        )


def _unclaim(ids: Sequence[int], due: datetime | None = None) -> None:
    """Give back claimed rows this worker did not try to send: queued again, the
    attempt not counted, due at once (or at ``due``)."""
    if ids:
        changes: dict[str, object] = {"next_attempt_at": due} if due else {}
        Message.objects.filter(pk__in=list(ids), status=Status.SENDING).update(
            status=Status.QUEUED, attempts=F("attempts") - 1, lease_until=None, **changes
        )


class _Transports:
    """The batch's transports, one per channel, opened when first needed."""

    def __init__(self) -> None:
        self.open: dict[str, Transport] = {}

    def get(self, channel: str) -> Transport:
        if channel not in self.open:
            self.open[channel] = transport_for(channel)
        return self.open[channel]

    def close(self) -> None:
        for transport in self.open.values():
            transport.close()


class _Delivery:
    """One batch on its way out: claimed a sub-batch at a time, sent over the
    batch's transports, marked sent a sub-batch at a time."""

    def __init__(self, batch: list[Message]) -> None:
        self.batch = batch
        self.report = DeliveryReport()
        self.left_program = _left_program(batch)
        self.answered = _answered(batch)
        self.transports = _Transports()
        self.down: set[str] = set()  # channels found unreachable in this batch
        self.sent: list[int] = []  # sent, not yet marked sent
        self.untried: set[int] = set()  # claimed, not yet tried

    def run(self) -> None:
        size = max(1, settings.MAIL_CLAIM_SIZE)
        for start in range(0, len(self.batch), size):
            # Every message of the previous sub-batch has its answer before it is marked
            # sent in the commit that claims this one: at most one sub-batch in doubt.
            self.settle()
            chunk = [m for m in self.batch[start : start + size] if m.channel not in self.down]
            with transaction.atomic():
                _mark_sent(self.sent)
                mine = _claim([m.pk for m in chunk], clock.now())
            self.sent = []
            self.untried = set(mine)
            self.report.not_mine += len(chunk) - len(mine)
            for message in chunk:
                if message.pk in self.untried:
                    self.untried.discard(message.pk)
                    message.attempts += 1
                    self.one(message)

    def one(self, message: Message) -> None:
        """Skip with the reason, send, or put back for later."""
        if message.channel in self.down:  # went down earlier in this sub-batch
            return
        reason = _skip_reason(message, self.left_program, self.answered)
        if reason:
            _finish(message, Status.SKIPPED, error=reason)
            self.report.skipped += 1
            return
        transport: Transport | None = None
        try:
            transport = self.transports.get(message.channel)
            transport.send(message, message_content(message))
        except Exception as error:
            self.failed(message, error, transport)
            return
        if pipelined(transport):
            self.take_answers(transport, transport.outcomes())
        else:
            self.sent.append(message.pk)
            self.report.sent += 1

    def failed(self, message: Message, error: Exception, transport: Transport | None) -> None:
        _retry(message, error, self.report, transport)
        if transport is not None:
            transport.reset()  # reopened for the next message, if any
            if transport.unreachable(error):
                self.channel_down(message, transport.retry_after(error))

    def take_answers(
        self, transport: PipelinedTransport, outcomes: list[tuple[Message, Exception | None]]
    ) -> None:
        """The answers a pipelined transport has had since it was last asked. When the
        server could not be reached, the sender gives back what it had not sent: all
        of that is waited for and put with the untried rows first, so that
        ``channel_down`` gives them back with the rest of the batch."""
        if any(e is not None and transport.unreachable(e) for _m, e in outcomes):
            outcomes = outcomes + transport.outcomes(wait=True)
        for message, error in outcomes:
            if error is None:
                self.sent.append(message.pk)
                self.report.sent += 1
            elif isinstance(error, NotTried):
                message.attempts -= 1
                self.untried.add(message.pk)
        for message, error in outcomes:
            if error is not None and not isinstance(error, NotTried):
                self.failed(message, error, transport)

    def settle(self) -> None:
        """Wait for the answers of every message handed to a pipelined transport."""
        for transport in list(self.transports.open.values()):
            if pipelined(transport):
                self.take_answers(transport, transport.outcomes(wait=True))

    def channel_down(self, message: Message, asked: timedelta | None) -> None:
        """The channel cannot be reached: the rest of the batch on it waits for a later
        sweep, claimed rows unclaimed, the others released (``_release``)."""
        self.down.add(message.channel)
        at = self.batch.index(message)
        rest = [m.pk for m in self.batch[at + 1 :] if m.channel == message.channel]
        now = clock.now()
        claimed = [pk for pk in rest if pk in self.untried]
        _unclaim(claimed, now + max(_backoff(1), asked or timedelta(0)))
        self.untried.difference_update(claimed)
        _release([pk for pk in rest if pk not in claimed], now, asked)

    def end(self) -> None:
        """Whatever happened: what went out is marked sent, what was not tried is
        given back, the connections are closed."""
        try:
            self.settle()
            _mark_sent(self.sent)
            self.sent = []
            _unclaim(sorted(self.untried))
            self.untried = set()
        finally:
            self.transports.close()


def messages_deliver(*, message_ids: Sequence[int]) -> DeliveryReport:
    """Deliver the given messages that are still queued and due, each exactly once.

    The batch is read in a few queries (``_load``), then claimed ``MAIL_CLAIM_SIZE``
    rows at a time (queued -> sending, one conditional update); each row's content is
    built in the reader's language and handed to its channel's transport (one
    connection per channel for the batch); the rows that went out are marked sent in
    the commit that claims the next sub-batch (or at the end). So a worker that dies
    leaves at most one sub-batch in ``sending``, which ``outbox_recover`` fails with
    the reason rather than sending anything twice. A recipient who left is skipped
    with the reason; a failure puts the message back in the queue with exponential
    backoff (or the wait the platform asked for; final after ``MAIL_MAX_ATTEMPTS`` or
    when the transport calls it permanent). When a channel cannot be reached, the rest
    of the batch on that channel is given back for a later sweep instead of failing
    one by one."""
    batch = _load(message_ids)
    if not batch:
        return DeliveryReport()
    delivery = _Delivery(batch)
    try:
        delivery.run()
    finally:
        delivery.end()
    return delivery.report


def _finish(message: Message, status: str, *, error: str = "") -> None:
    Message.objects.filter(pk=message.pk, status=Status.SENDING).update(
        status=status,
        lease_until=None,
        last_error=error,
        sent_at=clock.now() if status == Status.SENT else None,
    )


def _retry(
    message: Message, error: Exception, report: DeliveryReport, transport: Transport | None
) -> None:
    """Back in the queue with back-off, or failed for good. A rate limit (the platform
    asked us to wait) is not the message's failure: it waits as long as asked and the
    attempt is not counted, so a storm of 429s can delay a message but never fail it."""
    text = f"{type(error).__name__}: {error}"[:2000]
    asked = transport.retry_after(error) if transport is not None else None
    if asked is not None:
        Message.objects.filter(pk=message.pk, status=Status.SENDING).update(
            status=Status.QUEUED,
            attempts=F("attempts") - 1,
            lease_until=None,
            next_attempt_at=clock.now() + asked,
            last_error=f"rate limited, waiting {asked.total_seconds():.0f} s: {text}",
        )
        report.retry += 1
        return
    permanent = transport is not None and transport.permanent(error)
    if permanent and message.channel == EMAIL and message.person is not None:
        _note_bounce(message.person, error)
    if permanent or message.attempts >= settings.MAIL_MAX_ATTEMPTS:
        _finish(message, Status.FAILED, error=f"attempt {message.attempts}: {text}")
        report.failed += 1
        logger.warning("message %s failed for good: %s", message.pk, text)
        return
    Message.objects.filter(pk=message.pk, status=Status.SENDING).update(
        status=Status.QUEUED,
        lease_until=None,
        next_attempt_at=clock.now() + _backoff(message.attempts),
        last_error=f"attempt {message.attempts}: {text}",
    )
    report.retry += 1
    logger.info("message %s will be retried: %s", message.pk, text)


def _note_bounce(person: Person, error: Exception) -> None:
    """A final refusal of the person's own address marks it: the outbox skips e-mail to
    it from now on (``_skip_reason``) until the address changes."""
    refused = {address.lower(): words for address, words in refused_for_good(error).items()}
    words = refused.get(person.email.lower())
    if words is not None:
        people_mark_bounced(
            email=person.email, reason=words, organization_id=person.organization_id
        )


def _release(ids: Sequence[int], now: datetime, asked: timedelta | None = None) -> None:
    """Give back messages this batch did not get to: no attempt counted, due again
    after a short pause (or the wait the platform asked for), picked up by a later
    sweep."""
    if ids:
        Message.objects.filter(pk__in=ids, status=Status.QUEUED).update(
            lease_until=None, next_attempt_at=now + max(_backoff(1), asked or timedelta(0))
        )


def outbox_write_test(*, person: Person, channel: str) -> int:
    """A test message to ``person`` on ``channel`` ("send a test message to yourself"
    in the console), due now. Each request is its own message (the key has the moment
    and a random part), delivered by the outbox with its usual guarantees."""
    now = clock.now()
    row = Message(
        organization_id=person.organization_id,
        kind=Kind.TEST,
        channel=channel,
        person=person,
        dedupe_key=f"{Kind.TEST.value}:{person.pk}:{now:%Y%m%dT%H%M%S}:{secrets.token_hex(4)}"
        + ("" if channel == EMAIL else f"@{channel}"),
        next_attempt_at=now,
    )
    with transaction.atomic():
        _send_now([row])
    return row.pk


def outbox_test_latest(*, person: Person, channel: str) -> Message | None:
    """The person's newest test message on ``channel``: the console shows whether it
    went out, is waiting (and why) or failed (and why)."""
    return (
        Message.objects.filter(
            organization_id=person.organization_id,
            person=person,
            kind=Kind.TEST,
            channel=channel,
        )
        .order_by("-created_at", "-pk")
        .first()
    )
