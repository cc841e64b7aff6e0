"""Reads for the insights dashboard: each ``*_figure`` function turns the small figure
tables into one ``Figure`` (chart specs, a text summary and the numbers behind it).

Nothing here reads matches or check-ins: only ``RoundFigures``, ``PairFigures``,
``DepartmentFigures``, ``ParticipationFigures``, ``ReachSnapshot`` and, for the waiting
list, enrollments with their ``LastMatch``. Every number passes the small-group rule
of ``crosspaths.insights.privacy`` before it is shown.
"""

# Typographic minus, dashes and multiplication signs are meant: they are shown to people.
# ruff: noqa: RUF001, RUF002

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crosspaths.people.models import Department, Location, Organization
from crosspaths.programs.models import Enrollment, LeftOut, Program

from .charts import BLUE, GREEN, GREY, ORANGE, PURPLE, VERMILION, Chart, Series
from .forms import Period
from .models import (
    DepartmentFigures,
    LastMatch,
    PairFigures,
    ParticipationFigures,
    ReachSnapshot,
    RoundFigures,
)
from .privacy import PeopleCheck, enough_people

WAITING_LISTED = 10


@dataclass(frozen=True)
class Filters:
    organization: Organization
    program: Program | None
    location: Location | None
    period: Period
    organization_wide: bool  # may see figures of the whole organization (admins)
    today: date

    @property
    def minimum(self) -> int:
        return max(1, self.organization.min_cell_size)

    def query(self) -> dict[str, str]:
        """The filters as GET parameters (for CSV and report links)."""
        params = {"period": self.period.key}
        if self.program:
            params["program"] = str(self.program.pk)
        if self.location:
            params["location"] = str(self.location.pk)
        return params


@dataclass
class Figure:
    slug: str
    title: str
    explanation: str  # what the figure shows and how it is counted, in a sentence or two
    summary: str = ""  # the text alternative: the numbers in words
    charts: list[Chart] = field(default_factory=list)
    header: list[str] = field(default_factory=list)  # the numbers behind it (CSV, table)
    rows: list[list[object]] = field(default_factory=list)
    hidden: int = 0  # values hidden because too few people are behind them
    empty: bool = False
    people: list[dict[str, object]] = field(default_factory=list)  # the waiting list only

    def hidden_note(self, minimum: int) -> str:
        if not self.hidden:
            return ""
        return ngettext(
            "%(count)s value is hidden because fewer than %(minimum)s people are behind it.",
            "%(count)s values are hidden because fewer than %(minimum)s people are behind them.",
            self.hidden,
        ) % {"count": self.hidden, "minimum": minimum}


# --- helpers -----------------------------------------------------------------------


def fmt(n: float | int) -> str:
    return number_format(n, force_grouping=True)


