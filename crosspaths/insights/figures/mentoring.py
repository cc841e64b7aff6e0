"""Mentoring (crosspaths.mentoring): per cycle started in the period, the share of
mentees placed with a mentor, the mentors' load and how many pairs still meet (their
answer to the latest monthly nudge). A cycle's numbers are shown only when at least the
organization's smallest group of people (mentors and mentees) is behind them."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from crosspaths.mentoring.models import Cycle, NudgeAnswer
from crosspaths.programs.models import LeftOut, MatchMember

from ..charts import BLUE, GREEN, Chart, Series
from .base import Figure, Filters, fmt, pct, pct_text


def mentoring_figure(f: Filters) -> Figure:
    fig = Figure(
        slug="mentoring",
        title=_("Mentoring"),
        explanation=_(
            "Per mentoring cycle started in the period: mentees who got a mentor (the others "
            "are listed with the reason in the console), mentees per mentor, and the pairs "
            "whose latest monthly answer was “we met”, of the pairs that answered."
        ),
        header=[
            _("Cycle starting"),
            _("Mentees"),
            _("Placed (%)"),
            _("Mentors"),
            _("Mentees per mentor"),
            _("Most mentees of one mentor"),
            _("Pairs that answered"),
            _("Still meeting (%)"),
        ],
    )
    cycles = Cycle.objects.filter(
        organization=f.organization,
        starts_on__gte=f.period.start,
        starts_on__lte=f.period.end,
    ).order_by("starts_on", "pk")
    if f.program is not None:
        cycles = cycles.filter(program=f.program)
    labels: list[str] = []
    placed_share: list[float | None] = []
    meeting_share: list[float | None] = []
    latest: tuple[Cycle, dict[str, float | int | None]] | None = None
    for cycle in cycles:
        row = _cycle_numbers(cycle)
        labels.append(date_format(cycle.starts_on, "SHORT_DATE_FORMAT"))
        if int(row["people"] or 0) < f.minimum:
            fig.hidden += 1
            fig.rows.append([cycle.starts_on.isoformat(), *[""] * 7])
            placed_share.append(None)
            meeting_share.append(None)
            continue
        if 2 * int(row["answered"] or 0) < f.minimum:
            row["meeting_pct"] = None  # too few pairs answered to show their share
            fig.hidden += 1
        fig.rows.append(
            [
                cycle.starts_on.isoformat(),
                row["mentees"],
                row["placed_pct"],
                row["mentors"],
                row["mean_load"],
                row["max_load"],
                row["answered"],
                row["meeting_pct"],
            ]
        )
        placed_share.append(row["placed_pct"])
        meeting_share.append(row["meeting_pct"])
        latest = (cycle, row)
    fig.empty = not fig.rows
    if latest is not None:
        cycle, row = latest
        fig.summary = _(
            "Latest cycle (from %(date)s): %(placed)s of %(mentees)s mentees have a mentor; "
            "%(mentors)s mentors take %(load)s mentees each on average; %(meeting)s of the "
            "pairs that answered still meet."
        ) % {
            "date": date_format(cycle.starts_on, "DATE_FORMAT"),
            "placed": pct_text(row["placed_pct"]),
            "mentees": fmt(row["mentees"] or 0),
            "mentors": fmt(row["mentors"] or 0),
            "load": fmt(row["mean_load"] or 0),
            "meeting": pct_text(row["meeting_pct"]),
        }
    else:
        fig.summary = _("Not enough mentoring cycles in this selection to show.")
    if not labels:
        return fig
    fig.charts.append(
        Chart(
            kind="bars",
            title=fig.title,
            desc=fig.summary,
            labels=labels,
            series=[
                Series(_("Mentees placed (%)"), placed_share, BLUE),
                Series(_("Pairs still meeting (%)"), meeting_share, GREEN),
            ],
            y_format="percent",
            y_max=100,
        )
    )
    return fig


def _cycle_numbers(cycle: Cycle) -> dict[str, float | int | None]:
    """One cycle's counts: its rounds' pairs (the mentee is the match's organizer, the
    other member the mentor), the mentees left out, and each pair's latest answer."""
    load: dict[int, int] = {}
    mentees: set[int] = set()
    for organizer, person in MatchMember.objects.filter(
        round__mentoring_cycle_round__cycle=cycle
    ).values_list("match__organizer_id", "person_id"):
        if person == organizer:
            mentees.add(person)
        else:
            load[person] = load.get(person, 0) + 1
    unplaced = LeftOut.objects.filter(round__mentoring_cycle_round__cycle=cycle).count()
    latest: dict[int, bool] = {}
    for match_id, met in (
        NudgeAnswer.objects.filter(cycle=cycle).order_by("month").values_list("match_id", "met")
    ):
        latest[match_id] = met
    loads = list(load.values())
    total = len(mentees) + unplaced
    return {
        "people": total + len(loads),
        "mentees": total,
        "placed_pct": pct(len(mentees), total),
        "mentors": len(loads),
        "mean_load": round(sum(loads) / len(loads), 1) if loads else 0,
        "max_load": max(loads, default=0),
        "answered": len(latest),
        "meeting_pct": pct(sum(latest.values()), len(latest)),
    }
