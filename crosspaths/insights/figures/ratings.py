"""How the meetings were rated: the distribution of 1–5 over the period, as a whole."""

# Typographic quotes and dashes are meant: they are shown to people.
# ruff: noqa: RUF002

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ..charts import BLUE, Chart, Series
from .base import Figure, Filters, fmt
from .totals import Totals, round_totals


def ratings_figure(f: Filters, totals: Totals | None = None) -> Figure:
    _per_bucket, check, total = totals or round_totals(f)
    labels = ["1", "2", "3", "4", "5"]
    answered = sum(total.ratings)
    shown = check.ok(None) and answered >= f.minimum
    fig = Figure(
        slug="ratings",
        title=_("How the meetings were rated"),
        explanation=_(
            "Ratings from 1 (poor) to 5 (great) given with “we met” answers; shown only as a "
            "whole, never per person."
        ),
        header=[_("Rating"), _("Answers")],
        rows=[[label, n if shown else ""] for label, n in zip(labels, total.ratings, strict=True)],
        empty=answered == 0,
        hidden=0 if shown or not answered else 1,
    )
    if shown:
        average = sum((i + 1) * n for i, n in enumerate(total.ratings)) / answered
        fig.summary = _("%(count)s ratings, on average %(average)s of 5.") % {
            "count": fmt(answered),
            "average": number_format(round(average, 1), decimal_pos=1),
        }
    else:
        fig.summary = _("Not enough ratings in this selection to show.")
    fig.charts.append(
        Chart(
            kind="bars",
            title=fig.title,
            desc=fig.summary,
            labels=labels,
            series=[Series(_("Answers"), [n if shown else None for n in total.ratings], BLUE)],
        )
    )
    return fig
