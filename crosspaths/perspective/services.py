"""Writes of the outside-perspective flow: opt in, request, ask, answer, session,
"did it help?".

The flow, for one request::

    request_create --> asks to the best ``people_wanted`` candidates (one e-mail each)
      accept  --> enough accepted? --> session_setup (a Match of the on-demand program)
      decline / expiry (asks_expire_due, every scheduler pass) --> ask the next one
      nobody left to ask --> a session with those who accepted, or "unfilled"
    session_setup --> introductions, invitation, reminder and check-in as in any round,
                      plus "did it help?" to the requester after the session

Only as many colleagues are asked at a time as are still wanted: nobody gets an ask
for a seat that is already filled. Every answer locks its request's row, so two
clicks (or two colleagues at the same moment) are counted once each and the session
is set up exactly once. Every background step is safe to run twice.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from crosspaths import clock
from crosspaths.matching import hard_rule_problems
from crosspaths.notify.models import Message
from crosspaths.notify.selection import channels_for_people
from crosspaths.notify.services import outbox_enqueue, outbox_write_joined
from crosspaths.people.models import BlockedPair, Organization, Person
from crosspaths.programs.engine_input import (
    engine_people,
    organization_blocked,
    organization_history,
    people_whereabouts,
    program_rules,
)
from crosspaths.programs.models import Match, MatchMember, Program, Round
from crosspaths.programs.planner import PlanGroup, plan_slots
from crosspaths.programs.services import free_of, match_event_data, video_link
from crosspaths.programs.slots import search_start
from crosspaths.webhooks import events as webhook_events

from .models import MAX_PEOPLE, Ask, Giver, PerspectiveRequest, PerspectiveSettings

logger = logging.getLogger(__name__)

CAP_WINDOW = timedelta(days=30)  # "a month" of the monthly cap
LEAST_ASKED_WINDOW = timedelta(days=180)  # who was asked least, over this long
MAX_TAGS = 8
MAX_DAYS_AHEAD = 60
# A session is looked for up to this long after the request's "by when" when the
# members have no common time before it.
SEARCH_PAST_DEADLINE = timedelta(days=7)
FOLLOW_UP_AFTER = timedelta(hours=2)
Kind = Message.Kind


# --- settings and the on-demand program ---------------------------------------------------


def perspective_settings(organization: Organization) -> PerspectiveSettings:
    found, _created = PerspectiveSettings.objects.get_or_create(organization=organization)
    return found


def perspective_program(organization: Organization) -> Program:
    """The organization's on-demand program of format outside perspective, made when
    first needed. It is inactive: nobody joins it and the scheduler never drafts a
    round of it (``rounds_run_due`` also leaves the format out); sessions are rounds
    of it that this module writes, published at once."""
    with transaction.atomic():
        perspective_settings(organization)
        row = PerspectiveSettings.objects.select_for_update().get(organization=organization)
        if row.program_id is not None:
            program = Program.objects.filter(pk=row.program_id).first()
            if program is not None:
                return program
        with translation.override(organization.language):  # not the clicker's language
            name = _("Outside perspective")
            description = _(
                "Colleagues from other fields give early feedback on a topic, on request."
            )
        program = Program.objects.create(
            organization=organization,
            name=name,
            description=description,
            format=Program.Format.OUTSIDE_PERSPECTIVE,
            cadence=Program.Cadence.ONCE,
            group_size=MAX_PEOPLE + 1,
            cooldown_weeks=0,
            active=False,
        )
        row.program = program
        row.save(update_fields=["program"])
        return program


def settings_save(
    *, organization: Organization, default_monthly_cap: int, answer_hours: int
) -> None:
    row = perspective_settings(organization)
    row.default_monthly_cap, row.answer_hours = default_monthly_cap, answer_hours
    row.full_clean()
    row.save(update_fields=["default_monthly_cap", "answer_hours"])


def giver_save(*, person: Person, active: bool, monthly_cap: int | None = None) -> Giver:
    """Opt in or out of giving outside perspectives (and the monthly cap)."""
    cap = monthly_cap or perspective_settings(person.organization).default_monthly_cap
    giver, _created = Giver.objects.update_or_create(
        person=person,
        defaults={"organization": person.organization, "active": active, "monthly_cap": cap},
    )
    return giver


# --- who is asked ------------------------------------------------------------------------


def clean_tags(tags: Any) -> list[str]:
    """Lower-case, stripped, unique tags in their order, at most ``MAX_TAGS``."""
    if isinstance(tags, str):
        tags = tags.split(",")
    out: list[str] = []
    for tag in tags or []:
        t = str(tag).strip().lower()
        if t and t not in out:
            out.append(t[:60])
    return out[:MAX_TAGS]


def _interests(person: Person) -> set[str]:
    return {str(x).strip().lower() for x in person.interests or [] if str(x).strip()}


def _recent_asks(person_ids: list[int], since: datetime, *, committed: bool) -> Counter[int]:
    """Asks each person got since ``since``; ``committed``: only those that hold a
    place of their cap (waiting, accepted or left unanswered; a "no" frees it)."""
    rows = Ask.objects.filter(person_id__in=person_ids, asked_at__gte=since)
    if committed:
        rows = rows.exclude(status__in=[Ask.Status.DECLINED, Ask.Status.WITHDRAWN])
    return Counter(rows.values_list("person_id", flat=True))


def _tie(request_id: int, person_id: int) -> str:
    """A stable, fair order among equals: not the lowest id every time."""
    return hashlib.sha256(f"{request_id}:{person_id}".encode()).hexdigest()


@dataclass(frozen=True)
class Candidate:
    person: Person
    fitting: tuple[str, ...]  # the requested tags among their interests
    asked_before: int


def candidates_for(
    *, request: PerspectiveRequest, now: datetime, limit: int | None = None
) -> list[Candidate]:
    """Who may be asked next for ``request``, best first.

    Eligible: still with the company, opted in to give outside perspectives, their
    monthly cap not reached, from another department (and location, when asked), an
    interest that fits a requested tag (any, when no tag was given), not yet asked
    for this request, never the requester's manager or report, nobody either of them
    blocked, and a group with the requester and everyone asked so far that breaks no
    hard rule of the engine (``hard_rule_problems``: a shared language, enough
    working-hours overlap, ...). Ordered by fewest asks in the last six months, then
    the most fitting tags, then a stable shuffle."""
    requester = request.requester
    org_id = request.organization_id
    people = (
        Person.objects.filter(organization_id=org_id, active=True, giver__active=True)
        .exclude(pk=requester.pk)
        .exclude(perspective_asks__request=request)
        .exclude(reports=requester)  # the requester's manager
        .exclude(manager=requester)  # the requester's reports
        .exclude(pk__in=BlockedPair.objects.filter(person=requester).values("other_id"))
        .exclude(pk__in=BlockedPair.objects.filter(other=requester).values("person_id"))
        .exclude(department__isnull=True)
        .select_related("giver")
        .only("pk", "name", "email", "interests", "giver__monthly_cap")
    )
    if requester.department_id:
        people = people.exclude(department_id=requester.department_id)
    if request.other_location and requester.location_id:
        people = people.exclude(Q(location_id=requester.location_id) | Q(location__isnull=True))
    tags = set(request.tags or [])
    found = list(people)
    ids = [p.pk for p in found]
    committed = _recent_asks(ids, now - CAP_WINDOW, committed=True)
    before = _recent_asks(ids, now - LEAST_ASKED_WINDOW, committed=False)
    ranked: list[Candidate] = []
    for p in found:
        if committed[p.pk] >= p.giver.monthly_cap:
            continue
        fitting = tuple(sorted(tags & _interests(p))) if tags else ()
        if tags and not fitting:
            continue
        ranked.append(Candidate(p, fitting, before[p.pk]))
    ranked.sort(key=lambda c: (c.asked_before, -len(c.fitting), _tie(request.pk, c.person.pk)))
    return _keeping_the_rules(request, ranked, now, limit)


def _keeping_the_rules(
    request: PerspectiveRequest, ranked: list[Candidate], now: datetime, limit: int | None
) -> list[Candidate]:
    """The ranked candidates (at most ``limit``) who, added one by one to the requester
    and everyone asked or accepted so far, leave a group without hard-rule problems.
    Every later group is part of such a group, and the rules hold for parts, so any
    set of accepters makes a valid session."""
    program = perspective_program(request.organization)
    rules = program_rules(program)
    taken = list(
        request.asks.filter(status__in=[Ask.Status.ASKED, Ask.Status.ACCEPTED]).values_list(
            "person_id", flat=True
        )
    )
    chosen: list[Candidate] = []
    pool = ranked if limit is None else ranked[: max(limit * 10, 50)]
    ids = [request.requester_id, *taken, *(c.person.pk for c in pool)]
    engine = engine_people(request.organization_id, ids)
    on = clock.today()
    history = organization_history(
        request.organization_id, on=on, cooldown_weeks=rules.cooldown_weeks, person_ids=ids
    )
    blocked = organization_blocked(request.organization_id, person_ids=ids)
    group = [engine[request.requester_id], *(engine[i] for i in taken)]
    # Two passes: first one colleague per department not in the group yet (a session
    # bridges more departments), then anyone, in the ranking's order.
    departments = {p.department for p in group}
    for spread in (True, False):
        for c in pool:
            if limit is not None and len(chosen) >= limit:
                return chosen
            person = engine[c.person.pk]
            if c in chosen or (spread and person.department in departments):
                continue
            trial = [*group, person]
            if not hard_rule_problems(trial, history=history, blocked=blocked, rules=rules, on=on):
                group = trial
                chosen.append(c)
                departments.add(person.department)
    return chosen


# --- requests and asks --------------------------------------------------------------------


def request_create(
    *,
    requester: Person,
    topic: str,
    details: str = "",
    tags: Any = (),
    other_location: bool = False,
    people_wanted: int = 2,
    needed_by: date,
) -> PerspectiveRequest:
    """Store a request and ask the first colleagues, in one transaction. Refused (and
    nothing stored) when the wishes are out of range or nobody fits them right now."""
    today = clock.today()
    errors: dict[str, str] = {}
    if not topic.strip():
        errors["topic"] = _("Say in a few words what you would like feedback on.")
    if not 1 <= int(people_wanted) <= MAX_PEOPLE:
        errors["people_wanted"] = _("Ask for 1 to %(max)s people.") % {"max": MAX_PEOPLE}
    if needed_by <= today or needed_by > today + timedelta(days=MAX_DAYS_AHEAD):
        errors["needed_by"] = _("Choose a day between tomorrow and %(last)s.") % {
            "last": (today + timedelta(days=MAX_DAYS_AHEAD)).isoformat()
        }
    if errors:
        raise ValidationError(errors)
    now = clock.now()
    with transaction.atomic():
        request = PerspectiveRequest.objects.create(
            organization=requester.organization,
            requester=requester,
            topic=topic.strip()[:200],
            details=details.strip()[:1000],
            tags=clean_tags(tags),
            other_location=other_location,
            people_wanted=int(people_wanted),
            needed_by=needed_by,
        )
        if not _ask_more(request, now):
            raise ValidationError(
                _(
                    "Right now no colleague who gives outside perspectives fits these wishes "
                    "(another department%(location)s, interests that fit, a shared language "
                    "and working hours). Try fewer or broader interests%(hint)s."
                )
                % {
                    "location": _(", another location") if other_location else "",
                    "hint": _(", or allow your own location") if other_location else "",
                },
                code="nobody_fits",
            )
    return request


def _expiry(request: PerspectiveRequest, now: datetime) -> datetime:
    """An ask is open ``answer_hours``, but never past the start of the "by when" day
    (so there is time left to meet), and at least four hours."""
    hours = perspective_settings(request.organization).answer_hours
    zone = ZoneInfo(request.organization.timezone)
    deadline = datetime.combine(request.needed_by, time(0), tzinfo=zone)
    return max(min(now + timedelta(hours=hours), deadline), now + timedelta(hours=4))


def _ask_more(request: PerspectiveRequest, now: datetime) -> int:
    """Ask as many new colleagues as places are still open (wanted minus accepted minus
    waiting). When nobody is waiting and nobody is left to ask, the request ends: a
    session with those who accepted, or "unfilled". Call with the request locked (or
    just created). Returns how many were asked."""
    counts = Counter(request.asks.values_list("status", flat=True))
    accepted, waiting = counts[Ask.Status.ACCEPTED], counts[Ask.Status.ASKED]
    need = request.people_wanted - accepted - waiting
    # From the "by when" day on nobody new is asked: there is no time left to meet.
    local_today = now.astimezone(ZoneInfo(request.organization.timezone)).date()
    if local_today >= request.needed_by:
        need = 0
    chosen = candidates_for(request=request, now=now, limit=need) if need > 0 else []
    expires = _expiry(request, now)
    asks = [
        Ask(
            organization_id=request.organization_id,
            request=request,
            person=c.person,
            asked_at=now,
            expires_at=expires,
        )
        for c in chosen
    ]
    Ask.objects.bulk_create(asks)
    # Each person on their channel: Slack and Teams show the ask with buttons.
    channels = channels_for_people(
        organization_id=request.organization_id, person_ids=[a.person_id for a in asks]
    )
    rows = [
        Message(
            organization_id=request.organization_id,
            kind=Kind.ASK,
            channel=channels[a.person_id],
            person_id=a.person_id,
            dedupe_key=ask_key(a.pk),
            next_attempt_at=now,
            lease_until=now + timedelta(seconds=settings.MAIL_DISPATCH_LEASE_SECONDS),
        )
        for a in Ask.objects.filter(request=request, asked_at=now, status=Ask.Status.ASKED)
    ]
    Message.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        Message.objects.filter(dedupe_key__in=[r.dedupe_key for r in rows]).values_list(
            "pk", flat=True
        )
    )
    transaction.on_commit(lambda: outbox_enqueue(ids))
    if not asks and waiting == 0 and request.status == PerspectiveRequest.Status.OPEN:
        if accepted:
            session_setup(request=request, now=now)
        elif request.pk and request.asks.exists():
            PerspectiveRequest.objects.filter(pk=request.pk).update(
                status=PerspectiveRequest.Status.UNFILLED
            )
            request.status = PerspectiveRequest.Status.UNFILLED
            _tell_unfilled(request, now)
    return len(asks)


def _tell_unfilled(request: PerspectiveRequest, now: datetime) -> None:
    """The requester hears that nobody could take it (one e-mail per request)."""
    Message.objects.bulk_create(
        [
            Message(
                organization_id=request.organization_id,
                kind=Kind.FOLLOW_UP,
                channel=_channel_of(request),
                person_id=request.requester_id,
                dedupe_key=f"{Kind.FOLLOW_UP.value}:unfilled{request.pk}",
                next_attempt_at=now,
            )
        ],
        ignore_conflicts=True,
    )
    ids = list(
        Message.objects.filter(
            dedupe_key=f"{Kind.FOLLOW_UP.value}:unfilled{request.pk}", status="queued"
        ).values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: outbox_enqueue(ids))


def _channel_of(request: PerspectiveRequest) -> str:
    """The requester's channel (e-mail, Slack or Teams) for what they are told."""
    return channels_for_people(
        organization_id=request.organization_id, person_ids=[request.requester_id]
    )[request.requester_id]


