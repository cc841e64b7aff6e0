"""Mentoring's reads for the console and the participant page (organization-scoped)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from crosspaths.people.models import Person
from crosspaths.programs.models import Enrollment, LeftOut, Match, Program

from .models import Cycle, MentoringRole, NudgeAnswer
from .services import add_months


def unplaced_text(code: str, gap_min: int, gap_max: int) -> str:
    """Why a mentee has no mentor, in the active language."""
    return {
        "no_mentors": _("nobody has joined as a mentor"),
        "level_unknown": _("their level is not on record, so no level gap can be checked"),
        "level_gap": _("no mentor is %(lo)s to %(hi)s levels above them")
        % {"lo": gap_min, "hi": gap_max},
        "reporting_line": _("every mentor at the right level is in their reporting line"),
        "paired_before": _("every suitable mentor was their mentor in an earlier cycle"),
        "blocked_or_met": _("every suitable mentor is blocked or met them recently"),
        "no_shared_language": _("no suitable mentor shares a language with them"),
        "no_time_overlap": _("no suitable mentor's working hours overlap theirs enough"),
        "mentors_full": _("every suitable mentor already has as many mentees as they take"),
    }.get(code, _("no suitable mentor"))


@dataclass
class PairRow:
    match: Match
    mentor: Person
    mentee: Person
    answers: dict[int, bool] = field(default_factory=dict)
    current: bool | None = None  # the answer for the cycle's current month


def current_cycle(program: Program) -> Cycle | None:
    return (
        Cycle.objects.filter(organization=program.organization, program=program)
        .order_by("-starts_on", "-pk")
        .first()
    )


def cycle_pairs(cycle: Cycle) -> list[PairRow]:
    """The cycle's pairs, mentor and mentee named (the mentee organizes)."""
    matches = (
        Match.objects.filter(
            organization=cycle.organization, round__mentoring_cycle_round__cycle=cycle
        )
        .select_related("organizer")
        .prefetch_related("members__person__department")
        .order_by("pk")
    )
    answers: dict[int, dict[int, bool]] = {}
    for match_id, month, met in NudgeAnswer.objects.filter(cycle=cycle).values_list(
        "match_id", "month", "met"
    ):
        answers.setdefault(match_id, {})[month] = met
    rows = []
    for m in matches:
        people = [x.person for x in m.members.all()]
        mentee = next((p for p in people if p.pk == m.organizer_id), None)
        mentor = next((p for p in people if p.pk != m.organizer_id), None)
        if mentee and mentor:
            rows.append(PairRow(m, mentor, mentee, answers.get(m.pk, {})))
    return rows


def cycle_unplaced(cycle: Cycle, gap_min: int, gap_max: int) -> list[tuple[Person, str]]:
    rows = LeftOut.objects.filter(
        organization=cycle.organization, round__mentoring_cycle_round__cycle=cycle
    )
    return [
        (r.person, unplaced_text(r.code, gap_min, gap_max))
        for r in rows.select_related("person").order_by("person__name")
    ]


def timeline(cycle: Cycle) -> list[tuple[int, date]]:
    """The cycle's months and the day each one's nudge comes."""
    return [(k, add_months(cycle.starts_on, k)) for k in range(1, cycle.months + 1)]


def current_month(cycle: Cycle, today: date) -> int:
    """The latest month whose nudge has come (0 before the first)."""
    return max((k for k, day in timeline(cycle) if day <= today), default=0)


def roles_count(program: Program) -> dict[str, int]:
    """People in the program as mentors, as mentees, and enrolled without a role (they
    take no part in a cycle until they choose one)."""
    enrolled = Enrollment.objects.filter(
        organization=program.organization, program=program, left_at__isnull=True
    ).values("person_id")
    rows = MentoringRole.objects.filter(
        organization=program.organization, program=program, person_id__in=enrolled
    )
    out = {role: rows.filter(role=role).count() for role in MentoringRole.Role.values}
    out["none"] = enrolled.count() - sum(out.values())
    return out
