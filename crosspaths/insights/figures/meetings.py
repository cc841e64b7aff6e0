"""Meetings that happened: groups met, not happened and unanswered per bucket."""

# Typographic quotes and dashes are meant: they are shown to people.

from __future__ import annotations

from django.utils.translation import gettext as _

from ..charts import BLUE, GREY, VERMILION, Chart, Series
from .base import Figure, Filters, bucket_labels, bucket_slots, fmt, pct_text, period_text
from .totals import Totals, round_totals


def meetings_figure(f: Filters, totals: Totals | None = None) -> Figure:
    per_bucket, check, total = totals or round_totals(f)
    fig = Figure(
        slug="meetings",
        title=_("Meetings that happened"),
        explanation=_(
            "A group counts as met when any member answered “we met”. It did not happen (a "
            "no-show) when members answered and nobody said so: one group is one no-show, "
            "however many of its members answered. The rate counts the groups with an answer."
        ),
        header=[
            _("Period starting"),
            _("Groups"),
            _("Met"),
            _("Did not happen"),
            _("No answer"),
            _("Met rate (%)"),
        ],
    )
    slots = bucket_slots(f, per_bucket, lambda b, _t: check.ok(b))
    fig.hidden = sum(s.hidden for s in slots)
    fig.rows = [
        s.row([t.matches, t.happened, t.not_happened, t.unanswered, t.met_rate])
        for s in slots
        if (t := s.value) is not None
    ]
    fig.empty = not per_bucket
    if not fig.empty and check.ok(None):
        fig.summary = _(
            "%(period)s: %(groups)s groups; %(met)s met, %(missed)s did not happen "
            "(no-shows), %(silent)s without an answer — %(rate)s of the answered groups met."
        ) % {
            "period": period_text(f),
            "groups": fmt(total.matches),
            "met": fmt(total.happened),
            "missed": fmt(total.not_happened),
            "silent": fmt(total.unanswered),
            "rate": pct_text(total.met_rate),
        }
    else:
        fig.summary = _("Not enough meetings in this selection to show.")
    fig.charts.append(
        Chart(
            kind="stacked",
            title=fig.title,
            desc=fig.summary,
            labels=bucket_labels(f),
            series=[
                Series(_("Met"), [s.point(lambda t: t.happened) for s in slots], BLUE),
                Series(
                    _("Did not happen"),
                    [s.point(lambda t: t.not_happened) for s in slots],
                    VERMILION,
                ),
                Series(_("No answer"), [s.point(lambda t: t.unanswered) for s in slots], GREY),
            ],
        )
    )
    return fig
