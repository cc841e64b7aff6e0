"""Onboarding journeys: how many started and completed in the period, how many
departments each new hire reached, and how often the buddy meeting happened.

Read from the journeys' own tables (a row per new hire and week: a few thousand a year
even at 100,000 people), with the small-group rule on the number of new hires behind
the figure: fewer than the organization's minimum and nothing is shown."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from crosspaths.journeys.models import Journey, JourneyPlan, JourneyStep

from ..charts import BLUE, Chart, Series
from .base import Figure, Filters, fmt, pct, pct_text


def has_journeys(f: Filters) -> bool:
    return JourneyPlan.objects.filter(organization=f.organization).exists()


def _journeys(f: Filters) -> QuerySet[Journey]:
    qs = Journey.objects.filter(organization=f.organization)
    if f.program is not None:
        qs = qs.filter(Q(plan__program=f.program) | Q(plan__steps_program=f.program))
    if f.location is not None:
        qs = qs.filter(person__location=f.location)
    return qs


def journeys_figure(f: Filters) -> Figure:
    """Started, completed, departments reached per new hire, buddy meeting rate."""
    journeys = _journeys(f)
    started = journeys.filter(started_on__gte=f.period.start, started_on__lte=f.period.end)
    n_started = started.count()
    n_completed = journeys.filter(
        completed_on__gte=f.period.start, completed_on__lte=f.period.end
    ).count()
    reached = list(
        started.annotate(
            depts=Count("steps__department", distinct=True, filter=~Q(steps__department=""))
        ).values_list("depts", flat=True)
    )
    buddies = JourneyStep.objects.filter(
        journey__in=started, kind=JourneyStep.Kind.BUDDY, match__isnull=False
    )
    n_buddy = buddies.count()
    n_buddy_met = buddies.filter(
        match__members__person_id=F("journey__person_id"), match__members__checkin__met=True
    ).count()
    shown = n_started >= f.minimum
    average = sum(reached) / len(reached) if reached else 0.0
    rate = pct(n_buddy_met, n_buddy)
    labels = [_("Started"), _("Completed")]
    fig = Figure(
        slug="journeys",
        title=_("Onboarding journeys"),
        explanation=_(
            "New hires whose onboarding journey started or completed in the period, how many "
            "departments each met, and how often the buddy meeting happened (the new hire "
            "said “we met”)."
        ),
        header=[
            _("Journeys started"),
            _("Completed"),
            _("Departments per new hire"),
            _("Buddy meetings that happened"),
        ],
        rows=[
            [n_started, n_completed, round(average, 1), pct_text(rate)]
            if shown
            else ["", "", "", ""]
        ],
        empty=n_started == 0 and n_completed == 0,
        hidden=0 if shown or not n_started else 1,
    )
    if shown:
        fig.summary = _(
            "%(started)s journeys started and %(completed)s completed; each new hire met "
            "colleagues from %(departments)s departments on average; %(rate)s of buddy "
            "meetings happened."
        ) % {
            "started": fmt(n_started),
            "completed": fmt(n_completed),
            "departments": number_format(round(average, 1), decimal_pos=1),
            "rate": pct_text(rate),
        }
    else:
        fig.summary = _("Not enough new hires in this selection to show.")
    fig.charts.append(
        Chart(
            kind="bars",
            title=fig.title,
            desc=fig.summary,
            labels=labels,
            series=[
                Series(
                    _("Journeys"),
                    [n_started, n_completed] if shown else [None, None],
                    BLUE,
                )
            ],
        )
    )
    return fig
