"""When rounds are due: cadence counted from the first date, in the organization's
zone, correct across daylight saving changes."""

from datetime import UTC, date, datetime, time

import pytest

from crosspaths.programs import scheduling
from crosspaths.programs.models import Program

from .crowd import coffee


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def program(cast):
    # Mondays 09:00 in Berlin, from Wednesday 2026-03-04: first round Monday 2026-03-09.
    return coffee(cast.org, weekday=0, time=time(9, 0), starts_on=date(2026, 3, 4))


def test_the_first_round_is_the_weekday_on_or_after_the_start(program):
    assert scheduling.first_date(program) == date(2026, 3, 9)
    program.starts_on = date(2026, 3, 9)
    assert scheduling.first_date(program) == date(2026, 3, 9)


def test_the_local_time_stays_put_across_the_spring_change(program):
    # Berlin moves to summer time on Sunday 2026-03-29.
    assert scheduling.run_at(program, date(2026, 3, 23)) == utc(2026, 3, 23, 8, 0)
    assert scheduling.run_at(program, date(2026, 3, 30)) == utc(2026, 3, 30, 7, 0)


def test_the_local_time_stays_put_across_the_autumn_change(program):
    # ... and back to winter time on Sunday 2026-10-25.
    assert scheduling.run_at(program, date(2026, 10, 19)) == utc(2026, 10, 19, 7, 0)
    assert scheduling.run_at(program, date(2026, 10, 26)) == utc(2026, 10, 26, 8, 0)


def test_a_round_is_due_from_its_moment_on_and_not_a_minute_before(program):
    assert scheduling.due_date(program, now=utc(2026, 3, 30, 6, 59)) is None
    assert scheduling.due_date(program, now=utc(2026, 3, 30, 7, 0)) == date(2026, 3, 30)
    assert scheduling.due_date(program, now=utc(2026, 3, 31, 12, 0)) == date(2026, 3, 30)


def test_nothing_is_due_before_the_first_round(program):
    assert scheduling.due_date(program, now=utc(2026, 3, 9, 7, 59)) is None
    assert scheduling.due_date(program, now=utc(2026, 3, 9, 8, 0)) == date(2026, 3, 9)


def test_a_missed_round_runs_late_for_two_days_then_waits_for_the_next(program):
    assert scheduling.due_date(program, now=utc(2026, 3, 11, 7, 59)) == date(2026, 3, 9)
    assert scheduling.due_date(program, now=utc(2026, 3, 11, 8, 1)) is None


def test_every_two_weeks_counts_from_the_first_round(program):
    program.cadence = Program.Cadence.BIWEEKLY
    assert scheduling.due_date(program, now=utc(2026, 3, 16, 9, 0)) is None
    assert scheduling.due_date(program, now=utc(2026, 3, 23, 9, 0)) == date(2026, 3, 23)
    assert scheduling.next_date_after(program, utc(2026, 3, 23, 9, 0)) == date(2026, 4, 6)


def test_every_four_weeks_counts_from_the_first_round(program):
    program.cadence = Program.Cadence.MONTHLY
    assert scheduling.latest_date_on_or_before(program, date(2026, 5, 1)) == date(2026, 4, 6)
    assert scheduling.due_date(program, now=utc(2026, 4, 6, 7, 0)) == date(2026, 4, 6)


def test_a_one_off_program_runs_once(program):
    program.cadence = Program.Cadence.ONCE
    assert scheduling.due_date(program, now=utc(2026, 3, 9, 8, 0)) == date(2026, 3, 9)
    assert scheduling.due_date(program, now=utc(2026, 3, 16, 8, 0)) is None
    assert scheduling.next_date_after(program, utc(2026, 3, 9, 8, 0)) is None


def test_the_organizations_zone_decides_the_day(cast, program):
    cast.org.timezone = "Pacific/Auckland"  # UTC+13 in March
    cast.org.save()
    program.refresh_from_db()
    # Monday 09:00 in Auckland is Sunday 20:00 UTC.
    assert scheduling.run_at(program, date(2026, 3, 9)) == utc(2026, 3, 8, 20, 0)
    assert scheduling.due_date(program, now=utc(2026, 3, 8, 20, 0)) == date(2026, 3, 9)


def test_an_unknown_zone_is_a_clear_error(cast, program):
    cast.org.timezone = "Mars/Olympus"
    program.organization = cast.org
    with pytest.raises(scheduling.BadSchedule, match="Mars/Olympus"):
        scheduling.due_date(program, now=utc(2026, 3, 9, 8, 0))


def test_a_round_closes_when_the_next_one_goes_out(program):
    assert scheduling.close_at(program, date(2026, 3, 23)) == utc(2026, 3, 30, 7, 0)
    program.cadence = Program.Cadence.ONCE
    assert scheduling.close_at(program, date(2026, 3, 9)) == utc(2026, 3, 23, 8, 0)