def ask_key(ask_id: int) -> str:
    return f"{Kind.ASK.value}:perspective{ask_id}"


def follow_up_key(request_id: int) -> str:
    return f"{Kind.FOLLOW_UP.value}:perspective{request_id}"


class AlreadyAnswered(ValidationError):
    pass


def ask_answer(*, ask: Ask, accept: bool) -> Ask:
    """Record a colleague's yes or no. The same answer twice changes nothing (a double
    click); another answer after the first, or any answer to an ask that expired or is
    no longer needed, is refused with a sentence saying why. A yes that fills the last
    place sets up the session; a no asks the next colleague."""
    now = clock.now()
    wanted = Ask.Status.ACCEPTED if accept else Ask.Status.DECLINED
    with transaction.atomic():
        request = PerspectiveRequest.objects.select_for_update().get(pk=ask.request_id)
        won = Ask.objects.filter(pk=ask.pk, status=Ask.Status.ASKED).update(
            status=wanted, answered_at=now
        )
        ask.refresh_from_db()
        if not won:
            if ask.status == wanted:
                return ask
            raise AlreadyAnswered(_answered_text(ask), code=ask.status)
        accepted = request.asks.filter(status=Ask.Status.ACCEPTED).count()
        if accepted >= request.people_wanted:
            session_setup(request=request, now=now)
        else:  # a no leaves a place to fill; a yes may have been the last one waiting
            _ask_more(request, now)
    return ask


