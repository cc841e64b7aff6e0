"""The insights dashboard's figures, one module per figure.

Each ``*_figure`` function turns the small figure tables into one ``Figure`` (chart
specs, a text summary and the numbers behind it). Nothing here reads matches or
check-ins: only ``RoundFigures``, ``PairFigures``, ``DepartmentFigures``,
``ParticipationFigures``, ``ReachSnapshot`` and, for the waiting list, enrollments with
their ``LastMatch``. Every number passes the small-group rule of
``crosspaths.insights.privacy`` before it is shown.

To add a figure: a module with its ``*_figure(f: Filters) -> Figure`` built on
``base`` (``scoped``, ``bucket_slots``, ``grouped_check``), then one line in
``FIGURES`` and in ``dashboard``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .base import Figure, Filters, fmt, pct_text
from .bridges import bridges_figure
from .connections import connections_figure
from .cross_department import cross_department_figure
from .departments import department_matrix_figure
from .journeys import has_journeys, journeys_figure
from .meetings import meetings_figure
from .mentoring import mentoring_figure
from .participation import participation_figure
from .payoff import payoff_figure
from .perspective import perspective_figure
from .ratings import ratings_figure
from .reach import reach_figure
from .silos import silo_figure, silo_over_period
from .totals import round_totals
from .waiting import waiting_figure


@dataclass
class Headline:
    groups: int
    met_rate: float | None
    new_connections: int
    cross_share: float | None
    shown: bool

    @property
    def groups_text(self) -> str:
        return fmt(self.groups)

    @property
    def met_text(self) -> str:
        return pct_text(self.met_rate)

    @property
    def new_text(self) -> str:
        return fmt(self.new_connections)

    @property
    def cross_text(self) -> str:
        return pct_text(self.cross_share)


def dashboard(f: Filters) -> tuple[Headline, list[Figure]]:
    """Every figure for the filters (round totals read once)."""
    totals = round_totals(f)
    _per_bucket, check, total = totals
    headline = Headline(
        groups=total.matches,
        met_rate=total.met_rate,
        new_connections=total.new_connections,
        cross_share=total.cross_share,
        shown=check.ok(None),
    )
    figures = [
        participation_figure(f),
        meetings_figure(f, totals),
        ratings_figure(f, totals),
        connections_figure(f, totals),
        cross_department_figure(f, totals),
    ]
    if f.organization_wide:
        figures.append(reach_figure(f))
    figures += [department_matrix_figure(f), silo_figure(f), waiting_figure(f)]
    if f.program is None or f.program.format == "mentoring":
        mentoring = mentoring_figure(f)
        if not mentoring.empty:
            figures.append(mentoring)
    if has_journeys(f):
        figures.append(journeys_figure(f))
    pays_off = payoff_figure(f)
    if pays_off is not None:
        figures.append(pays_off)
    bridged = bridges_figure(f)
    if bridged is not None:
        figures.append(bridged)
    perspective = perspective_figure(f)
    if perspective is not None and not perspective.empty:  # only where people use it
        figures.append(perspective)
    return headline, figures


FIGURES: dict[str, Callable[[Filters], Figure | None]] = {
    "participation": participation_figure,
    "meetings": meetings_figure,
    "ratings": ratings_figure,
    "connections": connections_figure,
    "cross-department": cross_department_figure,
    "departments": department_matrix_figure,
    "silos": silo_figure,
    "reach": reach_figure,
    "waiting": waiting_figure,
    "pays-off": payoff_figure,  # None for filters that are not organization-wide
    "mentoring": mentoring_figure,
    "journeys": journeys_figure,
    "bridges": bridges_figure,  # None when no team bridge is in view
    "perspective": perspective_figure,  # None for a program of another format
}


def figure(slug: str, f: Filters) -> Figure | None:
    """One figure by its slug (None when unknown or not for these filters)."""
    if slug == "reach" and not f.organization_wide:
        return None
    build = FIGURES.get(slug)
    return build(f) if build else None


__all__ = [
    "FIGURES",
    "Figure",
    "Filters",
    "Headline",
    "bridges_figure",
    "connections_figure",
    "cross_department_figure",
    "dashboard",
    "department_matrix_figure",
    "figure",
    "journeys_figure",
    "meetings_figure",
    "mentoring_figure",
    "participation_figure",
    "payoff_figure",
    "perspective_figure",
    "ratings_figure",
    "reach_figure",
    "round_totals",
    "silo_figure",
    "silo_over_period",
    "waiting_figure",
]
