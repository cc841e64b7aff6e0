"""Hand edits of a draft round (the HR console's moves and swaps): refused with the
broken hard rule named, otherwise applied and re-explained."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from crosspaths.people.models import BlockedPair
from crosspaths.programs.models import LeftOut, Match, MatchMember, Round
from crosspaths.programs.services import round_move_member, round_publish, round_swap_members

from .crowd import coffee, crowd

ON = date(2026, 11, 30)


@pytest.fixture
def draft(cast):
    """A hand-made draft: [Alice, Xena] [Chidi, Yuri] and Bob left out."""
    program = coffee(cast.org)
    xena, yuri = crowd(cast.org, 2)
    rnd = Round.objects.create(organization=cast.org, program=program, date=ON)
    groups = []
    for people in ([cast.alice, xena], [cast.chidi, yuri]):
        m = Match.objects.create(organization=cast.org, round=rnd, organizer=people[0])
        for p in people:
            MatchMember.objects.create(organization=cast.org, match=m, round=rnd, person=p)
        groups.append(m)
    LeftOut.objects.create(organization=cast.org, round=rnd, person=cast.bob, code="odd_one_out")
    rnd.metrics = {"groups": 2, "placed": 4, "left_out": 1}
    rnd.save()
    return rnd, groups, xena, yuri


def members(match):
    return set(MatchMember.objects.filter(match=match).values_list("person_id", flat=True))


def test_a_move_that_pairs_a_manager_with_her_report_is_refused_by_name(cast, draft):
    rnd, (first, _second), *_ = draft
    with pytest.raises(ValidationError) as e:
        round_move_member(round=rnd, person=cast.bob, to_match=first)
    assert [err.code for err in e.value.error_list] == ["manager_and_report"]
    assert e.value.messages == ["Alice Adler is Bob Brandt's manager"]
    assert LeftOut.objects.filter(round=rnd, person=cast.bob).exists()
    assert members(first) == {cast.alice.pk, draft[2].pk}


def test_the_refusal_is_in_the_active_language(cast, draft):
    from django.utils import translation

    rnd, (first, _), *_ = draft
    with translation.override("de"), pytest.raises(ValidationError) as e:
        round_move_member(round=rnd, person=cast.bob, to_match=first)
    assert e.value.messages == ["Alice Adler ist die Führungskraft von Bob Brandt"]


def test_a_blocked_pair_and_a_recent_meeting_are_both_named(cast, draft):
    rnd, (_first, second), xena, _yuri = draft
    BlockedPair.objects.create(organization=cast.org, person=xena, other=cast.chidi)
    old = Round.objects.create(
        organization=cast.org, program=rnd.program, date=ON - timedelta(weeks=1), status="published"
    )
    m = Match.objects.create(organization=cast.org, round=old)
    for p in (xena, draft[3]):
        MatchMember.objects.create(organization=cast.org, match=m, round=old, person=p)
    with pytest.raises(ValidationError) as e:
        round_move_member(round=rnd, person=xena, to_match=second)
    codes = sorted(err.code for err in e.value.error_list)
    assert codes == ["blocked_pair", "group_too_small", "met_recently"]


def test_a_valid_move_is_applied_and_both_groups_are_explained_again(cast, draft):
    rnd, (_first, second), _xena, yuri = draft
    round_move_member(round=rnd, person=cast.bob, to_match=second)
    assert members(second) == {cast.chidi.pk, yuri.pk, cast.bob.pk}
    assert not LeftOut.objects.filter(round=rnd, person=cast.bob).exists()
    second.refresh_from_db()
    assert "different_departments" in {r["code"] for r in second.reasons}
    assert second.organizer_id == cast.chidi.pk
    assert second.suggested_start is not None
    rnd.refresh_from_db()
    assert (rnd.metrics["placed"], rnd.metrics["left_out"], rnd.metrics["hand_edits"]) == (5, 0, 1)


def test_a_swap_with_someone_left_out_takes_their_place(cast, draft):
    rnd, (_first, second), _xena, yuri = draft
    round_swap_members(round=rnd, a=yuri, b=cast.bob)
    assert members(second) == {cast.chidi.pk, cast.bob.pk}
    assert LeftOut.objects.get(round=rnd, person=yuri).code == "removed_by_admin"


def test_swapping_two_people_between_groups_keeps_the_organizer_when_possible(cast, draft):
    rnd, (first, second), xena, yuri = draft
    round_swap_members(round=rnd, a=xena, b=yuri)
    assert members(first) == {cast.alice.pk, yuri.pk}
    assert members(second) == {cast.chidi.pk, xena.pk}
    first.refresh_from_db()
    assert first.organizer_id == cast.alice.pk


def test_moving_the_organizer_away_designates_a_new_one(cast, draft):
    rnd, (_first, second), _xena, yuri = draft
    round_move_member(round=rnd, person=cast.bob, to_match=second)
    round_move_member(round=rnd, person=cast.chidi, to_match=None)
    second.refresh_from_db()
    assert second.organizer_id in {cast.bob.pk, yuri.pk}


def test_a_published_round_cannot_be_edited(cast, draft):
    rnd, (_first, second), *_ = draft
    round_publish(round=rnd)
    with pytest.raises(ValidationError, match="Only a draft round"):
        round_move_member(round=rnd, person=cast.bob, to_match=second)


def test_a_person_or_group_from_elsewhere_is_refused(cast, draft):
    rnd, (first, _), *_ = draft
    with pytest.raises(ValidationError, match="not part of this round"):
        round_move_member(round=rnd, person=cast.dana, to_match=first)