def _answered_text(ask: Ask) -> str:
    texts: dict[str, str] = {
        Ask.Status.ACCEPTED: _("You already said yes to this request."),
        Ask.Status.DECLINED: _("You already said no to this request."),
        Ask.Status.EXPIRED: _(
            "This ask expired before you answered; the next colleague was asked."
        ),
        Ask.Status.WITHDRAWN: _(
            "This ask is no longer needed: enough colleagues said yes, or the request ended."
        ),
    }
    return texts.get(ask.status, "")


def asks_expire_due(*, now: datetime) -> int:
    """Expire the asks nobody answered in time and ask the next colleagues (a scheduler
    pass step; safe to run twice and on several machines: each request is locked and
    each ask moves by a conditional update). Returns how many asks expired."""
    due = (
        Ask.objects.filter(status=Ask.Status.ASKED, expires_at__lte=now)
        .values_list("request_id", flat=True)
        .distinct()
    )
    expired = 0
    for request_id in list(due)[:500]:
        with transaction.atomic():
            request = PerspectiveRequest.objects.select_for_update().get(pk=request_id)
            n = request.asks.filter(status=Ask.Status.ASKED, expires_at__lte=now).update(
                status=Ask.Status.EXPIRED, answered_at=now
            )
            expired += n
            if n and request.status == PerspectiveRequest.Status.OPEN:
                _ask_more(request, now)
    return expired


