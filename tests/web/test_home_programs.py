"""Every current match in view (issue 12, point 4): one card per program with its group
and slot, and when each program's next round is; "My encounters" keeps the history."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from crosspaths.meetings.models import CheckIn
from crosspaths.programs.models import Enrollment, MatchMember, Program, Round
from crosspaths.web.current import next_round_for

from ..cast import PASSWORD
from .conftest import make_match, make_program

# TEST_NOW is Thursday 26 Nov 2026, 08:00 UTC; both programs run on Mondays.
NEXT_MONDAY = date(2026, 11, 30)


def sign_in(client, person):
    assert client.login(username=person.email, password=PASSWORD)


def _programs(cast):
    coffee = make_program(
        cast.org, name="Coffee roulette", weekday=0, time=time(9), starts_on=date(2026, 11, 2)
    )
    lunch = make_program(
        cast.org,
        name="Lunch club",
        format=Program.Format.LUNCH,
        cadence=Program.Cadence.BIWEEKLY,
        weekday=0,
        time=time(9),
        starts_on=date(2026, 11, 2),
    )
    for program in (coffee, lunch):
        for person in (cast.bob, cast.chidi, cast.alice):
            Enrollment.objects.create(organization=cast.org, program=program, person=person)
    return coffee, lunch


def test_a_person_in_two_programs_sees_both_current_groups_with_their_slots(client, onboarded):
    cast = onboarded
    coffee, lunch = _programs(cast)
    make_match(
        [cast.chidi, cast.bob],
        program=coffee,
        on=date(2026, 11, 23),
        start=datetime(2026, 11, 27, 10, 0, tzinfo=UTC),
    )
    make_match(
        [cast.alice, cast.bob],
        program=lunch,
        on=date(2026, 11, 16),
        start=datetime(2026, 11, 27, 11, 30, tzinfo=UTC),
        video_link="",
    )
    sign_in(client, cast.bob)
    body = client.get("/").content.decode()
    assert body.count('class="card match-card"') == 2
    assert "You meet Chidi Okafor" in body and "You meet Alice Adler" in body
    assert "Coffee roulette" in body and "Lunch club" in body
    assert "11 a.m." in body and "12:30 p.m." in body  # both slots, in Bob's zone (Berlin)
    # The coffee runs weekly (next: 30 Nov), the lunch every two weeks (next: 30 Nov too).
    assert body.count("Your next round: Monday, Nov. 30, 2026.") == 2


def test_a_program_without_a_group_this_round_still_says_when_the_next_one_is(client, onboarded):
    cast = onboarded
    coffee, _lunch = _programs(cast)
    make_match([cast.chidi, cast.bob], program=coffee, on=date(2026, 11, 23))
    sign_in(client, cast.bob)
    body = client.get("/").content.decode()
    assert body.count('class="card match-card"') == 1
    assert "Lunch club" in body and "No match yet" in body  # never left out: nothing to explain
    assert body.count("Your next round: Monday, Nov. 30, 2026.") == 2


def test_a_paused_person_is_told_the_first_round_after_the_pause(cast):
    coffee, _lunch = _programs(cast)
    enrollment = Enrollment.objects.get(program=coffee, person=cast.bob)
    enrollment.paused_until = date(2026, 12, 10)
    now = datetime(2026, 11, 26, 8, tzinfo=UTC)
    assert next_round_for(program=coffee, enrollment=enrollment, now=now) == date(2026, 12, 14)
    enrollment.paused_until = None
    assert next_round_for(program=coffee, enrollment=enrollment, now=now) == NEXT_MONDAY


def test_a_one_off_program_that_ran_has_no_next_round(cast):
    once = make_program(
        cast.org, name="Summit", cadence=Program.Cadence.ONCE, starts_on=date(2026, 11, 2)
    )
    now = datetime(2026, 11, 26, 8, tzinfo=UTC)
    assert next_round_for(program=once, enrollment=None, now=now) is None


def test_a_closed_round_leaves_the_cards_but_stays_in_my_encounters(client, onboarded):
    cast = onboarded
    coffee, _lunch = _programs(cast)
    old = make_match([cast.chidi, cast.bob], program=coffee, on=date(2026, 11, 16))
    Round.objects.filter(pk=old.round_id).update(status=Round.Status.CLOSED)
    CheckIn.objects.create(
        organization=cast.org, member=MatchMember.objects.get(match=old, person=cast.bob), met=True
    )
    make_match([cast.alice, cast.bob], program=coffee, on=date(2026, 11, 23))
    sign_in(client, cast.bob)
    body = client.get("/").content.decode()
    assert body.count('class="card match-card"') == 1 and "You meet Alice Adler" in body
    encounters = body[body.index('id="encounters"') :]
    assert "Chidi Okafor" in encounters


def test_two_cards_keep_their_check_in_forms_apart(client, onboarded):
    cast = onboarded
    coffee, lunch = _programs(cast)
    past = datetime(2026, 11, 25, 10, tzinfo=UTC)
    a = make_match([cast.chidi, cast.bob], program=coffee, on=date(2026, 11, 23), start=past)
    b = make_match([cast.alice, cast.bob], program=lunch, on=date(2026, 11, 16), start=past)
    sign_in(client, cast.bob)
    body = client.get("/").content.decode()
    for match in (a, b):
        assert f'action="/matches/{match.pk}/check-in/"' in body
        assert f'id="rating-{match.pk}-1"' in body
