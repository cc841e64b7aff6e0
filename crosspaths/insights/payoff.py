"""Does it pay off? The stored estimate of ``crosspaths.collaboration`` in words, as a
chart of the cross-department share and as CSV rows. Reads one stored row; computing
happens nightly or in a task."""

# ruff: noqa: RUF001, RUF002

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from crosspaths.collaboration.models import PayoffEstimate
from crosspaths.collaboration.services import MIN_PAIRS
from crosspaths.people.models import Organization

from .charts import ORANGE, Chart, Series
from .periods import bucket_label


def times(value: float | None) -> str:
    """2.1 -> "2.1×" in the reader's locale; None -> "–"."""
    if value is None:
        return "–"
    return _("%(ratio)s×") % {"ratio": number_format(round(value, 1), 1)}


@dataclass
class Payoff:
    estimate: PayoffEstimate | None
    headline: str = ""
    detail: str = ""
    trend_summary: str = ""
    chart: Chart | None = None
    departments: list[dict[str, object]] = field(default_factory=list)


def payoff(organization: Organization) -> Payoff:
    est = PayoffEstimate.objects.filter(organization=organization).first()
    out = Payoff(estimate=est)
    if est is None:
        return out
    if est.shown and est.uplift is not None:
        out.headline = _(
            "Colleagues who met exchanged %(uplift)s as many messages and other interactions "
            "in the following %(weeks)s weeks as comparable colleagues who had not met "
            "(95 %% interval %(low)s–%(high)s, %(pairs)s pairs)."
        ) % {
            "uplift": times(est.uplift),
            "weeks": est.weeks_after,
            "low": times(est.low),
            "high": times(est.high) if est.high is not None else _("open"),
            "pairs": number_format(est.pairs, force_grouping=True),
        }
        out.detail = _(
            "That is %(difference)s more interactions per pair over %(weeks)s weeks (95 %% "
            "interval %(low)s to %(high)s), compared with %(comparison)s comparison pairs "
            "from %(rounds)s rounds."
        ) % {
            "difference": number_format(round(est.difference or 0, 1), 1),
            "weeks": est.weeks_after,
            "low": number_format(round(est.difference_low or 0, 1), 1),
            "high": number_format(round(est.difference_high or 0, 1), 1),
            "comparison": number_format(est.comparison_pairs, force_grouping=True),
            "rounds": est.rounds,
        }
    else:
        out.headline = _(
            "Not enough pairs yet: the figure appears once at least %(min_pairs)s pairs who "
            "met have %(weeks)s weeks of interaction counts before and after their round "
            "(now %(pairs)s)."
        ) % {"min_pairs": MIN_PAIRS, "weeks": est.weeks_after, "pairs": est.pairs}
    out.departments = [
        {
            "departments": " · ".join(str(d) for d in row["departments"]),
            "pairs": row["pairs"],
            "uplift": times(row["uplift"]),
            "interval": f"{times(row['low'])}–{times(row['high'])}"
            if row["low"] is not None and row["high"] is not None
            else _("too few interactions to tell"),
        }
        for row in (est.departments if est.shown else [])
    ]
    points = [p for p in est.trend if p["share"] is not None]
    months = [date.fromisoformat(p["month"]) for p in est.trend]
    out.chart = Chart(
        kind="lines",
        title=_("Interactions across departments"),
        desc="",
        labels=[bucket_label(m, "month") for m in months],
        series=[Series(_("Share across departments"), [p["share"] for p in est.trend], ORANGE)],
        y_format="percent",
        y_max=100,
    )
    if points:
        out.trend_summary = _(
            "%(first)s%% of all interactions crossed departments in %(start)s, %(last)s%% in "
            "%(end)s."
        ) % {
            "first": number_format(points[0]["share"], 1),
            "start": bucket_label(date.fromisoformat(points[0]["month"]), "month"),
            "last": number_format(points[-1]["share"], 1),
            "end": bucket_label(date.fromisoformat(points[-1]["month"]), "month"),
        }
    else:
        out.trend_summary = _("Not enough interaction counts to show a trend.")
    out.chart.desc = out.trend_summary
    return out


def payoff_rows(organization: Organization) -> tuple[list[str], list[list[object]]]:
    """The CSV: the overall estimate, each department pair shown, each month's share."""
    header = [
        _("What"),
        _("Departments or month"),
        _("Pairs"),
        _("Uplift (ratio)"),
        _("Low (95 %)"),
        _("High (95 %)"),
        _("Extra interactions per pair"),
        _("Share across departments (%)"),
    ]
    est = PayoffEstimate.objects.filter(organization=organization).first()
    rows: list[list[object]] = []
    if est is None:
        return header, rows
    if est.shown:
        rows.append(
            [
                _("overall"),
                "",
                est.pairs,
                _round(est.uplift),
                _round(est.low),
                _round(est.high),
                _round(est.difference),
                "",
            ]
        )
        for d in est.departments:
            rows.append(
                [
                    _("department pair"),
                    " · ".join(str(x) for x in d["departments"]),
                    d["pairs"],
                    _round(d["uplift"]),
                    _round(d["low"]),
                    _round(d["high"]),
                    _round(d["difference"]),
                    "",
                ]
            )
    for p in est.trend:
        rows.append(
            [_("month"), p["month"], "", "", "", "", "", "" if p["share"] is None else p["share"]]
        )
    return header, rows


def _round(value: float | None) -> object:
    return "" if value is None else round(value, 3)
