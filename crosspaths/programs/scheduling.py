"""When a program's rounds run, in the organization's time zone.

A program runs on its weekday at its time, every one, two or four weeks counted from
the first such weekday on or after ``starts_on`` (or once). "Monday 09:00 in Berlin"
is 08:00 UTC in winter and 07:00 UTC in summer: each run moment is built from the
local date and time with zoneinfo, never by adding days to a UTC instant, so daylight
saving changes move the UTC time and not the local one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext as _

from .models import Program

PERIOD_DAYS: dict[str, int] = {
    Program.Cadence.WEEKLY: 7,
    Program.Cadence.BIWEEKLY: 14,
    Program.Cadence.MONTHLY: 28,
}
# A round that could not run on time (the scheduler was down) still runs this late;
# later than that, the program waits for its next date instead.
CATCH_UP = timedelta(days=2)
# A one-off round stays open this long; recurring ones until their next round.
ONCE_OPEN_DAYS = 14
# A one-off round's meetings are planned within this many days of its date.
ONCE_WINDOW_DAYS = 7


class BadSchedule(ValueError):
    """The program cannot be scheduled (e.g. its organization's time zone is unknown)."""


def zone_of(program: Program) -> ZoneInfo:
    name = program.organization.timezone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadSchedule(
            _("the organization's time zone '%(zone)s' is unknown") % {"zone": name}
        ) from None


def first_date(program: Program) -> date:
    """The first round: the program's weekday on or after ``starts_on``."""
    return program.starts_on + timedelta(days=(program.weekday - program.starts_on.weekday()) % 7)


def run_at(program: Program, day: date) -> datetime:
    """The moment (UTC) a round on local date ``day`` goes out."""
    at = program.time
    if isinstance(at, str):  # the model's default before the row is read back
        at = time.fromisoformat(at)
    local = datetime.combine(day, at, tzinfo=zone_of(program))
    return local.astimezone(UTC)


def latest_date_on_or_before(program: Program, day: date) -> date | None:
    """The program's last round date not after ``day`` (None before the first)."""
    first = first_date(program)
    if day < first:
        return None
    period = PERIOD_DAYS.get(program.cadence)
    if period is None:  # once
        return first
    return first + timedelta(days=(day - first).days // period * period)


def previous_date(program: Program, day: date) -> date | None:
    period = PERIOD_DAYS.get(program.cadence)
    if period is None or day - timedelta(days=period) < first_date(program):
        return None
    return day - timedelta(days=period)


def next_date_after(program: Program, moment: datetime) -> date | None:
    """The program's next round date whose run moment is after ``moment``."""
    local_day = moment.astimezone(zone_of(program)).date()
    day = latest_date_on_or_before(program, local_day) or first_date(program)
    period = PERIOD_DAYS.get(program.cadence)
    while run_at(program, day) <= moment:
        if period is None:
            return None
        day += timedelta(days=period)
    return day


def due_date(program: Program, *, now: datetime) -> date | None:
    """The round date that is due at ``now``: the latest whose run moment has passed,
    if it passed less than ``CATCH_UP`` ago. Whether that round exists already is the
    caller's question (the database's constraint answers it)."""
    local_today = now.astimezone(zone_of(program)).date()
    day = latest_date_on_or_before(program, local_today)
    if day is not None and run_at(program, day) > now:
        day = previous_date(program, day)
    if day is None or now - run_at(program, day) > CATCH_UP:
        return None
    return day


def close_at(program: Program, day: date) -> datetime:
    """When a round on ``day`` closes: when the program's next round goes out (or two
    weeks after a one-off round)."""
    days = PERIOD_DAYS.get(program.cadence, ONCE_OPEN_DAYS)
    if day > date.max - timedelta(days=days + 1):  # the calendar's last days: never
        return datetime.max.replace(tzinfo=UTC)
    return run_at(program, day + timedelta(days=days))


def window_end(program: Program, day: date) -> datetime:
    """The end (UTC) of the window of a round on ``day``: local midnight at the start of
    the program's next round date (a week after a one-off round). A round's meetings lie
    inside its window; once the window is over the round is not published, because its
    introductions could only name a time that has passed or belongs to the next round."""
    days = PERIOD_DAYS.get(program.cadence, ONCE_WINDOW_DAYS)
    if day > date.max - timedelta(days=days + 1):  # the calendar's last days: no end
        return datetime.max.replace(tzinfo=UTC)
    local = datetime.combine(day + timedelta(days=days), time(0, 0), tzinfo=zone_of(program))
    return local.astimezone(UTC)
