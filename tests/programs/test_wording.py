"""The match as its members read it: reasons, starters, the time in other zones."""

from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.utils import translation

from crosspaths.programs.wording import (
    conversation_starters,
    reason_sentences,
    times_for_others,
    working_hours_for_you,
)

BERLIN = ZoneInfo("Europe/Berlin")
CHESS = [{"code": "shared_interests", "text": "", "params": {"interests": ["chess"]}}]


def person(pk, name, *, interests=(), department=None, start_date=None):
    return SimpleNamespace(
        pk=pk,
        name=name,
        email=f"{name.lower()}@acme.test",
        interests=list(interests),
        department_id=department.pk if department else None,
        department=department,
        start_date=start_date,
    )


def test_known_reasons_are_sentences_and_unknown_ones_the_engines_own():
    reasons = [
        {"code": "first_meeting", "text": "meeting for the first time", "params": {}},
        {"code": "brand_new_rule", "text": "both like long walks", "params": {}},
        {"code": "different_departments", "text": "mixed teams", "params": {}},
        "not a reason",
    ]
    assert reason_sentences(reasons) == [
        "You are meeting for the first time.",
        "Both like long walks",
        "Mixed teams",
    ]
    with translation.override("de"):
        assert reason_sentences(reasons)[0] == "Sie treffen sich zum ersten Mal."


def test_a_pair_reads_both_and_a_group_reads_all_for_a_shared_interest():
    bob, chidi, dana = person(1, "Bob"), person(2, "Chidi"), person(3, "Dana")
    pair = conversation_starters(
        match_pk=1, reasons=CHESS, reader=bob, others=[chidi], today=date(2026, 12, 1)
    )
    group = conversation_starters(
        match_pk=1, reasons=CHESS, reader=None, others=[bob, chidi, dana], today=date(2026, 12, 1)
    )
    assert pair[0] == "You both like chess: how did you get into it?"
    assert group[0] == "You all like chess: how did each of you get into it?"


def test_a_reader_gets_openers_about_the_others_and_the_group_one_question():
    bob = person(1, "Bob", interests=["chess"])
    engineering = SimpleNamespace(pk=7, name="Engineering")
    chidi = person(2, "Chidi Okafor", interests=["chess", "sailing"], department=engineering)
    mine = conversation_starters(
        match_pk=4, reasons=[], reader=bob, others=[chidi], today=date(2026, 12, 1)
    )
    assert mine[:2] == [
        "Ask Chidi about sailing.",
        "Ask what a typical week in Engineering looks like.",
    ]
    group = [
        conversation_starters(match_pk=4, reasons=[], reader=None, others=[bob, chidi], today=day)
        for day in (date(2026, 12, 1), date(2027, 3, 1))
    ]
    assert group[0] == group[1] and len(group[0]) == 1 and group[0][0] == mine[2]


def test_the_others_time_names_the_weekday_when_it_is_another_day_there():
    start = datetime(2026, 12, 2, 10, 0, tzinfo=BERLIN)
    others = [("Chidi", "America/New_York"), ("Dana", "Asia/Tokyo"), ("Erin", "Europe/Berlin")]
    assert times_for_others(start, zone="Europe/Berlin", others=others) == [
        "That is 4 a.m. for Chidi (America/New_York).",
        "That is 6 p.m. for Dana (Asia/Tokyo).",
    ]
    late = datetime(2026, 12, 2, 20, 0, tzinfo=BERLIN)
    with translation.override("de"):
        assert times_for_others(late, zone="Europe/Berlin", others=others[1:2]) == [
            "Das ist Donnerstag, 04:00 Uhr für Dana (Asia/Tokyo)."
        ]


def test_a_bridge_partners_working_hours_are_told_in_the_readers_zone():
    text = working_hours_for_you(
        name="Chidi",
        team="",
        their_zone="America/New_York",
        zone="Europe/Berlin",
        day=date(2026, 12, 2),
    )
    assert text == (
        "Chidi (no team) works 09:00-17:00 in America/New_York, which is "
        "3 p.m.-11 p.m. in your time zone (Europe/Berlin)."
    )
    assert (
        working_hours_for_you(
            name="Chidi",
            team="Ops",
            their_zone="Mars/Base",
            zone="Europe/Berlin",
            day=date(2026, 12, 2),
        )
        == ""
    )


def test_kept_moments_read_as_freshly_formatted_ones():
    """``when``, ``time_of_day`` and ``weekday`` keep their text per instant, zone and
    language (a round's slots repeat): the same as formatting it anew, in every zone
    and both languages, including equal instants given in other zones."""
    import random
    from datetime import UTC, timedelta

    from django.utils import formats, translation

    from crosspaths.programs import wording

    rng = random.Random(8)
    zones = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "UTC"]
    for _ in range(600):
        moment = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=30 * rng.randint(0, 20_000))
        moment = moment.astimezone(ZoneInfo(rng.choice(zones)))  # the same instant, elsewhere
        zone = rng.choice(zones)
        with translation.override(rng.choice(["en", "de"])):
            local = moment.astimezone(ZoneInfo(zone))
            day = formats.date_format(local, "l")
            clock = formats.time_format(local, "TIME_FORMAT")
            fresh = f"{day}, {formats.date_format(local, 'DATE_FORMAT')}, {clock}"
            assert wording.when(moment, zone) == fresh
            assert wording.time_of_day(moment, zone) == clock
            assert wording.weekday(moment, zone) == day
    assert wording._formatted.cache_info().hits > 500
