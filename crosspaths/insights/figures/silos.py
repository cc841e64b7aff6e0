"""Silo index per department: each department's E-I index per bucket (small multiples)."""

# Typographic minus, dashes and arrows are meant: they are shown to people.
# ruff: noqa: RUF001

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Sum
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ..charts import BLUE, Chart, Series
from ..models import DepartmentFigures
from ..periods import bucket_of, buckets
from ..tally import ei_index
from .base import Figure, Filters, bucket_labels, grouped_check, scoped
from .departments import shown_departments


def silo_figure(f: Filters) -> Figure:
    """Each department's E-I index per bucket (small multiples)."""
    kind = f.period.bucket
    shown, hidden_departments = shown_departments(f)
    rows, check = grouped_check(
        f,
        scoped(DepartmentFigures.objects, f),
        ["department", "date"],
        key=lambda v: (v[0], bucket_of(v[1], kind)),
        e=Sum("external"),
        i=Sum("internal"),
    )
    sums: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        key = (r["department"], bucket_of(r["date"], kind))
        sums[key][0] += r["e"]
        sums[key][1] += r["i"]
    fig = Figure(
        slug="silos",
        title=_("Silo index per department"),
        explanation=_(
            "Krackhardt and Stern’s E-I index compares a department’s encounters with other "
            "departments (E) to those within it (I): (E − I) / (E + I) runs from −1, everyone "
            "meets only their own department, to +1, only other departments."
        ),
        header=[
            _("Department"),
            _("Period starting"),
            _("With other departments"),
            _("Within"),
            _("E-I index"),
        ],
    )
    series, changes = [], []
    for dept, name in shown.items():
        values: list[float | None] = []
        for b in buckets(f.period):
            key = (dept, b)
            if key not in sums:
                values.append(None)
                continue
            e, i = sums[key]
            ok = check.ok(key)
            fig.hidden += not ok
            index = ei_index(e, i) if ok else None
            values.append(None if index is None else round(index, 2))
            fig.rows.append(
                [
                    name,
                    b.isoformat(),
                    e if ok else "",
                    i if ok else "",
                    "" if index is None else round(index, 3),
                ]
            )
        series.append(Series(name, values, BLUE))
        points = [v for v in values if v is not None]
        if points:
            changes.append(
                _("%(department)s %(first)s → %(last)s")
                % {"department": name, "first": _signed(points[0]), "last": _signed(points[-1])}
            )
    fig.empty = not sums
    if changes:
        fig.summary = _("E-I index, first to last point: %(changes)s.") % {
            "changes": "; ".join(changes)
        }
    else:
        fig.summary = _("Not enough encounters in this selection to show.")
    if hidden_departments:
        fig.summary += " " + _("Hidden (too few people): %(names)s.") % {
            "names": ", ".join(hidden_departments)
        }
    fig.charts.append(
        Chart(
            kind="multiples",
            title=fig.title,
            desc=fig.summary,
            labels=bucket_labels(f),
            series=series,
            y_format="index",
            y_min=-1,
            y_max=1,
        )
    )
    return fig


def _signed(value: float) -> str:
    text = number_format(abs(value), decimal_pos=2)
    return ("−" if value < 0 else "+") + text


def silo_over_period(f: Filters) -> list[tuple[str, float | None]]:
    """Each shown department's E-I index over the whole period (every round's
    encounters added up), or None when too few people are behind it. The quarterly
    report shows this: one round's index is often ±1 because a department met only
    one way that week, which says nothing about the quarter."""
    shown, _hidden = shown_departments(f)
    rows, check = grouped_check(
        f,
        scoped(DepartmentFigures.objects, f),
        ["department"],
        key=lambda v: v[0],
        e=Sum("external"),
        i=Sum("internal"),
    )
    sums = {r["department"]: (r["e"], r["i"]) for r in rows}
    out: list[tuple[str, float | None]] = []
    for dept, name in shown.items():
        index = ei_index(*sums[dept]) if dept in sums and check.ok(dept) else None
        out.append((name, None if index is None else round(index, 2)))
    return out