def pct(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def pct_text(value: float | None) -> str:
    if value is None:
        return "–"
    return _("%(percent)s%%") % {"percent": number_format(round(value))}


def bucket_of(day: date, kind: str) -> date:
    return day - timedelta(days=day.weekday()) if kind == "week" else day.replace(day=1)


def buckets(period: Period) -> list[date]:
    kind = period.bucket
    out, day = [], bucket_of(period.start, kind)
    while day <= period.end:
        out.append(day)
        if kind == "week":
            day += timedelta(days=7)
        else:
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return out


def bucket_label(day: date, kind: str) -> str:
    return date_format(day, "j M" if kind == "week" else "M Y")


def _scoped(qs: QuerySet, f: Filters, *, program: bool = True) -> QuerySet:
    qs = qs.filter(organization=f.organization, date__gte=f.period.start, date__lte=f.period.end)
    qs = qs.filter(location=f.location) if f.location else qs.filter(location__isnull=True)
    if program and f.program is not None:
        qs = qs.filter(program=f.program)
    return qs


def _period_text(f: Filters) -> str:
    return _("%(start)s to %(end)s") % {
        "start": date_format(f.period.start, "DATE_FORMAT"),
        "end": date_format(f.period.end, "DATE_FORMAT"),
    }


def _round_rows(f: Filters, fields: Iterable[str]) -> list[dict]:
    return list(_scoped(RoundFigures.objects, f).values("date", "people", "people_ids", *fields))


# --- participation -----------------------------------------------------------------


def participation_figure(f: Filters) -> Figure:
    """Invited, opted in, enrolled and paused people over time (the whole organization),
    or enrolled, in a group, paused and left out for one program."""
    kind = f.period.bucket
    slots = buckets(f.period)
    labels = [bucket_label(b, kind) for b in slots]
    fig = Figure(
        slug="participation",
        title=_("Participation"),
        explanation="",
    )
    if f.program is None and f.organization_wide:
        fig.explanation = _(
            "People invited, those of them who opted in (joined or enrolled), people enrolled "
            "in at least one program and people paused in all of theirs, as of each round."
        )
        rows = _scoped(ParticipationFigures.objects, f, program=False).order_by("date")
        keys = [
            ("invited", _("Invited"), BLUE),
            ("opted_in", _("Opted in"), GREEN),
            ("enrolled", _("Enrolled"), ORANGE),
            ("paused", _("Paused"), PURPLE),
        ]
        latest = {bucket_of(r.date, kind): r for r in rows}  # the last row of each bucket
        big_enough = {b: max(r.invited, r.enrolled) >= f.minimum for b, r in latest.items()}
    else:
        fig.explanation = _(
            "People enrolled in the program, in a group, paused and left out without a group, "
            "in each round."
        )
        rows = _scoped(RoundFigures.objects, f).order_by("date", "round_id")
        keys = [
            ("enrolled", _("Enrolled"), BLUE),
            ("matched", _("In a group"), GREEN),
            ("paused", _("Paused"), PURPLE),
            ("left_out", _("Left out"), VERMILION),
        ]
        latest = {bucket_of(r.date, kind): r for r in rows}
        big_enough = {b: r.enrolled >= f.minimum for b, r in latest.items()}
    fig.header = [_("Period starting"), *[label for _k, label, _c in keys]]
    series = {k: [] for k, _l, _c in keys}
    for b in slots:
        row = latest.get(b)
        shown = row is not None and big_enough[b]
        fig.hidden += row is not None and not shown
        for k, _l, _c in keys:
            series[k].append(getattr(row, k) if shown else None)
        if row is not None:
            fig.rows.append(
                [b.isoformat(), *[getattr(row, k) if shown else "" for k, _l, _c in keys]]
            )
    fig.empty = not latest
    fig.charts.append(
        Chart(
            kind="lines",
            title=fig.title,
            labels=labels,
            series=[Series(label, series[k], color) for k, label, color in keys],
        )
    )
    last = next((latest[b] for b in reversed(slots) if b in latest and big_enough[b]), None)
    if last is None:
        fig.summary = _("No participation figures for this selection yet.")
    elif isinstance(last, ParticipationFigures):
        fig.summary = _(
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
    else:
        fig.summary = _(
            "In the round of %(date)s: %(enrolled)s enrolled, %(matched)s in a group, "
            "%(paused)s paused, %(left_out)s left out."
        ) % {
            "date": date_format(last.date, "DATE_FORMAT"),
            "enrolled": fmt(last.enrolled),
            "matched": fmt(last.matched),
            "paused": fmt(last.paused),
            "left_out": fmt(last.left_out),
        }
    fig.charts[0].desc = fig.summary
    return fig


# --- meetings ------------------------------------------------------------------------


@dataclass
class MeetingTotals:
    matches: int = 0
    happened: int = 0
    not_happened: int = 0
    unanswered: int = 0
    no_shows: int = 0
    answers: int = 0
    ratings: list[int] = field(default_factory=lambda: [0] * 5)
    encounters: int = 0
    new_connections: int = 0
    cross_department: int = 0
    same_department: int = 0

    def add(self, row: dict) -> None:
        for name in (
            "matches",
            "happened",
            "not_happened",
            "unanswered",
            "no_shows",
            "answers",
            "encounters",
            "new_connections",
            "cross_department",
            "same_department",
        ):
            setattr(self, name, getattr(self, name) + row.get(name, 0))
        for i, n in enumerate(row.get("ratings") or []):
            self.ratings[i] += n

    @property
    def met_rate(self) -> float | None:
        return pct(self.happened, self.happened + self.not_happened)

    @property
    def cross_share(self) -> float | None:
        return pct(self.cross_department, self.cross_department + self.same_department)


ROUND_FIELDS = (
    "matches",
    "happened",
    "not_happened",
    "unanswered",
    "no_shows",
    "answers",
    "ratings",
    "encounters",
    "new_connections",
    "cross_department",
    "same_department",
)


def round_totals(f: Filters) -> tuple[dict[date, MeetingTotals], PeopleCheck, MeetingTotals]:
    """Meeting and encounter totals per bucket and for the whole period, with the
    people check per bucket (key: bucket start) and for the period (key: None)."""
    kind = f.period.bucket
    per_bucket: dict[date, MeetingTotals] = defaultdict(MeetingTotals)
    total = MeetingTotals()
    check = PeopleCheck(f.minimum)
    for row in _round_rows(f, ROUND_FIELDS):
        b = bucket_of(row["date"], kind)
        per_bucket[b].add(row)
        total.add(row)
        check.add(b, row["people"], row["people_ids"])
        check.add(None, row["people"], row["people_ids"])
    return per_bucket, check, total


def meetings_figure(f: Filters, totals=None) -> Figure:
    per_bucket, check, total = totals or round_totals(f)
    kind = f.period.bucket
    slots = buckets(f.period)
    fig = Figure(
        slug="meetings",
        title=_("Meetings that happened"),
        explanation=_(
            "A group counts as met when any member answered “we met”, as not happened when "
            "members answered and nobody said so; the rate counts the groups with an answer. "
            "A no-show is one “it did not happen” answer."
        ),
        header=[
            _("Period starting"),
            _("Groups"),
            _("Met"),
            _("Did not happen"),
            _("No answer"),
            _("Met rate (%)"),
            _("No-shows"),
        ],
    )
    met, missed, silent = [], [], []
    for b in slots:
        t = per_bucket.get(b)
        shown = t is not None and check.ok(b)
        fig.hidden += t is not None and not shown
        met.append(t.happened if shown else None)
        missed.append(t.not_happened if shown else None)
        silent.append(t.unanswered if shown else None)
        if t is not None:
            fig.rows.append(
                [b.isoformat()]
                + (
                    [t.matches, t.happened, t.not_happened, t.unanswered, t.met_rate, t.no_shows]
                    if shown
                    else [""] * 6
                )
            )
    fig.empty = not per_bucket
    if not fig.empty and check.ok(None):
        fig.summary = _(
            "%(period)s: %(groups)s groups; %(met)s met, %(missed)s did not happen, "
            "%(silent)s without an answer — %(rate)s of the answered groups met. "
            "%(no_shows)s no-shows."
        ) % {
            "period": _period_text(f),
            "groups": fmt(total.matches),
            "met": fmt(total.happened),
            "missed": fmt(total.not_happened),
            "silent": fmt(total.unanswered),
            "rate": pct_text(total.met_rate),
            "no_shows": fmt(total.no_shows),
        }
    else:
        fig.summary = _("Not enough meetings in this selection to show.")
    fig.charts.append(
        Chart(
            kind="stacked",
            title=fig.title,
            desc=fig.summary,
            labels=[bucket_label(b, kind) for b in slots],
            series=[
                Series(_("Met"), met, BLUE),
                Series(_("Did not happen"), missed, VERMILION),
                Series(_("No answer"), silent, GREY),
            ],
        )
    )
    return fig


def ratings_figure(f: Filters, totals=None) -> Figure:
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


# --- connections -----------------------------------------------------------------------


def connections_figure(f: Filters, totals=None) -> Figure:
    """New connections per bucket and the running total of distinct connections."""
    per_bucket, check, total = totals or round_totals(f)
    kind = f.period.bucket
    slots = buckets(f.period)
    before = RoundFigures.objects.filter(organization=f.organization, date__lt=f.period.start)
    before = (
        before.filter(location=f.location) if f.location else before.filter(location__isnull=True)
    )
    if f.program is not None:
        before = before.filter(program=f.program)
    running = before.aggregate(n=Coalesce(Sum("new_connections"), 0))["n"]
    fig = Figure(
        slug="connections",
        title=_("New connections"),
        explanation=_(
            "A connection is two people matched together for the first time, in any program; "
            "the line adds them up to the number of distinct pairs who have met."
        ),
        header=[_("Period starting"), _("New connections"), _("Distinct connections so far")],
    )
    new, cumulative = [], []
    for b in slots:
        t = per_bucket.get(b)
        if t is not None:
            running += t.new_connections
        shown = t is not None and check.ok(b)
        fig.hidden += t is not None and not shown
        new.append(t.new_connections if shown else None)
        cumulative.append(running if (t is None or shown) and check.ok(None) else None)
        if t is not None:
            fig.rows.append(
                [b.isoformat(), t.new_connections if shown else "", running if shown else ""]
            )
    fig.empty = not per_bucket
    if not fig.empty and check.ok(None):
        fig.summary = _(
            "%(period)s: %(new)s new connections (%(share)s of all %(encounters)s encounters); "
            "%(total)s distinct connections so far."
        ) % {
            "period": _period_text(f),
            "new": fmt(total.new_connections),
            "share": pct_text(pct(total.new_connections, total.encounters)),
            "encounters": fmt(total.encounters),
            "total": fmt(running),
        }
    else:
        fig.summary = _("Not enough encounters in this selection to show.")
    labels = [bucket_label(b, kind) for b in slots]
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


def cross_department_figure(f: Filters, totals=None) -> Figure:
    per_bucket, check, total = totals or round_totals(f)
    kind = f.period.bucket
    slots = buckets(f.period)
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
    shares = []
    for b in slots:
        t = per_bucket.get(b)
        shown = t is not None and check.ok(b) and t.cross_share is not None
        fig.hidden += t is not None and not shown and t.cross_share is not None
        shares.append(t.cross_share if shown else None)
        if t is not None:
            fig.rows.append(
                [b.isoformat()]
                + (
                    [t.cross_department, t.same_department, t.cross_share]
                    if shown
                    else ["", "", ""]
                )
            )
    fig.empty = not per_bucket
    points = [s for s in shares if s is not None]
    if points and check.ok(None):
        fig.summary = _(
            "%(period)s: %(share)s of encounters crossed departments (first point %(first)s, "
            "last %(last)s)."
        ) % {
            "period": _period_text(f),
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
            labels=[bucket_label(b, kind) for b in slots],
            series=[Series(_("Share across departments"), shares, ORANGE)],
            y_format="percent",
            y_max=100,
        )
    )
    return fig


# --- departments -------------------------------------------------------------------------


def _department_names(org: Organization) -> dict[int, str]:
    return dict(Department.objects.filter(organization=org).values_list("pk", "name"))


def shown_departments(f: Filters) -> tuple[dict[int, str], list[str]]:
    """Departments with enough of their own people taking part in the period (key ->
    name), and the names of those hidden."""
    names = _department_names(f.organization)
    rows = _scoped(DepartmentFigures.objects, f).values("department").annotate(most=Max("people"))
    check = PeopleCheck(f.minimum)
    small = []
    for row in rows:
        check.add(row["department"], row["most"], [])
        if row["most"] < f.minimum:
            small.append(row["department"])
    if small:
        for dept, people, ids in (
            _scoped(DepartmentFigures.objects, f)
            .filter(department__in=small, people__lt=f.minimum)
            .values_list("department", "people", "people_ids")
        ):
            check.add(dept, people, ids)
    shown = {d: names.get(d, _("Former department")) for d in check.rows if check.ok(d)}
    hidden = sorted(names.get(d, _("Former department")) for d in check.rows if not check.ok(d))
    return dict(sorted(shown.items(), key=lambda kv: kv[1].lower())), hidden


def department_matrix_figure(f: Filters) -> Figure:
    """Encounters between every two departments over the period (the heatmap)."""
    shown, hidden_departments = shown_departments(f)
    cells = (
        _scoped(PairFigures.objects, f)
        .values("department_a", "department_b")
        .annotate(encounters=Sum("encounters"), most=Max("people"))
    )
    check = PeopleCheck(f.minimum)
    totals: dict[tuple[int, int], int] = {}
    small: list[tuple[int, int]] = []
    for c in cells:
        key = (c["department_a"], c["department_b"])
        totals[key] = c["encounters"]
        check.add(key, c["most"], [])
        if c["most"] < f.minimum:
            small.append(key)
    if small:
        wanted = Q()
        for a, b in small:
            wanted |= Q(department_a=a, department_b=b)
        for a, b, people, ids in (
            _scoped(PairFigures.objects, f)
            .filter(wanted, people__lt=f.minimum)
            .values_list("department_a", "department_b", "people", "people_ids")
        ):
            check.add((a, b), people, ids)
    order = list(shown)
    labels = [shown[d] for d in order]
    matrix: list[list[float | None]] = []
    fig = Figure(
        slug="departments",
        title=_("Who meets whom"),
        explanation=_(
            "Encounters between the people of two departments in the period; the diagonal "
            "counts encounters within a department. Departments and cells with fewer than "
            "%(minimum)s people behind them are hidden."
        )
        % {"minimum": f.minimum},
        header=[_("Department"), _("Department"), _("Encounters")],
    )
    best: tuple[int, str, str] | None = None
    for a in order:
        line: list[float | None] = []
        for b in order:
            key = (a, b) if a <= b else (b, a)
            value = totals.get(key, 0)
            ok = key not in totals or check.ok(key)
            line.append(value if ok else None)
        matrix.append(line)
    for (a, b), value in sorted(totals.items()):
        if a in shown and b in shown:
            ok = check.ok((a, b))
            fig.hidden += not ok
            fig.rows.append([shown[a], shown[b], value if ok else ""])
            if ok and a != b and (best is None or value > best[0]):
                best = (value, shown[a], shown[b])
    fig.empty = not totals
    if fig.empty:
        fig.summary = _("No encounters in this selection yet.")
    else:
        within = sum(
            v for (a, b), v in totals.items() if a == b and a in shown and check.ok((a, b))
        )
        fig.summary = _("%(departments)s departments shown.") % {"departments": len(order)}
        if best:
            fig.summary += " " + _(
                "The most encounters across departments: %(a)s and %(b)s (%(count)s)."
            ) % {"a": best[1], "b": best[2], "count": fmt(best[0])}
        fig.summary += " " + _("%(count)s encounters within departments.") % {"count": fmt(within)}
        if hidden_departments:
            fig.summary += " " + _("Hidden (too few people): %(names)s.") % {
                "names": ", ".join(hidden_departments)
            }
    fig.charts.append(
        Chart(kind="heatmap", title=fig.title, desc=fig.summary, labels=labels, matrix=matrix)
    )
    return fig


def ei_index(external: int, internal: int) -> float | None:
    """Krackhardt and Stern's E-I index: (E − I) / (E + I), from −1 (only within the
    group) to +1 (only outside it); None without encounters."""
    if external + internal == 0:
        return None
    return (external - internal) / (external + internal)


def silo_figure(f: Filters) -> Figure:
    """Each department's E-I index per bucket (small multiples)."""
    kind = f.period.bucket
    slots = buckets(f.period)
    shown, hidden_departments = shown_departments(f)
    rows = (
        _scoped(DepartmentFigures.objects, f)
        .values("date", "department")
        .annotate(e=Sum("external"), i=Sum("internal"), most=Max("people"))
    )
    sums: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])
    check = PeopleCheck(f.minimum)
    small_keys = set()
    for r in rows:
        key = (r["department"], bucket_of(r["date"], kind))
        sums[key][0] += r["e"]
        sums[key][1] += r["i"]
        check.add(key, r["most"], [])
        if r["most"] < f.minimum:
            small_keys.add(key)
    if small_keys:
        for dept, day, people, ids in (
            _scoped(DepartmentFigures.objects, f)
            .filter(department__in={d for d, _b in small_keys}, people__lt=f.minimum)
            .values_list("department", "date", "people", "people_ids")
        ):
            check.add((dept, bucket_of(day, kind)), people, ids)
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
        for b in slots:
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
            labels=[bucket_label(b, kind) for b in slots],
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


