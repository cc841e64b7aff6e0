"""Team bridges: how far each bridge has come (the share of its cross-team pairs that
have met) and how many pairs met for the first time in the period.

Unlike the other figures this reads the bridge's own groups (``bridges.selectors``),
not a figure table: coverage is a fact about pairs of one program, which no figure
table keeps, and a bridge is a few teams, not the organization. A bridge's row is shown
only when at least ``min_cell_size`` people take part in it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from crosspaths.bridges.selectors import bridge_progress, bridges_for

from ..charts import GREEN, Chart, Series
from .base import Figure, Filters, fmt, pct_text, period_text


def bridges_figure(f: Filters) -> Figure | None:
    """None when no bridge is in view (the dashboard then shows no empty card)."""
    found = bridges_for(f.organization.pk)
    if f.program is not None:
        found = found.filter(program=f.program)
    elif not f.organization_wide:
        return None
    bridges = list(found)
    if not bridges:
        return None
    fig = Figure(
        slug="bridges",
        title=_("Team bridges"),
        explanation=_(
            "For each team bridge: of all pairs of its members from different teams, the "
            "share that has met in the bridge by the end of the period, and how many pairs "
            "met for the first time within it. Counted over today's members; the location "
            "filter does not apply."
        ),
        header=[
            _("Bridge"),
            _("Members"),
            _("Cross-team pairs"),
            _("Met"),
            _("Coverage (%)"),
            _("First met in the period"),
        ],
    )
    labels, shares = [], []
    shown = []  # (name, progress) of the bridges with enough members to show
    for bridge in bridges:
        p = bridge_progress(bridge, since=f.period.start, until=f.period.end)
        if p.members < f.minimum:
            fig.hidden += 1
            continue
        fig.rows.append([bridge.program.name, p.members, p.total, p.met, p.percent, p.new])
        shown.append((bridge.program.name, p))
        labels.append(bridge.program.name)
        shares.append(p.percent)
    fig.empty = not fig.rows
    if fig.rows:
        fig.summary = "; ".join(
            _(
                "%(bridge)s: %(met)s of %(total)s cross-team pairs met (%(share)s), %(new)s for the first time in %(period)s"
            )
            % {
                "bridge": name,
                "met": fmt(p.met),
                "total": fmt(p.total),
                "share": pct_text(p.percent),
                "new": fmt(p.new),
                "period": period_text(f),
            }
            for name, p in shown
        )
    else:
        fig.summary = _("Not enough people in these bridges to show.")
    fig.charts.append(
        Chart(
            kind="bars",
            title=fig.title,
            desc=fig.summary,
            labels=labels,
            series=[Series(_("Coverage"), shares, GREEN)],
            y_format="percent",
            y_max=100,
        )
    )
    return fig
