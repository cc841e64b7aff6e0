"""Public holidays of a place, as local dates nobody is asked to meet on.

A location names its country (ISO 3166-1 alpha-2, "DE") and, where holidays differ
inside it, its subdivision ("BY" for Bavaria): the ``holidays`` package knows both.
Building a country's calendar costs about a tenth of a second, so each (country,
subdivision, year) is built once per process; a round of 100,000 people in three
countries asks three times.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays


@lru_cache(maxsize=1)
def supported_countries() -> dict[str, list[str]]:
    """Country code -> its subdivision codes, as the ``holidays`` package knows them."""
    return holidays.list_supported_countries()


def place_problem(country: str, subdivision: str = "") -> str | None:
    """Why a country and subdivision cannot be used for holidays (None when they can)."""
    if not country:
        return "no country" if subdivision else None
    known = supported_countries()
    if country not in known:
        return f"unknown country code '{country}'"
    if subdivision and subdivision not in known[country]:
        return f"unknown subdivision '{subdivision}' of {country}"
    return None


@lru_cache(maxsize=256)
def _year(country: str, subdivision: str, year: int) -> frozenset[date]:
    calendar = holidays.country_holidays(country, subdiv=subdivision or None, years=year)
    return frozenset(calendar)


@lru_cache(maxsize=4096)
def holidays_between(country: str, subdivision: str, first: date, last: date) -> frozenset[date]:
    """The public holidays of the place from ``first`` to ``last`` (inclusive); none
    for a place without a (known) country."""
    if not country or place_problem(country, subdivision):
        return frozenset()
    out: set[date] = set()
    for year in range(first.year, last.year + 1):
        out.update(d for d in _year(country, subdivision, year) if first <= d <= last)
    return frozenset(out)