# --- reach -----------------------------------------------------------------------------


def reach_figure(f: Filters) -> Figure:
    """How many distinct colleagues and other departments people have met, as of the
    period's end (every program counts: reach is a person's whole network)."""
    fig = Figure(
        slug="reach",
        title=_("Reach: how many colleagues people have met"),
        explanation=_(
            "For everyone enrolled or who has met anyone: distinct colleagues and other "
            "departments met since the start, as of the end of the period, in every program."
        ),
        header=[_("Measure"), _("Met"), _("People")],
    )
    snapshots = ReachSnapshot.objects.filter(organization=f.organization, date__lte=f.period.end)
    snapshots = (
        snapshots.filter(location=f.location)
        if f.location
        else snapshots.filter(location__isnull=True)
    )
    day = snapshots.aggregate(day=Max("date"))["day"]
    if day is None:
        fig.empty = True
        fig.summary = _("No reach figures for this selection yet.")
        return fig
    bars = list(snapshots.filter(date=day).order_by("metric", "low"))
    parts = []
    for metric, title, color in (
        (ReachSnapshot.Metric.COLLEAGUES, _("Distinct colleagues met"), BLUE),
        (ReachSnapshot.Metric.DEPARTMENTS, _("Other departments met"), GREEN),
    ):
        mine = [b for b in bars if b.metric == metric]
        labels = [_bar_label(b.low, b.high) for b in mine]
        values = [b.people if b.people >= f.minimum or b.people == 0 else None for b in mine]
        fig.hidden += sum(v is None for v in values)
        fig.rows += [
            [title, label, "" if v is None else v] for label, v in zip(labels, values, strict=True)
        ]
        fig.charts.append(
            Chart(
                kind="bars",
                title=title,
                labels=labels,
                series=[Series(_("People"), values, color)],
            )
        )
        population = sum(b.people for b in mine)
        reached = sum(b.people for b in mine if b.low >= (3 if metric == "colleagues" else 2))
        if population:
            parts.append(
                (
                    _("%(share)s have met 3 or more colleagues")
                    if metric == "colleagues"
                    else _("%(share)s have met people from 2 or more other departments")
                )
                % {"share": pct_text(pct(reached, population))}
            )
    fig.summary = _("As of %(date)s, of %(people)s people: %(parts)s.") % {
        "date": date_format(day, "DATE_FORMAT"),
        "people": fmt(sum(b.people for b in bars if b.metric == "colleagues")),
        "parts": "; ".join(parts),
    }
    for chart in fig.charts:
        chart.desc = fig.summary
    return fig


