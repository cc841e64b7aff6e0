"""Does it pay off? The stored collaboration estimate as a dashboard figure (and so in
its CSV and the quarterly PDF): the uplift with its interval and the number of pairs,
or nothing but a sentence while it is not shown. Organization-wide only, as the
estimate is."""

from __future__ import annotations

from django.utils.translation import gettext as _

from crosspaths.collaboration.models import PayoffEstimate

from ..payoff import payoff
from .base import Figure, Filters


def payoff_figure(f: Filters) -> Figure | None:
    """None when nothing is collected (no estimate stored) or for filters that are not
    organization-wide; the numbers only when the estimate passes its privacy and
    sample-size rules."""
    if not f.organization_wide or f.program or f.location:
        return None
    if not PayoffEstimate.objects.filter(organization=f.organization).exists():
        return None
    words = payoff(f.organization)
    est = words.estimate
    fig = Figure(
        slug="pays-off",
        title=_("Does it pay off?"),
        explanation=_(
            "Interactions of colleagues who met, after against before their round, compared "
            "with comparable colleagues who could have met and did not; every round so far, "
            "whatever the period chosen."
        ),
        summary=words.headline,
        header=[
            _("Uplift (ratio)"),
            _("Low (95 %)"),
            _("High (95 %)"),
            _("Pairs"),
            _("Comparison pairs"),
            _("Weeks after"),
        ],
    )
    if est is None or not est.shown or est.uplift is None:
        fig.empty = True
        return fig
    fig.rows = [
        [
            round(est.uplift, 3),
            "" if est.low is None else round(est.low, 3),
            "" if est.high is None else round(est.high, 3),
            est.pairs,
            est.comparison_pairs,
            est.weeks_after,
        ]
    ]
    return fig
