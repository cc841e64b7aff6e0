"""What every figure shares: the filters, the ``Figure`` it returns, number formatting,
the walk over a period's buckets and the small-group check of grouped figure rows.

A figure module reads the small figure tables through ``scoped`` and decides what to
show through ``bucket_slots`` and ``grouped_check``, so the per-bucket loop and the
"largest row first, then the ids of the small ones" privacy query exist once.
"""

# The en dash for "no value" is meant: it is shown to people.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from django.db.models import Manager, Max, QuerySet
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crosspaths.people.models import Department, Location, Organization
from crosspaths.programs.models import Program

from ..charts import Chart
from ..periods import Period, bucket_label, buckets
from ..privacy import PeopleCheck

T = TypeVar("T")


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


# --- numbers in words ------------------------------------------------------------------


def fmt(n: float | int) -> str:
    return number_format(n, force_grouping=True)


def pct(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def pct_text(value: float | None) -> str:
    if value is None:
        return "–"
    return _("%(percent)s%%") % {"percent": number_format(round(value))}


def period_text(f: Filters) -> str:
    return _("%(start)s to %(end)s") % {
        "start": date_format(f.period.start, "DATE_FORMAT"),
        "end": date_format(f.period.end, "DATE_FORMAT"),
    }


# --- reading the figure tables ---------------------------------------------------------


def scoped(
    qs: Manager[Any] | QuerySet[Any], f: Filters, *, program: bool = True, before: bool = False
) -> QuerySet[Any]:
    """Figure rows of the organization, period and location (``location`` empty: the
    whole organization's rows), and of the program unless ``program`` is False; with
    ``before``, the rows dated before the period instead."""
    qs = qs.filter(organization=f.organization)
    if before:
        qs = qs.filter(date__lt=f.period.start)
    else:
        qs = qs.filter(date__gte=f.period.start, date__lte=f.period.end)
    qs = qs.filter(location=f.location) if f.location else qs.filter(location__isnull=True)
    if program and f.program is not None:
        qs = qs.filter(program=f.program)
    return qs


def department_names(org: Organization) -> dict[int, str]:
    return dict(Department.objects.filter(organization=org).values_list("pk", "name"))


def grouped_check(
    f: Filters,
    qs: QuerySet[Any],
    fields: Sequence[str],
    *,
    key: Callable[[tuple[Any, ...]], Hashable] = tuple,
    **sums: Any,
) -> tuple[list[dict[str, Any]], PeopleCheck]:
    """Figure rows grouped by ``fields`` with the ``sums`` asked for, and the people check
    of every group ``key(values of fields)``.

    One aggregate query gives each group's largest row (enough when it alone passes);
    only groups whose rows are all small then read those rows' people ids, narrowed by
    the first field (see ``crosspaths.insights.privacy``)."""
    rows = list(qs.values(*fields).annotate(**sums, most=Max("people")))
    check = PeopleCheck(f.minimum)
    small: set[Hashable] = set()
    for row in rows:
        k = key(tuple(row[name] for name in fields))
        check.add(k, row["most"], [])
        if row["most"] < f.minimum:
            small.add(k)
    if small:
        first = {row[fields[0]] for row in rows if row["most"] < f.minimum}
        for *values, people, ids in (
            qs.filter(**{f"{fields[0]}__in": first}, people__lt=f.minimum)
            .values_list(*fields, "people", "people_ids")
            .iterator()
        ):
            k = key(tuple(values))
            if k in small:
                check.add(k, people, ids)
    return rows, check


# --- the buckets of a period -------------------------------------------------------------


@dataclass(frozen=True)
class Slot(Generic[T]):
    """One bucket of the period: what was counted in it (None: no round fell in it) and
    whether enough people are behind it to show."""

    start: date
    value: T | None
    shown: bool

    @property
    def hidden(self) -> bool:
        return self.value is not None and not self.shown

    def point(self, number: Callable[[T], float | None]) -> float | None:
        """The chart's value: a gap when nothing was counted or it is hidden."""
        return number(self.value) if self.shown and self.value is not None else None

    def row(self, cells: Iterable[object]) -> list[object]:
        """A table row: the bucket's start, then the cells, or empty cells when hidden."""
        cells = list(cells)
        return [self.start.isoformat(), *(cells if self.shown else [""] * len(cells))]


def bucket_slots(
    f: Filters, counted: Mapping[date, T], visible: Callable[[date, T], bool]
) -> list[Slot[T]]:
    """Every bucket of the period in order, with its count and whether it may be shown."""
    out = []
    for b in buckets(f.period):
        value = counted.get(b)
        out.append(Slot(b, value, value is not None and visible(b, value)))
    return out


def bucket_labels(f: Filters) -> list[str]:
    kind = f.period.bucket
    return [bucket_label(b, kind) for b in buckets(f.period)]
