"""Reach: how many distinct colleagues and other departments people have met."""

# Typographic dashes are meant: they are shown to people.
# ruff: noqa: RUF001

from __future__ import annotations

from django.db.models import Max
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..charts import BLUE, GREEN, Chart, Series
from ..models import ReachSnapshot
from .base import Figure, Filters, fmt, pct, pct_text


def reach_figure(f: Filters) -> Figure:
    """How many distinct colleagues and other departments people have met, as of the
    period's end (every program counts: reach is a person's whole network)."""
    fig = Figure(
        slug="reach",
        title=_("Reach: how many colleagues people have met"),
        explanation=_(
            "For everyone enrolled or who has met anyone: distinct colleagues and other "
            "departments met since the start, as of the end of the period, in every program."
        ),
        header=[_("Measure"), _("Met"), _("People")],
    )
    snapshots = ReachSnapshot.objects.filter(organization=f.organization, date__lte=f.period.end)
    snapshots = (
        snapshots.filter(location=f.location)
        if f.location
        else snapshots.filter(location__isnull=True)
    )
    day = snapshots.aggregate(day=Max("date"))["day"]
    if day is None:
        fig.empty = True
        fig.summary = _("No reach figures for this selection yet.")
        return fig
    bars = list(snapshots.filter(date=day).order_by("metric", "low"))
    parts = []
    for metric, title, color in (
        (ReachSnapshot.Metric.COLLEAGUES, _("Distinct colleagues met"), BLUE),
        (ReachSnapshot.Metric.DEPARTMENTS, _("Other departments met"), GREEN),
    ):
        mine = [b for b in bars if b.metric == metric]
        labels = [_bar_label(b.low, b.high) for b in mine]
        values = [b.people if b.people >= f.minimum or b.people == 0 else None for b in mine]
        fig.hidden += sum(v is None for v in values)
        fig.rows += [
            [title, label, "" if v is None else v] for label, v in zip(labels, values, strict=True)
        ]
        fig.charts.append(
            Chart(
                kind="bars",
                title=title,
                labels=labels,
                series=[Series(_("People"), list(values), color)],
            )
        )
        population = sum(b.people for b in mine)
        reached = sum(b.people for b in mine if b.low >= (3 if metric == "colleagues" else 2))
        if population:
            parts.append(
                (
                    _("%(share)s have met 3 or more colleagues")
                    if metric == "colleagues"
                    else _("%(share)s have met people from 2 or more other departments")
                )
                % {"share": pct_text(pct(reached, population))}
            )
    fig.summary = _("As of %(date)s, of %(people)s people: %(parts)s.") % {
        "date": date_format(day, "DATE_FORMAT"),
        "people": fmt(sum(b.people for b in bars if b.metric == "colleagues")),
        "parts": "; ".join(parts),
    }
    for chart in fig.charts:
        chart.desc = fig.summary
    return fig


def _bar_label(low: int, high: int | None) -> str:
    if high is None:
        return f"{low}+"
    return str(low) if low == high else f"{low}–{high}"