def _bar_label(low: int, high: int | None) -> str:
    if high is None:
        return f"{low}+"
    return str(low) if low == high else f"{low}–{high}"


# --- waiting ---------------------------------------------------------------------------


def _prefixed(q: Q, prefix: str) -> Q:
    """The same condition, on a related model's fields."""
    out = Q(_connector=q.connector, _negated=q.negated)
    for child in q.children:
        out.children.append(
            _prefixed(child, prefix) if isinstance(child, Q) else (prefix + child[0], child[1])
        )
    return out


def waiting_figure(f: Filters) -> Figure:
    """The enrolled, unpaused people who have gone longest without a group: actionable,
    so names are shown (to admins and the program's managers), never their answers."""
    fig = Figure(
        slug="waiting",
        title=_("Waiting longest for a group"),
        explanation=_(
            "Enrolled people who are not paused, by the time since their last group in the "
            "program (or since they joined, if they never had one)."
        ),
        header=[
            _("Name"),
            _("Department"),
            _("Location"),
            _("Program"),
            _("Waiting since"),
            _("Weeks"),
            _("Times left out"),
            _("Last reason"),
        ],
    )
    # Two short queries instead of sorting every enrollment: those matched before, in
    # the order of their last match (an index walk that stops early), and those never
    # matched, by the day they joined; the longest waits are the first of both.
    waiting = Q(left_at__isnull=True, person__active=True) & (
        Q(paused_until__isnull=True) | Q(paused_until__lt=f.today)
    )
    if f.program is not None:
        waiting &= Q(program=f.program)
    if f.location is not None:
        waiting &= Q(person__location=f.location)
    fields = (
        "pk",
        "person_id",
        "program_id",
        "person__name",
        "person__email",
        "person__department__name",
        "person__location__name",
        "program__name",
    )
    matched = [
        {**{k.removeprefix("enrollment__"): v for k, v in row.items()}, "since": row["matched_on"]}
        for row in LastMatch.objects.filter(organization=f.organization)
        .filter(_prefixed(waiting, "enrollment__"))
        .order_by("matched_on", "pk")
        .values("matched_on", *[f"enrollment__{name}" for name in fields])[:WAITING_LISTED]
    ]
    never_ids = list(
        Enrollment.objects.filter(organization=f.organization)
        .filter(waiting, insights_last_match__isnull=True)
        .order_by("joined_at", "pk")
        .values_list("pk", flat=True)[:WAITING_LISTED]
    )  # ids first: the sort then carries no joined names
    never = [
        {**row, "since": timezone.localtime(row["joined_at"]).date()}
        for row in Enrollment.objects.filter(pk__in=never_ids).values("joined_at", *fields)
    ]
    # Ties (same day) in enrollment order, whatever order the database returned.
    top = sorted(matched + never, key=lambda t: (t["since"], t["pk"]))[:WAITING_LISTED]
    left_out: dict[tuple[int, int], list[str]] = defaultdict(list)
    for person_id, program_id, reason in (
        LeftOut.objects.filter(
            organization=f.organization, person_id__in=[t["person_id"] for t in top]
        )
        .order_by("round__date")
        .values_list("person_id", "round__program_id", "reason")
    ):
        left_out[(person_id, program_id)].append(reason)
    for t in top:
        reasons = left_out.get((t["person_id"], t["program_id"]), [])
        weeks = max(0, (f.today - t["since"]).days // 7)
        entry = {
            "name": t["person__name"] or t["person__email"],
            "department": t["person__department__name"] or "",
            "location": t["person__location__name"] or "",
            "program": t["program__name"],
            "since": t["since"],
            "weeks": weeks,
            "left_out": len(reasons),
            "reason": reasons[-1] if reasons else "",
        }
        fig.people.append(entry)
        fig.rows.append(
            [
                entry["name"],
                entry["department"],
                entry["location"],
                entry["program"],
                t["since"].isoformat(),
                weeks,
                len(reasons),
                entry["reason"],
            ]
        )
    fig.empty = not top
    fig.summary = (
        _("Longest wait: %(name)s, %(weeks)s weeks.")
        % {"name": fig.people[0]["name"], "weeks": fig.people[0]["weeks"]}
        if top
        else _("Nobody is waiting.")
    )
    return fig


# --- the whole dashboard -----------------------------------------------------------------


@dataclass
class Headline:
    groups: int
    met_rate: float | None
    new_connections: int
    cross_share: float | None
    shown: bool

    @property
    def groups_text(self) -> str:
        return fmt(self.groups)

    @property
    def met_text(self) -> str:
        return pct_text(self.met_rate)

    @property
    def new_text(self) -> str:
        return fmt(self.new_connections)

    @property
    def cross_text(self) -> str:
        return pct_text(self.cross_share)


def dashboard(f: Filters) -> tuple[Headline, list[Figure]]:
    """Every figure for the filters (round totals read once)."""
    totals = round_totals(f)
    total = totals[2]
    headline = Headline(
        groups=total.matches,
        met_rate=total.met_rate,
        new_connections=total.new_connections,
        cross_share=total.cross_share,
        shown=totals[1].ok(None),
    )
    figures = [
        participation_figure(f),
        meetings_figure(f, totals),
        ratings_figure(f, totals),
        connections_figure(f, totals),
        cross_department_figure(f, totals),
    ]
    if f.organization_wide:
        figures.append(reach_figure(f))
    figures += [department_matrix_figure(f), silo_figure(f), waiting_figure(f)]
    return headline, figures


FIGURES: dict[str, Callable[[Filters], Figure]] = {
    "participation": participation_figure,
    "meetings": meetings_figure,
    "ratings": ratings_figure,
    "connections": connections_figure,
    "cross-department": cross_department_figure,
    "departments": department_matrix_figure,
    "silos": silo_figure,
    "reach": reach_figure,
    "waiting": waiting_figure,
}


def figure(slug: str, f: Filters) -> Figure | None:
    """One figure by its slug (None when unknown or not for these filters)."""
    if slug == "reach" and not f.organization_wide:
        return None
    build = FIGURES.get(slug)
    return build(f) if build else None


__all__ = ["FIGURES", "Figure", "Filters", "dashboard", "ei_index", "enough_people", "figure"]
