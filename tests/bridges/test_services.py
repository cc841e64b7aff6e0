"""Team bridges end to end below the pages: create (program, enrollments, audit), draft
and publish rounds with the clock moved round by round, coverage, reports."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from crosspaths.bridges.selectors import bridge_coverage, bridge_progress, bridges_of
from crosspaths.bridges.services import (
    bridge_create,
    bridge_teams_set,
    bridges_enroll_new_members,
)
from crosspaths.console.forms import AudienceForm
from crosspaths.console.models import AuditLog
from crosspaths.matching import hard_rule_problems
from crosspaths.notify.models import Message
from crosspaths.people.models import Team
from crosspaths.programs.engine_input import engine_people, program_rules
from crosspaths.programs.enrollments import (
    audience_plan,
    enrollment_join,
    enrollment_leave,
    programs_open_to,
)
from crosspaths.programs.models import Enrollment, LeftOut, Match, MatchMember, Program, Round
from crosspaths.programs.services import (
    group_rule_problems,
    round_draft,
    round_publish,
    round_swap_members,
    rounds_run_due,
)

MONDAY = date(2026, 11, 30)


def _bridge(cast, teams):  # type: ignore[no-untyped-def]
    platform, support, _b, _s = teams
    return bridge_create(
        actor=cast.alice,
        organization=cast.org,
        name="Berlin meets Singapore",
        teams=[platform, support],
        cadence=Program.Cadence.WEEKLY,
        weekday=Program.Weekday.MONDAY,
        starts_on=MONDAY,
    )


def _run(program, day):  # type: ignore[no-untyped-def]
    """Draft and publish the round of ``day`` at 09:00 Berlin time that morning."""
    with time_machine.travel(datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=8)):
        rnd = round_draft(program=program, on=day)
        round_publish(round=rnd)
    return rnd


def _pairs(rnd):  # type: ignore[no-untyped-def]
    out: dict[int, set[int]] = {}
    for match_id, person_id in MatchMember.objects.filter(round=rnd).values_list(
        "match_id", "person_id"
    ):
        out.setdefault(match_id, set()).add(person_id)
    return [frozenset(v) for v in out.values()]


def test_creating_a_bridge_makes_its_program_enrolls_both_teams_and_tells_them(cast, teams):
    bridge = _bridge(cast, teams)
    program = bridge.program
    assert program.format == Program.Format.TEAM_BRIDGE
    assert (program.group_size, program.mode, program.cooldown_weeks) == (2, "virtual", 0)
    _p, _s, berlin, singapore = teams
    enrolled = set(Enrollment.objects.filter(program=program).values_list("person_id", flat=True))
    assert enrolled == {p.pk for p in berlin + singapore}
    assert Message.objects.filter(kind=Message.Kind.ANNOUNCEMENT).count() == 6
    entry = AuditLog.objects.get(action=AuditLog.Action.BRIDGE_CREATE)
    assert (
        entry.summary == "Created the team bridge Berlin meets Singapore between Platform, Support"
    )


def test_a_bridge_needs_two_teams_of_the_same_organization(cast, teams):
    platform, _support, _b, _s = teams
    with pytest.raises(ValidationError, match="at least two teams"):
        bridge_create(actor=cast.alice, organization=cast.org, name="One", teams=[platform])
    elsewhere = Team.objects.create(organization=cast.other_org, name="Globex team")
    with pytest.raises(ValidationError, match="belong to this organization"):
        bridge_create(
            actor=cast.alice, organization=cast.org, name="Two", teams=[platform, elsewhere]
        )
    assert not Program.objects.filter(format=Program.Format.TEAM_BRIDGE).exists()


def test_a_round_pairs_only_across_teams_within_common_hours_and_reports_the_rest(cast, teams):
    bridge = _bridge(cast, teams)
    _p, _s, berlin, singapore = teams
    rnd = _run(bridge.program, MONDAY)
    team_of = {p.pk: p.team_id for p in berlin + singapore}
    pairs = _pairs(rnd)
    assert len(pairs) == 2
    people = engine_people(cast.org.pk, team_of)
    for pair in pairs:
        a, b = sorted(pair)
        assert team_of[a] != team_of[b]
        assert (
            hard_rule_problems(
                [people[a], people[b]], rules=program_rules(bridge.program), on=MONDAY
            )
            == []
        )
    kiri = singapore[2]
    reasons = dict(LeftOut.objects.filter(round=rnd).values_list("person_id", "code"))
    assert reasons[kiri.pk] == "no_time_overlap"
    assert sorted(reasons.values()) == ["no_time_overlap", "other_side_full"]
    assert rnd.metrics["bridge"] == {
        "cross_pairs": 9,
        "met_before": 0,
        "new_pairs": 2,
        "met_after": 2,
    }


def test_rounds_rotate_until_every_reachable_cross_pair_has_met_once(cast, teams):
    bridge = _bridge(cast, teams)
    seen: set[frozenset[int]] = set()
    for week in range(3):
        rnd = _run(bridge.program, MONDAY + timedelta(weeks=week))
        for pair in _pairs(rnd):
            assert pair not in seen, f"repeat in week {week}"
            seen.add(pair)
    with time_machine.travel(datetime(2026, 12, 15, 9, tzinfo=UTC)):
        coverage = bridge_coverage(bridge, on=date(2026, 12, 15))
    # Berlin x Singapore: 3 x 2 reachable pairs all met; Kiri's 3 never can.
    assert (coverage.met, coverage.total, coverage.percent) == (6, 9, 67)
    [pair] = coverage.pairs
    assert (pair.first, pair.second, pair.met, pair.total) == ("Platform", "Support", 6, 9)
    assert [u.person.name for u in coverage.unreachable] == ["Kiri Ngata"]
    assert "working hours" in coverage.unreachable[0].reason
    # The fourth round starts the next lap with pairs that met before.
    rnd = _run(bridge.program, MONDAY + timedelta(weeks=3))
    assert all(p in seen for p in _pairs(rnd))
    assert len(_pairs(rnd)) == 2
    progress = bridge_progress(bridge, since=date(2026, 12, 1), until=date(2026, 12, 31))
    assert (progress.members, progress.met, progress.total, progress.new) == (6, 6, 9, 4)


def test_a_member_sees_whom_they_met_and_how_many_are_left(cast, teams):
    bridge = _bridge(cast, teams)
    _p, _s, berlin, singapore = teams
    rnd = _run(bridge.program, MONDAY)
    sam = singapore[0]
    [pair] = [p for p in _pairs(rnd) if sam.pk in p]
    [partner] = pair - {sam.pk}
    assert partner in {p.pk for p in berlin}
    [mine] = bridges_of(sam, on=MONDAY)
    assert (mine.my_team, mine.other_teams, mine.met, mine.total) == ("Support", ["Platform"], 1, 3)
    assert mine.next_round is not None
    assert bridges_of(cast.chidi, on=MONDAY) == []


def test_changing_the_teams_enrolls_new_members_and_records_it(cast, teams):
    platform, support, _b, _s = teams
    bridge = _bridge(cast, teams)
    cast.chidi.team = Team.objects.create(organization=cast.org, name="Web")
    cast.chidi.save()
    bridge_teams_set(actor=cast.alice, bridge=bridge, teams=[platform, support, cast.chidi.team])
    assert Enrollment.objects.filter(program=bridge.program, person=cast.chidi).exists()
    entry = AuditLog.objects.get(action=AuditLog.Action.BRIDGE_UPDATE)
    assert "Platform, Support, Web" in entry.summary


def test_the_scheduler_runs_a_bridge_round_on_its_day_like_any_program(cast, teams):
    bridge = _bridge(cast, teams)
    # Monday 30 Nov, 09:00 in Berlin (the organization's zone) is 08:00 UTC.
    at = datetime(2026, 11, 30, 8, 1, tzinfo=UTC)
    with time_machine.travel(at):
        report = rounds_run_due(now=at)
        again = rounds_run_due(now=at)
    [rnd] = Round.objects.filter(program=bridge.program)
    assert report.published == [rnd] and again.drafted == []
    assert rnd.date == MONDAY and rnd.status == Round.Status.PUBLISHED
    assert len(_pairs(rnd)) == 2
    assert Message.objects.filter(kind=Message.Kind.INTRO).count() == 4
    assert Message.objects.filter(kind=Message.Kind.LEFT_OUT).count() == 2


def test_a_hand_edit_that_pairs_two_of_one_team_is_refused_with_their_names(cast, teams):
    bridge = _bridge(cast, teams)
    _p, _s, berlin, singapore = teams
    with time_machine.travel(datetime(2026, 11, 30, 7, tzinfo=UTC)):
        rnd = round_draft(program=bridge.program, on=MONDAY)
    a, b = Match.objects.filter(round=rnd).order_by("pk")
    [a_support] = a.members.filter(person__in=singapore).values_list("person_id", flat=True)
    [b_platform] = b.members.filter(person__in=berlin).values_list("person_id", flat=True)
    # Swapping a's Singaporean with b's Berliner leaves two Berliners in a and two
    # Singaporeans in b.
    with pytest.raises(ValidationError) as refused:
        round_swap_members(round=rnd, a=a_support, b=b_platform)
    texts = " ".join(refused.value.messages)
    assert "are both in Platform; a team bridge pairs people of different teams" in texts
    assert "are both in Support" in texts
    assert group_rule_problems(round=rnd, person_ids=[berlin[0].pk, berlin[1].pk]) == ["same_team"]
    assert group_rule_problems(round=rnd, person_ids=[berlin[0].pk, singapore[0].pk]) == []


def test_the_daily_step_enrolls_who_joined_a_bridged_team_but_not_who_left(cast, teams):
    platform, _support, berlin, _s = teams
    bridge = _bridge(cast, teams)
    enrollment_leave(person=berlin[0], program=bridge.program)
    cast.chidi.team = platform
    cast.chidi.save()
    assert bridges_enroll_new_members(now=datetime(2026, 11, 27, 3, tzinfo=UTC)) == 1
    assert bridges_enroll_new_members(now=datetime(2026, 11, 27, 3, tzinfo=UTC)) == 0
    assert Enrollment.objects.get(program=bridge.program, person=cast.chidi).left_at is None
    assert Enrollment.objects.get(program=bridge.program, person=berlin[0]).left_at is not None
    assert Message.objects.filter(kind=Message.Kind.ANNOUNCEMENT, person=cast.chidi).count() == 1


def test_only_the_bridges_own_people_may_join_it_and_who_left_may_come_back(cast, teams):
    bridge = _bridge(cast, teams)
    _p, _s, berlin, _singapore = teams
    assert bridge.program not in programs_open_to(person=cast.chidi, on=MONDAY)
    with pytest.raises(ValidationError, match="is not open to you"):
        enrollment_join(person=cast.chidi, program=bridge.program, on=MONDAY)
    enrollment_leave(person=berlin[0], program=bridge.program)
    assert bridge.program in programs_open_to(person=berlin[0], on=MONDAY)
    assert enrollment_join(person=berlin[0], program=bridge.program, on=MONDAY).left_at is None


def test_enrolling_an_audience_into_a_bridge_adds_nobody_outside_its_teams(
    cast, teams, django_assert_max_num_queries
):
    bridge = _bridge(cast, teams)
    audience = AudienceForm({}, organization=cast.org)
    assert audience.is_valid(), audience.errors
    with django_assert_max_num_queries(6):
        plan = audience_plan(program=bridge.program, audience=audience.audience(), on=MONDAY)
    assert plan.new == [] and plan.already == 6 and plan.outside == 3
