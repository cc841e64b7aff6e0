"""New connections: pairs matched for the first time, and the running total of
distinct pairs who have met."""

from __future__ import annotations

from itertools import accumulate

from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from ..charts import BLUE, GREEN, Chart, Series
from ..models import RoundFigures
from .base import (
    Figure,
    Filters,
    bucket_labels,
    bucket_slots,
    fmt,
    pct,
    pct_text,
    period_text,
    scoped,
)
from .totals import Totals, round_totals


def connections_figure(f: Filters, totals: Totals | None = None) -> Figure:
    """New connections per bucket and the running total of distinct connections."""
    per_bucket, check, total = totals or round_totals(f)
    earlier = _earlier_connections(f)
    slots = bucket_slots(f, per_bucket, lambda b, _t: check.ok(b))
    running = list(
        accumulate((s.value.new_connections if s.value else 0 for s in slots), initial=earlier)
    )[1:]
    fig = Figure(
        slug="connections",
        title=_("New connections"),
        explanation=_(
            "A connection is two people matched together for the first time, in any program; "
            "the line adds them up to the number of distinct pairs who have met."
        ),
        header=[_("Period starting"), _("New connections"), _("Distinct connections so far")],
    )
    fig.hidden = sum(s.hidden for s in slots)
    fig.rows = [
        s.row([s.value.new_connections, n])
        for s, n in zip(slots, running, strict=True)
        if s.value is not None
    ]
    cumulative: list[float | None] = [
        n if (s.value is None or s.shown) and check.ok(None) else None
        for s, n in zip(slots, running, strict=True)
    ]
    fig.empty = not per_bucket
    so_far = running[-1] if running else earlier
    if not fig.empty and check.ok(None):
        fig.summary = _(
            "%(period)s: %(new)s new connections (%(share)s of all %(encounters)s encounters); "
            "%(total)s distinct connections so far."
        ) % {
            "period": period_text(f),
            "new": fmt(total.new_connections),
            "share": pct_text(pct(total.new_connections, total.encounters)),
            "encounters": fmt(total.encounters),
            "total": fmt(so_far),
        }
    else:
        fig.summary = _("Not enough encounters in this selection to show.")
    labels = bucket_labels(f)
    new = [s.point(lambda t: t.new_connections) for s in slots]
    fig.charts += [
        Chart(
            kind="bars",
            title=_("New connections"),
            desc=fig.summary,
            labels=labels,
            series=[Series(_("New connections"), new, GREEN)],
        ),
        Chart(
            kind="lines",
            title=_("Distinct connections so far"),
            desc=fig.summary,
            labels=labels,
            series=[Series(_("Distinct connections so far"), cumulative, BLUE)],
        ),
    ]
    return fig


def _earlier_connections(f: Filters) -> int:
    """New connections counted before the period: where the running total starts."""
    return scoped(RoundFigures.objects, f, before=True).aggregate(
        n=Coalesce(Sum("new_connections"), 0)
    )["n"]
