"""/api/v1/ check-in aggregates and insights figures: the insights dashboards' own
figure functions (``crosspaths.insights.figures``) over the same precomputed tables,
with the same small-group rule (nothing behind fewer than the organization's
``min_cell_size`` people is shown). Never an individual answer: a check-in is only ever
counted. A key sees the whole organization, as an admin does on the dashboard."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from crosspaths import clock
from crosspaths.insights import figures
from crosspaths.insights.forms import DEFAULT_PERIOD, period_for
from crosspaths.insights.periods import Period
from crosspaths.people.models import Location
from crosspaths.programs.models import Program, Round

from .conventions import READ_ERRORS, key_of, read
from .problems import ApiProblem

router = Router(tags=["v1"])
# Literals built from the models' choices at run time (django-ninja validates and
# documents them); the type checker sees plain strings.
if TYPE_CHECKING:
    FigureSlug = str
else:
    FigureSlug = Literal[tuple(figures.FIGURES)]

PeriodKey = Query(
    DEFAULT_PERIOD,
    pattern=r"^(3m|12m|all|\d{4}-[qQ][1-4])$",
    description="3m, 12m, all or a quarter such as 2026-q3 (as on the dashboard)",
)


class CheckinTotals(Schema):
    """Whether groups met, counted; every number is null when fewer than ``minimum``
    people are behind them (``shown`` false)."""

    shown: bool
    minimum: int = Field(description="the organization's smallest group shown")
    groups: int | None
    happened: int | None = Field(description="groups where someone said they met")
    not_happened: int | None = Field(description="groups that answered, none met")
    unanswered: int | None
    answers: int | None
    met_rate: float | None = Field(description="percent of answered groups that met")
    ratings: list[int] | None = Field(
        description="how many ratings of 1..5; null below the minimum number of ratings"
    )


class RoundCheckins(CheckinTotals):
    round_id: int
    program_id: int
    date: str


class ProgramCheckins(CheckinTotals):
    program_id: int
    period: str
    start: str
    end: str


def _totals(f: figures.Filters) -> dict[str, Any]:
    """The dashboard's meeting totals for the filters, as the dashboard shows them
    (the headline's rule for the counts, the ratings figure's rule for ratings)."""
    _per_bucket, check, total = figures.round_totals(f)
    shown = check.ok(None)
    rated = sum(total.ratings)
    out: dict[str, Any] = {"shown": shown, "minimum": f.minimum}
    counts = ("groups", "happened", "not_happened", "unanswered", "answers")
    values = (total.matches, total.happened, total.not_happened, total.unanswered, total.answers)
    out.update({k: v if shown else None for k, v in zip(counts, values, strict=True)})
    out["met_rate"] = total.met_rate if shown else None
    out["ratings"] = list(total.ratings) if shown and rated >= f.minimum else None
    return out


def _filters(
    request: HttpRequest,
    *,
    program: Program | None = None,
    location: Location | None = None,
    period: Period | None = None,
    period_key: str = DEFAULT_PERIOD,
) -> figures.Filters:
    organization = key_of(request).organization
    today = clock.today()
    if period is None:
        try:
            period = period_for(period_key.lower(), organization=organization, today=today)
        except ValueError:
            raise ApiProblem(422, _("Choose one of the listed periods."), field="period") from None
    return figures.Filters(
        organization=organization,
        program=program,
        location=location,
        period=period,
        organization_wide=True,
        today=today,
    )


@router.get(
    "/rounds/{round_id}/checkins",
    response={200: RoundCheckins, **READ_ERRORS},
    auth=read("insights"),
)
def round_checkins(request: HttpRequest, round_id: int) -> Any:
    """Did the round's groups meet, counted (as the dashboard counts a round once its
    figures are computed); hidden below the organization's smallest group."""
    rnd = get_object_or_404(
        Round.objects.select_related("program"),
        pk=round_id,
        organization=key_of(request).organization,
    )
    day = Period(rnd.date.isoformat(), rnd.date, rnd.date, rnd.date.isoformat())
    totals = _totals(_filters(request, program=rnd.program, period=day))
    return {
        **totals,
        "round_id": rnd.pk,
        "program_id": rnd.program_id,
        "date": rnd.date.isoformat(),
    }