def request_cancel(*, request: PerspectiveRequest) -> PerspectiveRequest:
    """The requester takes back an open request: waiting asks are withdrawn (their
    e-mails, if not sent yet, are not sent)."""
    with transaction.atomic():
        locked = PerspectiveRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != PerspectiveRequest.Status.OPEN:
            raise ValidationError(
                _("Only a request that is still looking for people can be cancelled."),
                code="not_open",
            )
        locked.status = PerspectiveRequest.Status.CANCELLED
        locked.save(update_fields=["status"])
        locked.asks.filter(status=Ask.Status.ASKED).update(
            status=Ask.Status.WITHDRAWN, answered_at=clock.now()
        )
    return locked


def request_feedback(*, request: PerspectiveRequest, helped: bool) -> PerspectiveRequest:
    """The requester's answer to "did it help?" (the last answer counts)."""
    if request.status != PerspectiveRequest.Status.SCHEDULED:
        raise ValidationError(_("This request had no session to give feedback on."))
    now = clock.now()
    PerspectiveRequest.objects.filter(pk=request.pk).update(helped=helped, answered_at=now)
    request.helped, request.answered_at = helped, now
    return request


# --- the session ---------------------------------------------------------------------------


def _busy(org_id: int, ids: list[int], after: datetime, before: datetime) -> dict:
    busy: dict[int, list[tuple[datetime, datetime]]] = {}
    rows = MatchMember.objects.filter(
        organization_id=org_id,
        person_id__in=ids,
        round__status=Round.Status.PUBLISHED,
        match__suggested_start__lt=before,
        match__suggested_end__gt=after,
    ).values_list("person_id", "match__suggested_start", "match__suggested_end")
    for pid, start, end in rows:
        if start is not None and end is not None:  # always: the filter compares both
            busy.setdefault(pid, []).append((start, end))
    return busy


