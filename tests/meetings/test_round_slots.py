"""A round's slots as drafting plans them: a person's meeting in another program's
published round is never overlapped, and the groups spread over the window's days."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

from crosspaths.programs.engine_input import people_whereabouts
from crosspaths.programs.models import Match, MatchMember, Program, Round
from crosspaths.programs.services import plan_round_slots

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_meeting_in_another_programs_published_round_is_never_overlapped(cast):
    """Bob has lunch (another program, published) all Tuesday working day long: his
    coffee of the round of Monday 7 December goes to Wednesday."""
    lunch = Program.objects.create(organization=cast.org, name="Lunch", format="lunch")
    lunch_round = Round.objects.create(
        organization=cast.org, program=lunch, date=date(2026, 12, 7), status="published"
    )
    busy = Match.objects.create(
        organization=cast.org,
        round=lunch_round,
        suggested_start=datetime(2026, 12, 8, 9, 0, tzinfo=BERLIN),
        suggested_end=datetime(2026, 12, 8, 17, 0, tzinfo=BERLIN),
    )
    MatchMember.objects.create(
        organization=cast.org, match=busy, round=lunch_round, person=cast.bob
    )
    coffee = Program.objects.create(organization=cast.org, name="Coffee", format="virtual_coffee")
    rnd = Round.objects.create(organization=cast.org, program=coffee, date=date(2026, 12, 7))
    where = people_whereabouts(cast.org.pk, [cast.bob.pk, cast.chidi.pk])
    ((start, _end),) = plan_round_slots(
        program=coffee, rnd=rnd, groups=[[cast.chidi.pk, cast.bob.pk]], where=where
    )
    assert start.astimezone(BERLIN).date() == date(2026, 12, 9)
    # Without the lunch being published (a draft), Tuesday is free.
    Round.objects.filter(pk=lunch_round.pk).update(status="draft")
    ((start, _end),) = plan_round_slots(
        program=coffee, rnd=rnd, groups=[[cast.chidi.pk, cast.bob.pk]], where=where
    )
    assert start.astimezone(BERLIN).date() == date(2026, 12, 8)


def test_a_rounds_groups_spread_over_the_weeks_workdays(cast):
    """Twenty groups with the same calendars, a weekly round of Monday 7 December (its
    window: Tuesday 8 to Sunday 13): five groups on each of the four workdays."""
    coffee = Program.objects.create(organization=cast.org, name="Coffee", format="virtual_coffee")
    rnd = Round.objects.create(organization=cast.org, program=coffee, date=date(2026, 12, 7))
    where = people_whereabouts(cast.org.pk, [cast.alice.pk, cast.bob.pk, cast.chidi.pk])
    # Person ids are only keys for the double-booking check: distinct made-up ids per
    # group keep the groups independent while they share the cast's calendars.
    where.update({10_000 + k: where[cast.bob.pk] for k in range(40)})
    groups = [[10_000 + 2 * k, 10_000 + 2 * k + 1] for k in range(20)]
    slots = plan_round_slots(program=coffee, rnd=rnd, groups=groups, where=where)
    days = Counter(s.astimezone(BERLIN).date() for s, _ in slots)
    assert set(days) == {date(2026, 12, d) for d in (8, 9, 10, 11)}
    assert set(days.values()) == {5}
