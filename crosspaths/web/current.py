"""What a participant's home shows per program: the group of its current (published)
round, and when the program's next round is for them.

A person in the coffee and the lunch program has two current groups; the home page
shows both, one card per program, instead of only the newest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch

from crosspaths import clock
from crosspaths.people.models import Person
from crosspaths.programs import scheduling
from crosspaths.programs.models import Enrollment, LeftOut, Match, MatchMember, Program, Round
from crosspaths.programs.wording import left_out_text_for_you

from .match_card import MatchCard, match_card

# Published rounds read to find each program's newest; a person is in a handful of
# programs and a round is closed when its program's next one goes out.
MAX_CURRENT = 50
# Rounds looked ahead to find the first one after a pause (a pause lasts at most a year).
MAX_ROUNDS_AHEAD = 60


@dataclass
class ProgramNow:
    """One program on the home page: the person's current group (or none) and the
    date of their next round in it (None: no further round, or the program stopped)."""

    program: Program
    card: MatchCard | None
    next_round: date | None
    enrolled: bool
    left_out_why: str = ""  # why the current round left them out, told to them


def current_matches_for(*, person: Person) -> list[Match]:
    """The person's group in each program's newest published round, members (with
    department, location and check-in) prefetched: two queries. A round is closed when
    its program's next one goes out, so a person has about one published group per
    program; the read is capped all the same."""
    members = MatchMember.objects.select_related(
        "person__department", "person__location", "checkin"
    ).order_by("pk")
    recent = (
        Match.objects.filter(
            organization_id=person.organization_id,
            members__person=person,
            round__status=Round.Status.PUBLISHED,
        )
        .select_related("round__program", "organizer", "location", "confirmed_by")
        .prefetch_related(Prefetch("members", queryset=members))
        .order_by("-round__date", "-pk")[:MAX_CURRENT]
    )
    newest: dict[int, Match] = {}
    for match in recent:
        newest.setdefault(match.round.program_id, match)
    return sorted(newest.values(), key=lambda m: (m.round.program.name, m.pk))


def next_round_for(
    *, program: Program, enrollment: Enrollment | None, now: datetime
) -> date | None:
    """The date of the program's next round that includes the person: the next
    scheduled one, or the first after their pause."""
    if not program.active or (enrollment is not None and enrollment.left_at is not None):
        return None
    try:
        day = scheduling.next_date_after(program, now)
        for _ in range(MAX_ROUNDS_AHEAD):
            if day is None or enrollment is None or not enrollment.is_paused_on(day):
                return day
            day = scheduling.next_date_after(program, scheduling.run_at(program, day))
    except scheduling.BadSchedule:
        return None
    return None


def home_programs(
    *, person: Person, enrollments: dict[int, Enrollment], now: datetime | None = None
) -> list[ProgramNow]:
    """Every program the person is in (or has a current group in), by name."""
    now = now or clock.now()
    organization = person.organization
    matches = {m.round.program_id: m for m in current_matches_for(person=person)}
    programs: dict[int, Program] = {m.round.program_id: m.round.program for m in matches.values()}
    for program_id, enrollment in enrollments.items():
        if enrollment.left_at is None:
            programs.setdefault(program_id, enrollment.program)
    left_out: dict[int, str] = {}
    without_group = [pk for pk in programs if pk not in matches]
    if without_group:  # one query, only when a program shows no group
        for program_id, code in (
            LeftOut.objects.filter(
                organization_id=person.organization_id,
                person=person,
                round__status=Round.Status.PUBLISHED,
                round__program_id__in=without_group,
            )
            .order_by("-round__date")
            .values_list("round__program_id", "code")[:MAX_CURRENT]
        ):
            left_out.setdefault(program_id, code)
    out = []
    for program_id, program in programs.items():
        program.organization = organization  # same organization: no query per program
        mine = enrollments.get(program_id)
        match = matches.get(program_id)
        out.append(
            ProgramNow(
                program=program,
                card=match_card(match=match, person=person, now=now) if match else None,
                next_round=next_round_for(program=program, enrollment=mine, now=now),
                enrolled=mine is not None and mine.left_at is None,
                left_out_why=left_out_text_for_you(left_out[program_id])
                if program_id in left_out and match is None
                else "",
            )
        )
    return sorted(out, key=lambda p: (p.card is None, p.program.name.lower(), p.program.pk))
