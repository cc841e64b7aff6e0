"""Outside perspective on request: how many requests, how many asked colleagues said
yes, how long from request to session, whether it helped, which departments met.

Read from the requests and asks themselves (a handful a week, not a round's worth of
rows), for requests made in the period; shown only when at least the organization's
smallest group of different people asked, and never per person."""

# Typographic quotes and dashes are meant: they are shown to people.
# ruff: noqa: RUF001

from __future__ import annotations

from datetime import date, timedelta
from statistics import median

from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from crosspaths.perspective.models import Ask, PerspectiveRequest
from crosspaths.programs.models import MatchMember, Program

from ..charts import BLUE, Chart, Series
from ..periods import parse_quarter
from .base import Figure, Filters, fmt, pct, pct_text

# The rolling periods' lengths (``insights.forms.ROLLING``, which imports this package).
_ROLLING_DAYS = {"3m": 91, "12m": 364}


def _since(f: Filters) -> date | None:
    """Where the period starts for requests. The dashboard's rolling periods start no
    earlier than the first round figures (no empty months on its charts); requests
    have no chart over time and may predate any round, so they count from the
    period's own start ("all": from the beginning)."""
    if parse_quarter(f.period.key) is not None:
        return f.period.start
    days = _ROLLING_DAYS.get(f.period.key)
    return None if days is None else f.today - timedelta(days=days)


def _requests(f: Filters):
    rows = PerspectiveRequest.objects.filter(
        organization=f.organization, created_at__date__lte=f.period.end
    )
    since = _since(f)
    if since is not None:
        rows = rows.filter(created_at__date__gte=since)
    if f.location is not None:
        rows = rows.filter(requester__location=f.location)
    return rows


def perspective_figure(f: Filters) -> Figure | None:
    """The figure, or None for a program filter of another format."""
    if f.program is not None and f.program.format != Program.Format.OUTSIDE_PERSPECTIVE:
        return None
    requests = list(_requests(f).select_related("match"))
    people = len({r.requester_id for r in requests})
    shown = people >= f.minimum
    asks = Ask.objects.filter(request__in=[r.pk for r in requests])
    answered = asks.filter(Q(status=Ask.Status.ACCEPTED) | Q(status=Ask.Status.DECLINED))
    accepted = answered.filter(status=Ask.Status.ACCEPTED).count()
    acceptance = pct(accepted, answered.count())
    waits = [
        (r.match.suggested_start - r.created_at).total_seconds() / 86400
        for r in requests
        if r.match and r.match.suggested_start
    ]
    feedback = [r.helped for r in requests if r.helped is not None]
    helped = pct(sum(1 for h in feedback if h), len(feedback))
    bridged = _departments_bridged([r.match_id for r in requests if r.match_id])
    sessions = sum(1 for r in requests if r.status == PerspectiveRequest.Status.SCHEDULED)
    days = number_format(round(median(waits), 1), decimal_pos=1) if waits else "–"
    values = [
        (_("Requests"), fmt(len(requests))),
        (_("Sessions set up"), fmt(sessions)),
        (_("Asked colleagues who said yes"), pct_text(acceptance)),
        (_("Median days from request to session"), days),
        (_("Requesters who said it helped"), pct_text(helped)),
        (_("Department pairs bridged"), fmt(bridged)),
    ]
    fig = Figure(
        slug="perspective",
        title=_("Outside perspective"),
        explanation=_(
            "Requests for an outside perspective made in the period: the share of answered "
            "asks that were a yes, the median time from request to the session, the share "
            "of requesters who said it helped, and how many pairs of departments met in a "
            "session."
        ),
        header=[_("Figure"), _("Value")],
        rows=[[label, value if shown else ""] for label, value in values],
        empty=not requests,
        hidden=0 if shown or not requests else len(values),
    )
    if shown:
        fig.summary = _(
            "Requests: %(requests)s; sessions set up: %(sessions)s; asks answered with yes: "
            "%(yes)s; days from request to session (median): %(days)s; requesters who said "
            "it helped: %(helped)s."
        ) % {
            "requests": fmt(len(requests)),
            "sessions": fmt(sessions),
            "yes": pct_text(acceptance),
            "days": days,
            "helped": pct_text(helped),
        }
        fig.charts.append(
            Chart(
                kind="bars",
                title=fig.title,
                desc=fig.summary,
                labels=[_("Said yes"), _("It helped")],
                series=[Series(_("Share (%)"), [acceptance, helped], BLUE)],
            )
        )
    else:
        fig.summary = _("Not enough requests in this selection to show.")
    return fig


def _departments_bridged(match_ids: list[int]) -> int:
    """Distinct pairs of departments that sat in one session."""
    members: dict[int, set[int]] = {}
    for match_id, dept in MatchMember.objects.filter(
        match_id__in=match_ids, person__department__isnull=False
    ).values_list("match_id", "person__department_id"):
        members.setdefault(match_id, set()).add(dept)
    pairs = {(a, b) for depts in members.values() for a in depts for b in depts if a < b}
    return len(pairs)
