"""Mentoring cycles: joining with a role, starting a cycle (pairs as a published round),
monthly nudges (time frozen, safe to run twice), the end of a cycle and the next one."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from crosspaths.console.models import AuditLog
from crosspaths.mentoring.models import Cycle, MentoringRole, MentoringSettings
from crosspaths.mentoring.services import (
    add_months,
    cycle_start,
    cycles_run_due,
    mentoring_join,
    nudge_answer,
)
from crosspaths.notify.models import Message
from crosspaths.programs.models import LeftOut, Match, MatchMember, Program, Round
from crosspaths.programs.services import rounds_run_due
from tests.cast import make_person

pytestmark = pytest.mark.django_db

START = date(2026, 11, 26)


@pytest.fixture
def program(cast):
    p = Program.objects.create(
        organization=cast.org, name="Mentoring", format=Program.Format.MENTORING
    )
    MentoringSettings.objects.create(
        organization=cast.org, program=p, gap_min=1, gap_max=3, cycle_months=3
    )
    return p


def _rounds(cycle: Cycle) -> list[Round]:
    return list(Round.objects.filter(mentoring_cycle_round__cycle=cycle).order_by("date"))


def _matches(cycle: Cycle):  # type: ignore[no-untyped-def]
    return Match.objects.filter(round__mentoring_cycle_round__cycle=cycle)


def _pairs(cycle: Cycle) -> set[tuple[int, ...]]:
    members: dict[int, list[int]] = {}
    rows = MatchMember.objects.filter(round__mentoring_cycle_round__cycle=cycle)
    for m, p in rows.values_list("match_id", "person_id"):
        members.setdefault(m, []).append(p)
    return {tuple(sorted(v)) for v in members.values()}


def test_add_months_keeps_the_day_or_takes_the_months_last() -> None:
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 15), 12) == date(2027, 1, 15)


def test_a_mentee_gets_a_mentor_outside_their_reporting_line(cast, program):
    # Alice (level 5) is Bob's manager; Chidi (level 3, another department) is not.
    mentoring_join(person=cast.alice, program=program, role="mentor", capacity=2)
    mentoring_join(person=cast.chidi, program=program, role="mentor", capacity=1)
    mentoring_join(person=cast.bob, program=program, role="mentee")
    cycle = cycle_start(program=program, actor=cast.alice)
    assert all(r.status == Round.Status.PUBLISHED for r in _rounds(cycle))
    assert cycle.ends_on == date(2027, 2, 26)
    assert _pairs(cycle) == {tuple(sorted((cast.bob.pk, cast.chidi.pk)))}
    match = _matches(cycle).get()
    assert match.organizer_id == cast.bob.pk  # the mentee organizes
    assert {"code": "shared_interests", "text": "something to talk about: chess",
            "params": {"interests": ["chess"]}} in match.reasons  # fmt: skip
    # The intro pipeline: one introduction each.
    intros = Message.objects.filter(match=match, kind=Message.Kind.INTRO)
    assert set(intros.values_list("person_id", flat=True)) == {cast.bob.pk, cast.chidi.pk}
    entry = AuditLog.objects.get(action=AuditLog.Action.MENTORING_CYCLE)
    assert "1 pairs" in entry.summary


def test_a_mentee_who_cannot_be_placed_is_told_why(cast, program):
    mentoring_join(person=cast.alice, program=program, role="mentor")
    mentoring_join(person=cast.bob, program=program, role="mentee")
    cycle = cycle_start(program=program, actor=cast.alice)
    left = LeftOut.objects.get(round__mentoring_cycle_round__cycle=cycle)
    assert (left.person_id, left.code) == (cast.bob.pk, "reporting_line")


def test_a_second_cycle_cannot_start_while_one_runs(cast, program):
    mentoring_join(person=cast.chidi, program=program, role="mentor")
    mentoring_join(person=cast.bob, program=program, role="mentee")
    cycle_start(program=program, actor=cast.alice)
    with pytest.raises(ValidationError, match="already has a running cycle"):
        cycle_start(program=program, actor=cast.alice, on=START + timedelta(days=1))


def test_a_mentor_takes_one_to_three_mentees(cast, program):
    with pytest.raises(ValidationError, match="1 to 3"):
        mentoring_join(person=cast.chidi, program=program, role="mentor", capacity=4)
    role = mentoring_join(person=cast.bob, program=program, role="mentee", capacity=3)
    assert role.capacity == 1


def test_another_format_has_no_mentoring(cast):
    coffee = Program.objects.create(organization=cast.org, name="Coffee", format="virtual_coffee")
    with pytest.raises(ValidationError, match="not a mentoring program"):
        mentoring_join(person=cast.bob, program=coffee, role="mentee")


def test_the_weekly_scheduler_leaves_mentoring_programs_alone(cast, program):
    mentoring_join(person=cast.chidi, program=program, role="mentor")
    mentoring_join(person=cast.bob, program=program, role="mentee")
    rounds_run_due(now=datetime(2026, 11, 30, 9, 30, tzinfo=UTC))
    assert not Round.objects.filter(program=program).exists()


def test_a_weekly_round_of_a_mentoring_program_is_refused_by_console_and_api_alike(cast, program):
    from crosspaths.programs.services import round_date_check, round_draft

    mentoring_join(person=cast.chidi, program=program, role="mentor")
    mentoring_join(person=cast.bob, program=program, role="mentee")
    for attempt in (round_date_check, round_draft):
        with pytest.raises(ValidationError, match="its pairs come from a mentoring cycle") as e:
            attempt(program=program, on=date(2026, 11, 30))
        assert e.value.code == "format_runs_elsewhere"
    assert not Round.objects.filter(program=program).exists()


def test_nudges_come_once_a_month_once_per_pair_and_the_cycle_ends(cast, program):
    mentoring_join(person=cast.chidi, program=program, role="mentor")
    mentoring_join(person=cast.bob, program=program, role="mentee")
    cycle = cycle_start(program=program, actor=cast.alice)
    nudges = Message.objects.filter(kind=Message.Kind.MENTORING)

    assert cycles_run_due(now=datetime(2026, 12, 25, 9, tzinfo=UTC)) == 0
    assert cycles_run_due(now=datetime(2026, 12, 26, 9, tzinfo=UTC)) == 1
    assert cycles_run_due(now=datetime(2026, 12, 26, 10, tzinfo=UTC)) == 0  # twice: same
    (first,) = nudges
    assert (first.person_id, first.dedupe_key) == (
        cast.bob.pk,
        f"mentoring:match{_matches(cycle).get().pk}:month1",
    )
    # A scheduler that was down for two months catches up, still one per month.
    assert cycles_run_due(now=datetime(2027, 2, 1, 9, tzinfo=UTC)) == 1
    assert cycles_run_due(now=datetime(2027, 2, 26, 9, tzinfo=UTC)) == 2  # month 3 + end
    assert sorted(nudges.values_list("dedupe_key", flat=True))[-1].endswith("month3")
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.ENDED
    assert all(r.status == Round.Status.CLOSED for r in _rounds(cycle))
    assert cycles_run_due(now=datetime(2027, 3, 30, 9, tzinfo=UTC)) == 0
    assert nudges.all().count() == 3


def test_the_next_cycle_does_not_repeat_a_pair(cast, program):
    dora = make_person(cast.org, "dora@acme.test", "Dora", level=4, languages=["de"],
                       department=cast.engineering)  # fmt: skip
    mentoring_join(person=cast.chidi, program=program, role="mentor")
    mentoring_join(person=dora, program=program, role="mentor")
    mentoring_join(person=cast.bob, program=program, role="mentee")
    first = cycle_start(program=program, actor=cast.alice)
    cycles_run_due(now=datetime(2027, 2, 26, 9, tzinfo=UTC))
    second = cycle_start(program=program, actor=cast.alice, on=date(2027, 3, 1))
    (a,) = _pairs(first)
    (b,) = _pairs(second)
    assert a != b and cast.bob.pk in a and cast.bob.pk in b


def test_a_pair_answers_each_month_once(cast, program):
    mentoring_join(person=cast.chidi, program=program, role="mentor")
    mentoring_join(person=cast.bob, program=program, role="mentee")
    cycle = cycle_start(program=program, actor=cast.alice)
    match = _matches(cycle).get()
    nudge_answer(match=match, month=1, met=False)
    row = nudge_answer(match=match, month=1, met=True)
    assert row.met and cycle.answers.count() == 1
    with pytest.raises(ValidationError, match="no month 4"):
        nudge_answer(match=match, month=4, met=True)


def test_people_without_a_role_take_no_part(cast, program):
    from crosspaths.programs.enrollments import enrollment_join

    enrollment_join(person=cast.alice, program=program)
    mentoring_join(person=cast.bob, program=program, role="mentee")
    cycle = cycle_start(program=program, actor=cast.alice)
    assert list(
        LeftOut.objects.filter(round__mentoring_cycle_round__cycle=cycle).values_list(
            "code", flat=True
        )
    ) == ["no_mentors"]
    assert not MentoringRole.objects.filter(person=cast.alice).exists()


def test_a_mentor_with_two_mentees_meets_them_in_two_rounds_of_the_cycle(cast, program):
    dora = make_person(cast.org, "dora@acme.test", "Dora", level=4, languages=["de"])
    mentoring_join(person=cast.alice, program=program, role="mentor", capacity=2)
    mentoring_join(person=cast.chidi, program=program, role="mentee")
    mentoring_join(person=dora, program=program, role="mentee")
    cycle = cycle_start(program=program, actor=cast.alice)
    rounds = _rounds(cycle)
    assert [r.date for r in rounds] == [START, START + timedelta(days=1)]
    assert _pairs(cycle) == {
        tuple(sorted((cast.alice.pk, cast.chidi.pk))),
        tuple(sorted((cast.alice.pk, dora.pk))),
    }
    assert [r.matches.count() for r in rounds] == [1, 1]
    assert Message.objects.filter(kind=Message.Kind.INTRO, person=cast.alice).count() == 2
