"""What the cards show: a person's next encounter and programs (the personal card),
and the organization's figures without personal data (the organization card)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import Count, Q

from crosspaths.people.models import Organization, Person
from crosspaths.programs.enrollments import enrollments_of, paused_until, programs_open_to
from crosspaths.programs.models import Match, MatchMember, Program, Round
from crosspaths.programs.wording import when_span
from crosspaths.web.current import current_matches_for
from crosspaths.web.match_card import zone_of

DEFAULT_LENGTH = timedelta(minutes=30)


@dataclass
class NextEncounter:
    match: Match
    program: str
    others: list[tuple[str, str]]  # (name, department or "")
    start: datetime | None  # in the viewer's zone
    end: datetime | None
    zone: str
    when: str = (
        ""  # "Wednesday, Dec. 2, 2026, 10 a.m. to 10:30 a.m. (en dash)", empty without a time
    )


def next_encounter(*, person: Person, now: datetime) -> NextEncounter | None:
    """The person's next meeting: of their current groups, the one with the earliest
    suggested time not yet over; else the newest group (no time agreed yet)."""
    matches = current_matches_for(person=person)
    if not matches:
        return None

    def ends(m: Match) -> datetime | None:
        if m.suggested_start is None:
            return None
        return m.suggested_end or m.suggested_start + DEFAULT_LENGTH

    upcoming = sorted(
        (m for m in matches if (end := ends(m)) is not None and end >= now),
        key=lambda m: (m.suggested_start, m.pk),
    )
    match = upcoming[0] if upcoming else max(matches, key=lambda m: (m.round.date, m.pk))
    zone = zone_of(person, person.organization)
    tz = ZoneInfo(zone)
    start = match.suggested_start.astimezone(tz) if match.suggested_start else None
    end = ends(match)
    return NextEncounter(
        match=match,
        program=match.round.program.name,
        others=[
            (str(m.person), m.person.department.name if m.person.department else "")
            for m in match.members.all()
            if m.person_id != person.pk
        ],
        start=start,
        end=end.astimezone(tz) if end and start else None,
        zone=zone,
        when=when_span(start, end, zone) if start else "",
    )


@dataclass
class CardProgram:
    program: Program
    enrolled: bool
    paused_until: date | None


@dataclass
class CardPrograms:
    items: list[CardProgram] = field(default_factory=list)
    paused_until: date | None = None  # every current enrollment paused until then
    enrolled_any: bool = False


def card_programs(*, person: Person, today: date) -> CardPrograms:
    """The programs open to the person and the ones they are in (as /api/me/programs)."""
    mine = enrollments_of(person=person)
    programs = {p.pk: p for p in programs_open_to(person=person, on=today)}
    for enrollment in mine.values():
        if enrollment.left_at is None:
            programs.setdefault(enrollment.program_id, enrollment.program)
    items = []
    for program in sorted(programs.values(), key=lambda p: (p.name.lower(), p.pk)):
        e = mine.get(program.pk)
        current = e is not None and e.left_at is None
        items.append(
            CardProgram(
                program=program,
                enrolled=current,
                paused_until=e.paused_until
                if e is not None and current and e.is_paused_on(today)
                else None,
            )
        )
    return CardPrograms(
        items=items,
        paused_until=paused_until(enrollments=mine.values(), today=today),
        enrolled_any=any(i.enrolled for i in items),
    )


# --- The organization card --------------------------------------------------------------


@dataclass
class OrganizationFigures:
    month_start: date
    minimum: int
    met_across: int | None  # None: hidden, fewer than ``minimum`` people behind it
    taking_part: int | None
    programs_open: int


def _shown(count: int, minimum: int) -> int | None:
    """The insights' rule (crosspaths.insights.privacy): a count of people is shown
    only when at least ``min_cell_size`` distinct people are behind it."""
    return count if count >= minimum else None


def organization_figures(*, organization: Organization, today: date) -> OrganizationFigures:
    """This month's figures (the organization's calendar month): colleagues in groups
    that met (a member said "we met", as the insights count a meeting) and mixed two or
    more departments; people taking part in an active program; programs open to join
    (active programs whose audience is the whole organization)."""
    minimum = max(1, organization.min_cell_size)
    start = today.replace(day=1)
    crossing = (
        Match.objects.filter(
            organization=organization,
            round__status__in=(Round.Status.PUBLISHED, Round.Status.CLOSED),
            round__date__gte=start,
            round__date__lte=today,
        )
        .annotate(
            departments=Count("members__person__department", distinct=True),
            met=Count("members", filter=Q(members__checkin__met=True)),
        )
        .filter(departments__gte=2, met__gte=1)
        .values("pk")
    )
    met_across = (
        MatchMember.objects.filter(organization=organization, match__in=crossing)
        .values("person_id")
        .distinct()
        .count()
    )
    taking_part = (
        Person.objects.filter(
            organization=organization,
            active=True,
            enrollments__left_at__isnull=True,
            enrollments__program__active=True,
        )
        .distinct()
        .count()
    )
    programs = Program.objects.filter(organization=organization, active=True)
    return OrganizationFigures(
        month_start=start,
        minimum=minimum,
        met_across=_shown(met_across, minimum),
        taking_part=_shown(taking_part, minimum),
        programs_open=sum(1 for p in programs if not _narrowed(p)),
    )


def _narrowed(program: Program) -> bool:
    audience = program.audience or {}
    return any(audience.get(k) not in (None, [], "") for k in audience)


# An intranet home page shows the organization card on every employee's page view; the
# figures change with check-ins, not by the second.
FIGURES_CACHE_SECONDS = 300


def organization_figures_cached(*, organization: Organization, today: date) -> OrganizationFigures:
    """``organization_figures``, kept for five minutes per organization, month and
    smallest group (a changed ``min_cell_size`` is a new key: never shown with the old
    threshold)."""
    key = f"intranet:org-figures:{organization.pk}:{today:%Y-%m}:{organization.min_cell_size}"
    figures = cache.get(key)
    if figures is None:
        figures = organization_figures(organization=organization, today=today)
        cache.set(key, figures, FIGURES_CACHE_SECONDS)
    return figures
