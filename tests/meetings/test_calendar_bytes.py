"""``calendar_bytes`` writes a calendar without icalendar's folding for lines that need
none (meetings/calendar.py, for the delivery's CPU). These tests hold it to
``Calendar.to_ical``: the same bytes for many random calendars whose lines are short,
exactly at the limit, long, non-ASCII and full of escapes."""

import random
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vText

from crosspaths.meetings.calendar import calendar_bytes


def _text(rng: random.Random) -> str:
    alphabet = "abcdefghij KLMNOP 0123 ,;:\\^\"'\né€ü…😀"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 160)))


def test_the_same_bytes_as_icalendar_for_random_calendars():
    rng = random.Random(13)  # the same calendars every run
    lengths: set[int] = set()
    folded = 0
    for i in range(2_000):
        cal = Calendar()
        cal.add("prodid", "-//Crosspaths//Encounters//EN")
        cal.add("version", "2.0")
        cal.add("method", rng.choice(["REQUEST", "CANCEL", "PUBLISH"]))
        event = Event()
        event.add("uid", f"match-{i}@crosspaths.example")
        event.add("dtstamp", datetime(2026, 12, 1, tzinfo=UTC) + timedelta(minutes=i))
        event.add("summary", _text(rng))
        event.add("description", _text(rng))
        event.add("location", "x" * rng.randint(55, 80))  # around the 75-octet limit
        for _ in range(rng.randint(0, 4)):
            attendee = vCalAddress(f"mailto:p{rng.randint(0, 10**6)}@example.com")
            attendee.params["CN"] = vText(_text(rng)[:40] or "n")
            attendee.params["PARTSTAT"] = vText("NEEDS-ACTION")
            event.add("attendee", attendee, encode=0)
        cal.add_component(event)
        expected = cal.to_ical()
        assert calendar_bytes(cal) == expected, i
        lines = expected.split(b"\r\n")
        lengths.update(len(line) for line in lines)
        folded += sum(line.startswith(b" ") for line in lines)
    assert {72, 73, 74}.issubset(lengths)  # lines right at the limit were written
    assert folded > 1000  # and many long ones folded


def test_the_same_bytes_as_icalendar_where_folds_meet_escapes_and_wide_characters():
    """Long lines whose folds fall on and next to ``\\``, ``,``, ``;`` and ``^``
    escapes and inside multi-octet characters."""
    rng = random.Random(17)
    alphabet = "abcdefghij KLMN 0123 ,;:\\^\"'é€😀\n"
    escape_at_fold = 0
    for i in range(2_000):
        cal = Calendar()
        cal.add("prodid", "-//Crosspaths//Encounters//EN")
        event = Event()
        event.add("uid", f"match-{i}@crosspaths.example")
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(60, 400)))
        event.add("description", text)
        attendee = vCalAddress(f"mailto:p{i}@example.com")
        attendee.params["CN"] = vText("".join(rng.choice(alphabet[:-1]) for _ in range(60)))
        event.add("attendee", attendee, encode=0)
        cal.add_component(event)
        expected = cal.to_ical()
        assert calendar_bytes(cal) == expected, i
        lines = expected.split(b"\r\n")
        escape_at_fold += sum(line.startswith((b" \\", b" ^")) for line in lines)
    assert escape_at_fold > 100  # the escape rule was exercised