def _session_slot(
    request: PerspectiveRequest, ids: list[int], now: datetime
) -> tuple[datetime, datetime] | None:
    """A 45-minute slot when everyone is at work and free, before the end of the "by
    when" day if possible, else in the week after it."""
    org = request.organization
    zone = ZoneInfo(org.timezone)
    # From the next morning on, as for a round: nobody is asked to meet within hours.
    local_today = now.astimezone(zone).date()
    after = max(
        search_start(local_today, org.timezone), now + timedelta(hours=settings.SLOT_LEAD_HOURS)
    )
    deadline = datetime.combine(request.needed_by + timedelta(days=1), time(0), tzinfo=zone)
    where = people_whereabouts(org.pk, ids)
    for before in (deadline, max(deadline, after) + SEARCH_PAST_DEADLINE):
        if before <= after:
            continue
        group = PlanGroup(tuple(free_of([where[i] for i in ids], after, before)), tuple(ids))
        slot = plan_slots(
            [group],
            fmt=Program.Format.OUTSIDE_PERSPECTIVE,
            after=after,
            before=before,
            zone=org.timezone,
            seed=request.pk,
            busy=_busy(org.pk, ids, after, before),
        )[0]
        if slot:
            return slot
    return None


def _round_for(program: Program, day: date, ids: list[int], now: datetime) -> Round:
    """A published round of the on-demand program on ``day`` (or the next day whose
    round has none of ``ids`` yet: one group per person and round)."""
    for offset in range(60):
        on = day + timedelta(days=offset)
        try:
            with transaction.atomic():
                rnd, _created = Round.objects.get_or_create(
                    program=program,
                    date=on,
                    defaults={
                        "organization": program.organization,
                        "status": Round.Status.PUBLISHED,
                        "published_at": now,
                    },
                )
        except IntegrityError:
            rnd = Round.objects.get(program=program, date=on)
        if rnd.status != Round.Status.PUBLISHED:
            continue
        if not MatchMember.objects.filter(round=rnd, person_id__in=ids).exists():
            return rnd
    raise ValidationError(_("No day in the next two months is free for this session."))


