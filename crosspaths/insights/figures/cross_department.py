"""Encounters across departments: the share of encounters between two departments."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..charts import ORANGE, Chart, Series
from .base import Figure, Filters, bucket_labels, bucket_slots, pct_text, period_text
from .totals import Totals, round_totals


def cross_department_figure(f: Filters, totals: Totals | None = None) -> Figure:
    per_bucket, check, total = totals or round_totals(f)
    fig = Figure(
        slug="cross-department",
        title=_("Encounters across departments"),
        explanation=_(
            "The share of encounters (pairs of people in a group) between two different "
            "departments; people without a department are left out of the share."
        ),
        header=[
            _("Period starting"),
            _("Across departments"),
            _("Within a department"),
            _("Share across (%)"),
        ],
    )
    # A bucket whose encounters all involve someone without a department has no share:
    # an empty cell, but nothing hidden.
    slots = bucket_slots(f, per_bucket, lambda b, t: check.ok(b) and t.cross_share is not None)
    fig.hidden = sum(
        s.hidden and s.value.cross_share is not None for s in slots if s.value is not None
    )
    fig.rows = [
        s.row([t.cross_department, t.same_department, t.cross_share])
        for s in slots
        if (t := s.value) is not None
    ]
    shares = [s.point(lambda t: t.cross_share) for s in slots]
    fig.empty = not per_bucket
    points = [s for s in shares if s is not None]
    if points and check.ok(None):
        fig.summary = _(
            "%(period)s: %(share)s of encounters crossed departments (first point %(first)s, "
            "last %(last)s)."
        ) % {
            "period": period_text(f),
            "share": pct_text(total.cross_share),
            "first": pct_text(points[0]),
            "last": pct_text(points[-1]),
        }
    else:
        fig.summary = _("Not enough encounters in this selection to show.")
    fig.charts.append(
        Chart(
            kind="lines",
            title=fig.title,
            desc=fig.summary,
            labels=bucket_labels(f),
            series=[Series(_("Share across departments"), shares, ORANGE)],
            y_format="percent",
            y_max=100,
        )
    )
    return fig
