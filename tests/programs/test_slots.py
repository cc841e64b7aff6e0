"""The suggested slot: the earliest common time in everyone's working hours and free
windows, in each person's own zone."""

from datetime import UTC, datetime, timedelta

from crosspaths.programs.slots import Free, search_start, suggested_slot

# Monday 2026-11-30, 00:00 in Berlin.
MONDAY = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_two_berliners_get_monday_at_nine():
    start, end = suggested_slot(
        [Free("Europe/Berlin"), Free("Europe/Berlin")], fmt="virtual_coffee", after=MONDAY
    )
    assert start == utc(2026, 11, 30, 8, 0)
    assert end - start == timedelta(minutes=30)


def test_berlin_and_new_york_meet_when_both_are_at_work():
    start, _ = suggested_slot(
        [Free("Europe/Berlin"), Free("America/New_York")], fmt="virtual_coffee", after=MONDAY
    )
    # 09:00 in New York is 15:00 in Berlin (14:00 UTC).
    assert start == utc(2026, 11, 30, 14, 0)


def test_declared_free_windows_narrow_the_slot():
    alex = Free("Europe/Berlin", [{"weekday": 2, "start": "13:00", "end": "15:00"}])
    sam = Free("Europe/Berlin", [{"weekday": 2, "start": "14:15", "end": "17:00"}])
    start, end = suggested_slot([alex, sam], fmt="virtual_coffee", after=MONDAY)
    assert (start, end) == (utc(2026, 12, 2, 13, 15), utc(2026, 12, 2, 13, 45))


def test_a_lunch_is_at_lunch_time_and_an_hour_long():
    start, end = suggested_slot(
        [Free("Europe/Berlin"), Free("Europe/Berlin")], fmt="lunch", after=MONDAY
    )
    assert (start, end) == (utc(2026, 11, 30, 10, 30), utc(2026, 11, 30, 11, 30))


def test_no_overlap_means_no_slot():
    assert (
        suggested_slot(
            [Free("Europe/Berlin"), Free("Pacific/Honolulu")], fmt="virtual_coffee", after=MONDAY
        )
        is None
    )


def test_free_windows_that_never_meet_mean_no_slot():
    alex = Free("Europe/Berlin", [{"weekday": 0, "start": "09:00", "end": "10:00"}])
    sam = Free("Europe/Berlin", [{"weekday": 1, "start": "09:00", "end": "10:00"}])
    assert suggested_slot([alex, sam], fmt="virtual_coffee", after=MONDAY) is None


def test_weekends_are_skipped_and_a_start_mid_day_rounds_to_the_quarter_hour():
    friday_late = utc(2026, 12, 4, 15, 50)  # Friday 16:50 in Berlin
    start, _ = suggested_slot(
        [Free("Europe/Berlin"), Free("Europe/Berlin")], fmt="virtual_coffee", after=friday_late
    )
    assert start == utc(2026, 12, 7, 8, 0)  # Monday 09:00


def test_a_slot_during_the_daylight_saving_change_keeps_local_hours():
    # Berlin switches to summer time on Sunday 2027-03-28; Monday 09:00 is 07:00 UTC.
    start, _ = suggested_slot(
        [Free("Europe/Berlin"), Free("Europe/Berlin")],
        fmt="virtual_coffee",
        after=utc(2027, 3, 27, 12, 0),
    )
    assert start == utc(2027, 3, 29, 7, 0)


def test_malformed_free_windows_are_ignored_rather_than_blocking():
    odd = Free(
        "Europe/Berlin", [{"weekday": "x"}, {"weekday": 0, "start": "10:00", "end": "11:00"}]
    )
    start, _ = suggested_slot([odd, Free("Europe/Berlin")], fmt="virtual_coffee", after=MONDAY)
    assert start == utc(2026, 11, 30, 9, 0)


def test_the_search_starts_the_morning_after_the_round():
    from datetime import date

    assert search_start(date(2026, 11, 30), "Europe/Berlin") == utc(2026, 11, 30, 23, 0)


def test_a_round_on_the_calendars_last_day_gets_no_slot_instead_of_an_overflow():
    from datetime import date

    after = search_start(date(9999, 12, 31), "Europe/Berlin")
    assert suggested_slot([Free("Europe/Berlin")] * 2, fmt="lunch", after=after) is None
    for day in range(18, 32):  # every day of the last fortnight: a slot or none, no error
        after = search_start(date(9999, 12, day), "Pacific/Kiritimati")
        slot = suggested_slot(
            [Free("Pacific/Kiritimati"), Free("Etc/GMT+12")], fmt="walk", after=after
        )
        assert slot is None or slot[0].year == 9999
