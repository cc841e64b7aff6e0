"""Participation over time: the whole organization's invitations and enrollments, or
one program's enrolled, matched, paused and left-out people, as of each round."""

from __future__ import annotations

from operator import attrgetter

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..charts import BLUE, GREEN, ORANGE, PURPLE, VERMILION, Chart, Series
from ..models import ParticipationFigures, RoundFigures
from ..periods import bucket_of
from .base import Figure, Filters, bucket_labels, bucket_slots, fmt, pct, pct_text, scoped


def participation_figure(f: Filters) -> Figure:
    """Invited, opted in, enrolled and paused people over time (the whole organization),
    or enrolled, in a group, paused and left out for one program."""
    kind = f.period.bucket
    fig = Figure(slug="participation", title=_("Participation"), explanation="")
    rows: list[ParticipationFigures] | list[RoundFigures]
    if f.program is None and f.organization_wide:
        fig.explanation = _(
            "People invited, those of them who opted in (joined or enrolled), people enrolled "
            "in at least one program and people paused in all of theirs, as of each round."
        )
        rows = list(scoped(ParticipationFigures.objects, f, program=False).order_by("date"))
        keys = [
            ("invited", _("Invited"), BLUE),
            ("opted_in", _("Opted in"), GREEN),
            ("enrolled", _("Enrolled"), ORANGE),
            ("paused", _("Paused"), PURPLE),
        ]
    else:
        fig.explanation = _(
            "People enrolled in the program, in a group, paused and left out without a group, "
            "in each round."
        )
        rows = list(scoped(RoundFigures.objects, f).order_by("date", "round_id"))
        keys = [
            ("enrolled", _("Enrolled"), BLUE),
            ("matched", _("In a group"), GREEN),
            ("paused", _("Paused"), PURPLE),
            ("left_out", _("Left out"), VERMILION),
        ]
    latest = {bucket_of(r.date, kind): r for r in rows}  # the last row of each bucket
    slots = bucket_slots(f, latest, lambda _b, r: _people(r) >= f.minimum)
    fig.header = [_("Period starting"), *[label for _k, label, _c in keys]]
    fig.hidden = sum(s.hidden for s in slots)
    fig.rows = [s.row(getattr(s.value, k) for k, _l, _c in keys) for s in slots if s.value]
    fig.empty = not latest
    fig.charts.append(
        Chart(
            kind="lines",
            title=fig.title,
            labels=bucket_labels(f),
            series=[
                Series(label, [s.point(attrgetter(k)) for s in slots], color)
                for k, label, color in keys
            ],
        )
    )
    last = next((s.value for s in reversed(slots) if s.shown), None)
    fig.summary = _summary(last)
    fig.charts[0].desc = fig.summary
    return fig


def _people(row: ParticipationFigures | RoundFigures) -> int:
    """How many people a participation row stands for (the small-group rule's count)."""
    if isinstance(row, ParticipationFigures):
        return max(row.invited, row.enrolled)
    return row.enrolled


def _summary(last: ParticipationFigures | RoundFigures | None) -> str:
    if last is None:
        return _("No participation figures for this selection yet.")
    if isinstance(last, ParticipationFigures):
        return _(
            "On %(date)s: %(invited)s people invited, %(opted_in)s of them opted in "
            "(%(rate)s), %(enrolled)s enrolled, %(paused)s paused."
        ) % {
            "date": date_format(last.date, "DATE_FORMAT"),
            "invited": fmt(last.invited),
            "opted_in": fmt(last.opted_in),
            "rate": pct_text(pct(last.opted_in, last.invited)),
            "enrolled": fmt(last.enrolled),
            "paused": fmt(last.paused),
        }
    return _(
        "In the round of %(date)s: %(enrolled)s enrolled, %(matched)s in a group, "
        "%(paused)s paused, %(left_out)s left out."
    ) % {
        "date": date_format(last.date, "DATE_FORMAT"),
        "enrolled": fmt(last.enrolled),
        "matched": fmt(last.matched),
        "paused": fmt(last.paused),
        "left_out": fmt(last.left_out),
    }