@router.get(
    "/programs/{program_id}/checkins",
    response={200: ProgramCheckins, **READ_ERRORS},
    auth=read("insights"),
)
def program_checkins(request: HttpRequest, program_id: int, period: str = PeriodKey) -> Any:
    """Did the program's groups meet over a period, counted as on the dashboard."""
    program = get_object_or_404(Program, pk=program_id, organization=key_of(request).organization)
    f = _filters(request, program=program, period_key=period)
    return {
        **_totals(f),
        "program_id": program.pk,
        "period": f.period.key,
        "start": f.period.start.isoformat(),
        "end": f.period.end.isoformat(),
    }


class SeriesOut(Schema):
    label: str
    values: list[float | None]


class ChartOut(Schema):
    kind: str
    title: str
    labels: list[str]
    series: list[SeriesOut]
    matrix: list[list[float | None]]
    y_format: str


class FigureOut(Schema):
    slug: str
    title: str
    explanation: str
    summary: str
    header: list[str]
    rows: list[list[Any]] = Field(description="the numbers behind it; hidden values are empty")
    hidden: int = Field(description="values hidden because too few people are behind them")
    empty: bool
    charts: list[ChartOut]


class HeadlineOut(Schema):
    shown: bool
    groups: int | None
    met_rate: float | None
    new_connections: int | None
    cross_department_share: float | None


class InsightsOut(Schema):
    period: str
    start: str
    end: str
    program_id: int | None
    location_id: int | None
    minimum: int
    headline: HeadlineOut
    figures: list[FigureOut]


def _figure(fig: figures.Figure) -> dict[str, Any]:
    return {
        "slug": fig.slug,
        "title": fig.title,
        "explanation": fig.explanation,
        "summary": fig.summary,
        "header": [str(h) for h in fig.header],
        "rows": [[c.isoformat() if hasattr(c, "isoformat") else c for c in r] for r in fig.rows],
        "hidden": fig.hidden,
        "empty": fig.empty,
        "charts": [
            {
                "kind": c.kind,
                "title": c.title,
                "labels": c.labels,
                "series": [{"label": s.label, "values": s.values} for s in c.series],
                "matrix": c.matrix,
                "y_format": c.y_format,
            }
            for c in fig.charts
        ],
    }


def _scope(
    request: HttpRequest, program_id: int | None, location_id: int | None, period: str
) -> figures.Filters:
    organization = key_of(request).organization
    program = location = None
    if program_id is not None:
        program = Program.objects.filter(organization=organization, pk=program_id).first()
        if program is None:
            raise ApiProblem(422, _("No such program."), field="program_id")
    if location_id is not None:
        location = Location.objects.filter(organization=organization, pk=location_id).first()
        if location is None:
            raise ApiProblem(422, _("No such location."), field="location_id")
    return _filters(request, program=program, location=location, period_key=period)


@router.get("/insights", response={200: InsightsOut, **READ_ERRORS}, auth=read("insights"))
def insights_read(
    request: HttpRequest,
    program_id: int | None = None,
    location_id: int | None = None,
    period: str = PeriodKey,
) -> Any:
    """Every figure of the insights dashboard as JSON, with its headline: the same
    numbers and the same hidden values."""
    f = _scope(request, program_id, location_id, period)
    headline, shown = figures.dashboard(f)
    return {
        "period": f.period.key,
        "start": f.period.start.isoformat(),
        "end": f.period.end.isoformat(),
        "program_id": program_id,
        "location_id": location_id,
        "minimum": f.minimum,
        "headline": {
            "shown": headline.shown,
            "groups": headline.groups if headline.shown else None,
            "met_rate": headline.met_rate if headline.shown else None,
            "new_connections": headline.new_connections if headline.shown else None,
            "cross_department_share": headline.cross_share if headline.shown else None,
        },
        "figures": [_figure(fig) for fig in shown],
    }


@router.get("/insights/{slug}", response={200: FigureOut, **READ_ERRORS}, auth=read("insights"))
def insight_read(
    request: HttpRequest,
    slug: FigureSlug,
    program_id: int | None = None,
    location_id: int | None = None,
    period: str = PeriodKey,
) -> Any:
    """One figure of the dashboard by its slug (``participation``, ``meetings``,
    ``ratings``, ``connections``, ``cross-department``, ``departments``, ``silos``,
    ``reach``, ``waiting``)."""
    f = _scope(request, program_id, location_id, period)
    fig = figures.figure(slug, f)
    if fig is None:  # a figure of its own view only, or with nothing stored yet (pays-off)
        return {
            "slug": slug,
            "title": "",
            "explanation": "",
            "summary": str(_("This figure has nothing to show for this view yet.")),
            "header": [],
            "rows": [],
            "hidden": 0,
            "empty": True,
            "charts": [],
        }
    return _figure(fig)
