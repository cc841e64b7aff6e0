"""Reads of journeys: each journey's progress in plain words, for HR and the new hire."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crosspaths.people.models import Person
from crosspaths.programs.models import MatchMember

from .models import Journey, JourneyPlan, JourneyStep


def _day(day: date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


@dataclass(frozen=True)
class StepView:
    number: int
    kind: str
    kind_label: str
    taken_on: date
    colleague: str  # "" when nobody was found
    department: str
    missed: str
    checked_in: str  # "met", "not_met" or "" (no answer yet)
    match_id: int | None

    @property
    def checkin_text(self) -> str:
        if self.checked_in == "met":
            return _("met")
        if self.checked_in == "not_met":
            return _("did not meet")
        return _("no answer yet") if self.colleague else ""


@dataclass(frozen=True)
class JourneyView:
    journey: Journey
    steps: list[StepView]
    total: int

    @property
    def taken(self) -> int:
        return len(self.steps)

    @property
    def met(self) -> list[StepView]:
        return [s for s in self.steps if s.colleague]

    @property
    def departments(self) -> list[str]:
        return sorted({s.department for s in self.steps if s.department})

    @property
    def buddy(self) -> StepView | None:
        """The week-one step (None before it is taken)."""
        return next((s for s in self.steps if s.kind == JourneyStep.Kind.BUDDY), None)

    @property
    def current(self) -> StepView | None:
        """This week's step: the latest one taken."""
        return self.steps[-1] if self.steps else None

    @property
    def to_come(self) -> int:
        return max(self.total - self.taken, 0)

    @property
    def week_text(self) -> str:
        """ "Week 3 of 7", "Starting" or "Completed on …"."""
        if self.journey.completed_on:
            return _("Completed on %(date)s") % {"date": _day(self.journey.completed_on)}
        if not self.steps:
            return _("Starting")
        return _("Week %(week)s of %(total)s") % {
            "week": self.steps[-1].number,
            "total": self.total,
        }

    @property
    def progress_text(self) -> str:
        """ "Week 3 of 7: met 2 colleagues from 2 departments." in plain words."""
        head = self.week_text
        met = ngettext("met %(people)s colleague", "met %(people)s colleagues", len(self.met)) % {
            "people": len(self.met)
        }
        reached = ngettext(
            "from %(departments)s department",
            "from %(departments)s departments",
            len(self.departments),
        ) % {"departments": len(self.departments)}
        return _("%(head)s: %(met)s %(reached)s.") % {"head": head, "met": met, "reached": reached}

    @property
    def next_text(self) -> str:
        if self.journey.completed_on or (self.steps and self.steps[-1].number >= self.total):
            return _("Nothing more: the journey is complete.")
        week = self.steps[-1].number + 1 if self.steps else 1
        on = self.journey.started_on + timedelta(weeks=week - 1)
        if week == 1:
            return _("The buddy, in the week of %(date)s.") % {"date": _day(on)}
        return _(
            "Introduction %(n)s: a colleague from another department, in the week of %(date)s."
        ) % {"n": week - 1, "date": _day(on)}


def _steps_prefetch() -> Prefetch:
    members = MatchMember.objects.select_related("checkin")
    return Prefetch(
        "steps",
        queryset=JourneyStep.objects.select_related("colleague", "match").prefetch_related(
            Prefetch("match__members", queryset=members)
        ),
    )


def journeys_for_plans(plans: QuerySet[JourneyPlan]) -> QuerySet[Journey]:
    """The journeys of ``plans`` (already scoped), newest first."""
    return (
        Journey.objects.filter(plan__in=plans)
        .select_related("person__department", "plan__program")
        .order_by("completed_on", "-started_on", "pk")
    )


def journey_views(journeys: list[Journey] | QuerySet[Journey]) -> list[JourneyView]:
    """Each journey with its steps (one query for steps, colleagues and check-ins)."""
    items = list(journeys)
    prefetch_related_objects(items, _steps_prefetch())
    return [_view(j) for j in items]


def _view(journey: Journey) -> JourneyView:
    steps = []
    for s in journey.steps.all():
        answer = ""
        if s.match is not None:
            for member in s.match.members.all():
                checkin = getattr(member, "checkin", None)
                if member.person_id == journey.person_id and checkin is not None:
                    answer = "met" if checkin.met else "not_met"
        steps.append(
            StepView(
                number=s.number,
                kind=s.kind,
                kind_label=s.get_kind_display(),
                taken_on=s.taken_on,
                colleague=(s.colleague.name or s.colleague.email) if s.colleague else "",
                department=s.department,
                missed=s.missed,
                checked_in=answer,
                match_id=s.match_id,
            )
        )
    return JourneyView(journey, steps, journey.plan.steps)


def _mine(person: Person) -> QuerySet[Journey]:
    return (
        Journey.objects.filter(organization_id=person.organization_id, person=person)
        .select_related("plan__program")
        .order_by("-started_on")
    )


def my_journeys(person: Person) -> list[JourneyView]:
    return journey_views(_mine(person))


def my_journeys_under_way(person: Person) -> list[JourneyView]:
    """The person's journeys not completed yet, for the card on their home page."""
    return journey_views(_mine(person).filter(completed_on__isnull=True))
