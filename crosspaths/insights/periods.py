"""Periods and their buckets: the dates a dashboard covers and the weeks or months its
points stand for.

Plain date arithmetic with no form or query in it, so the filter form, the figures and
the quarterly report all import it from below (no forms ↔ figures cycle).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from crosspaths.request_numbers import whole_number


@dataclass(frozen=True)
class Period:
    key: str
    start: date
    end: date
    label: str

    @property
    def bucket(self) -> str:
        """Weekly points for up to half a year, monthly beyond."""
        return "week" if (self.end - self.start).days <= 190 else "month"


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - timedelta(days=1)
    return start, end


def quarter_label(year: int, quarter: int) -> str:
    return _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year}


def quarter_period(year: int, quarter: int) -> Period:
    start, end = quarter_bounds(year, quarter)
    return Period(f"{year}-q{quarter}", start, end, quarter_label(year, quarter))


def parse_quarter(key: str) -> tuple[int, int] | None:
    """'2026-q3' -> (2026, 3); anything else -> None."""
    year_text, _sep, quarter = key.lower().partition("-q")
    year = whole_number(year_text, digits=4)
    if year is None or quarter not in {"1", "2", "3", "4"} or not 2000 <= year <= 2100:
        return None
    return year, int(quarter)


def bucket_of(day: date, kind: str) -> date:
    """The first day of the week (Monday) or month ``day`` falls in."""
    return day - timedelta(days=day.weekday()) if kind == "week" else day.replace(day=1)


def buckets(period: Period) -> list[date]:
    """The first day of every bucket the period touches, in order."""
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
