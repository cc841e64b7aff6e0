"""The daily journey step: who starts a journey, whom they meet each week, and that
running it twice changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from crosspaths.console.models import AuditLog
from crosspaths.journeys.models import Journey, JourneyStep
from crosspaths.journeys.services import journeys_run, welcome_key
from crosspaths.matching import hard_rule_problems
from crosspaths.notify.models import Message
from crosspaths.people.models import BlockedPair
from crosspaths.programs.engine_input import engine_people, organization_history
from crosspaths.programs.models import MatchMember, Round

from .conftest import DAY_ONE, make_person


def run_on(moment):
    with time_machine.travel(moment, tick=False):
        return journeys_run(now=moment)


def run_weeks(weeks: int) -> None:
    for week in range(weeks):
        run_on(DAY_ONE + timedelta(weeks=week))


def test_a_new_hire_in_the_onboarding_program_starts_a_journey_with_a_welcome(world):
    run_on(DAY_ONE)
    journey = Journey.objects.get(person=world.nina)
    assert journey.started_on == date(2026, 11, 26)
    assert Message.objects.get(dedupe_key=welcome_key(journey.pk)).kind == "journey"
    entry = AuditLog.objects.get(action=AuditLog.Action.JOURNEY_START)
    assert "Nina Neumann" in entry.summary


def test_running_the_step_twice_the_same_day_changes_nothing(world):
    first = run_on(DAY_ONE)
    counts = (Journey.objects.count(), JourneyStep.objects.count(), Message.objects.count())
    assert first == 2  # the journey and its buddy step
    assert run_on(DAY_ONE + timedelta(hours=3)) == 0
    assert (Journey.objects.count(), JourneyStep.objects.count(), Message.objects.count()) == counts


def test_the_buddy_is_tenured_from_another_department_and_the_same_location(world):
    run_on(DAY_ONE)
    step = JourneyStep.objects.get(journey__person=world.nina, number=1)
    buddy = step.colleague
    assert step.kind == "buddy"
    assert buddy.department_id != world.nina.department_id
    assert buddy.location_id == world.nina.location_id  # Munich
    assert buddy.start_date <= date(2026, 11, 26) - timedelta(days=365)
    assert buddy != world.cast.alice  # her manager, and from her department anyway


def test_no_one_tenured_enough_means_no_buddy_and_a_reason(world):
    world.plan.buddy_min_tenure_days = 3650
    world.plan.save()
    run_on(DAY_ONE)
    step = JourneyStep.objects.get(journey__person=world.nina, number=1)
    assert step.colleague is None and step.match is None
    assert "long enough" in step.missed
    assert not Round.objects.filter(program=world.plan.steps_program).exists()


def test_each_week_introduces_a_department_not_met_before(world):
    run_weeks(world.plan.steps)
    steps = list(JourneyStep.objects.filter(journey__person=world.nina).order_by("number"))
    assert [s.number for s in steps] == list(range(1, 8))
    departments = [s.department for s in steps]
    assert len(set(departments)) == 7  # six departments and Engineering
    assert "People" not in departments
    run_on(DAY_ONE + timedelta(weeks=7))
    assert Journey.objects.get(person=world.nina).completed_on == date(2027, 1, 14)


def test_every_step_is_a_published_round_with_introductions(world):
    run_weeks(2)
    rounds = Round.objects.filter(program=world.plan.steps_program).order_by("date")
    assert [r.status for r in rounds] == ["published", "published"]
    for step in JourneyStep.objects.filter(journey__person=world.nina):
        members = set(
            MatchMember.objects.filter(match=step.match).values_list("person_id", flat=True)
        )
        assert members == {world.nina.pk, step.colleague_id}
        intros = Message.objects.filter(match=step.match, kind="intro")
        assert set(intros.values_list("person_id", flat=True)) == members
        assert Message.objects.filter(match=step.match, kind="checkin").count() == 2


def test_a_blocked_colleague_and_recent_partners_are_never_chosen(world):
    run_on(DAY_ONE)
    buddy = JourneyStep.objects.get(number=1).colleague
    # A second new hire blocked the first one's buddy: never introduced to them.
    omar = make_person(
        world.cast.org,
        "omar@acme.test",
        "Omar Ost",
        department=world.cast.people_dept,
        location=world.cast.munich,
        languages=["en"],
        start_date=date(2026, 11, 30),
    )
    from .conftest import enroll

    enroll(world.onboarding, omar)
    BlockedPair.objects.create(organization=world.cast.org, person=omar, other=buddy)
    run_weeks(4)
    met = JourneyStep.objects.filter(journey__person=omar).values_list("colleague", flat=True)
    assert buddy.pk not in met
    nina_met = list(
        JourneyStep.objects.filter(journey__person=world.nina).values_list("colleague", flat=True)
    )
    assert len(nina_met) == len(set(nina_met))  # nobody twice (cooldown)


def test_two_new_hires_the_same_week_meet_different_colleagues(world):
    for i in range(3):
        p = make_person(
            world.cast.org,
            f"new{i}@acme.test",
            f"New Hire{i}",
            department=world.cast.people_dept,
            location=world.cast.munich,
            languages=["en"],
            start_date=date(2026, 11, 24),
        )
        from .conftest import enroll

        enroll(world.onboarding, p)
    run_weeks(3)
    for number in (1, 2, 3):
        week = list(
            JourneyStep.objects.filter(number=number, colleague__isnull=False).values_list(
                "colleague", flat=True
            )
        )
        assert len(week) == 4 and len(set(week)) == 4  # the weekly cap: one each


def test_every_meeting_keeps_every_hard_rule(world):
    world.cast.chidi.languages = ["fr"]  # shares no language with Nina
    world.cast.chidi.save()
    run_weeks(world.plan.steps)
    org = world.cast.org
    for step in JourneyStep.objects.filter(colleague__isnull=False).select_related("match__round"):
        people = engine_people(org.pk, [step.journey.person_id, step.colleague_id])
        on = step.match.round.date
        history = [g for g in organization_history(org.pk, on=on, cooldown_weeks=12) if g.date < on]
        assert hard_rule_problems(list(people.values()), history=history, on=on) == []
        assert step.colleague_id != world.cast.chidi.pk


def test_the_step_is_a_daily_job_after_new_hires_are_enrolled():
    from crosspaths.housekeeping.registry import daily_jobs

    names = list(daily_jobs())
    assert daily_jobs()["onboarding_journeys"] is journeys_run
    assert names.index("new_hires_enroll") < names.index("onboarding_journeys")


def test_a_plan_belongs_to_an_onboarding_program_only(world):
    import pytest
    from django.core.exceptions import ValidationError

    from crosspaths.journeys.services import journey_plan_set

    with pytest.raises(ValidationError, match="Virtual coffee is a Virtual coffee program"):
        journey_plan_set(program=world.coffee, actor=world.cast.alice, weeks=3)


def test_the_steps_program_is_never_run_by_the_scheduler(world):
    from crosspaths.programs.services import rounds_run_due

    steps = world.plan.steps_program
    assert steps.active is False and steps.format == "onboarding"
    with time_machine.travel(DAY_ONE, tick=False):
        report = rounds_run_due(now=DAY_ONE)
    assert all(r.program_id != steps.pk for r in report.drafted)


def test_no_engine_round_can_be_drafted_for_the_steps_program(world):
    from crosspaths.programs.services import round_draft

    steps = world.plan.steps_program
    with time_machine.travel(DAY_ONE, tick=False):
        with pytest.raises(ValidationError, match="the daily journey step writes its rounds"):
            round_draft(program=steps, on=DAY_ONE.date())
        round_draft(program=world.onboarding, on=DAY_ONE.date())  # its onboarding program may
    assert not Round.objects.filter(program=steps).exists()


def test_hr_sees_progress_and_the_new_hire_her_journey(world, client):
    run_weeks(2)
    client.force_login(world.cast.alice.user)
    page = client.get("/console/journeys/").content.decode()
    assert "Nina Neumann" in page
    assert "Week 2 of 7: met 2 colleagues from 2 departments." in page
    assert "Introduction 2: a colleague from another department" in page
    client.force_login(world.nina.user)
    mine = client.get("/journey/").content.decode()
    assert "Your onboarding journey" in mine
    step = JourneyStep.objects.get(journey__person=world.nina, number=2)
    assert step.colleague.name in mine
    # Bob is no admin or program manager: the console refuses him.
    client.force_login(world.cast.bob.user)
    assert client.get("/console/journeys/").status_code == 403


def test_the_console_pages_journeys_25_at_a_time(world, client):
    for i in range(30):
        p = make_person(
            world.cast.org,
            f"hire{i}@acme.test",
            f"Hire {i:02d}",
            login=False,
            department=world.cast.engineering,
            start_date=date(2026, 11, 25),
        )
        from .conftest import enroll

        enroll(world.onboarding, p)
    run_on(DAY_ONE)
    assert Journey.objects.count() == 31
    client.force_login(world.cast.alice.user)
    first = client.get("/console/journeys/").content.decode()
    second = client.get("/console/journeys/?page=2").content.decode()
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert first.count("<tr>") - 1 == 25


def test_a_new_hire_who_left_the_program_gets_no_more_steps(world):
    from crosspaths.programs.models import Enrollment

    run_on(DAY_ONE)
    Enrollment.objects.filter(program=world.onboarding, person=world.nina).update(
        left_at=DAY_ONE + timedelta(days=1)
    )
    run_weeks(3)
    assert list(
        JourneyStep.objects.filter(journey__person=world.nina).values_list("number", flat=True)
    ) == [1]