def session_setup(*, request: PerspectiveRequest, now: datetime) -> Match:
    """The requester and everyone who accepted meet for 45 minutes: a group in a
    published round of the on-demand program, with a slot, a video link, the
    introduction with the calendar invitation, a reminder and a check-in for each, and
    "did it help?" to the requester after the session. Waiting asks are withdrawn.
    Call with the request locked; a request that has its session already returns it."""
    if request.match is not None:
        return request.match
    org = request.organization
    program = perspective_program(org)
    accepted = list(
        request.asks.filter(status=Ask.Status.ACCEPTED)
        .order_by("answered_at", "pk")
        .select_related("person__department")
    )
    ids = [request.requester_id, *(a.person_id for a in accepted)]
    slot = _session_slot(request, ids, now)
    zone = ZoneInfo(org.timezone)
    day = slot[0].astimezone(zone).date() if slot else clock.today()
    rnd = _round_for(program, day, ids, now)
    departments = sorted(
        {a.person.department.name for a in accepted if a.person.department}
        | ({request.requester.department.name} if request.requester.department else set())
    )
    reasons: list[dict[str, Any]] = [
        {"code": "perspective_topic", "text": request.topic, "params": {"topic": request.topic}}
    ]
    if len(departments) > 1:
        reasons.append(
            {
                "code": "different_departments",
                "text": "",
                "params": {"departments": departments},
            }
        )
    match = Match.objects.create(
        organization=org,
        round=rnd,
        organizer_id=request.requester_id,
        suggested_start=slot[0] if slot else None,
        suggested_end=slot[1] if slot else None,
        video_link=video_link(org.video_link_template),
        reasons=reasons,
    )
    MatchMember.objects.bulk_create(
        [MatchMember(organization=org, match=match, round=rnd, person_id=pid) for pid in ids]
    )
    for pid in ids:
        outbox_write_joined(match=match, person_id=pid, now=now)
    webhook_events.emit(  # integrations see every group, rounds' and sessions' alike
        organization_id=org.pk,
        type="match.created",
        data=match_event_data(match, program.pk, ids),
    )
    ends = match.suggested_end or (now + timedelta(days=7))
    Message.objects.bulk_create(
        [
            Message(
                organization=org,
                kind=Kind.FOLLOW_UP,
                channel=_channel_of(request),
                person_id=request.requester_id,
                dedupe_key=follow_up_key(request.pk),
                next_attempt_at=ends + FOLLOW_UP_AFTER,
            )
        ],
        ignore_conflicts=True,
    )
    request.asks.filter(status=Ask.Status.ASKED).update(
        status=Ask.Status.WITHDRAWN, answered_at=now
    )
    request.status = PerspectiveRequest.Status.SCHEDULED
    request.match = match
    request.scheduled_at = now
    request.save(update_fields=["status", "match", "scheduled_at"])
    logger.info("perspective request %s: session %s with %s people", request.pk, match.pk, len(ids))
    return match
