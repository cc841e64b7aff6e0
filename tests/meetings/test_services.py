from datetime import date

import pytest
from django.core.exceptions import ValidationError

from crosspaths.meetings.models import CheckIn
from crosspaths.meetings.services import checkin_record
from crosspaths.programs.models import Match, MatchMember, Program, Round


@pytest.fixture
def member(cast):
    program = Program.objects.create(organization=cast.org, name="Coffee", format="virtual_coffee")
    rnd = Round.objects.create(
        organization=cast.org, program=program, date=date(2026, 11, 2), status="published"
    )
    match = Match.objects.create(organization=cast.org, round=rnd)
    return MatchMember.objects.create(
        organization=cast.org, match=match, round=rnd, person=cast.bob
    )


def test_answering_twice_keeps_one_check_in_with_the_latest_answer(member):
    checkin_record(member=member, met=True, rating=4)
    checkin = checkin_record(member=member, met=False)
    assert CheckIn.objects.filter(member=member).count() == 1
    assert (checkin.met, checkin.rating) == (False, None)
    assert checkin.organization_id == member.organization_id


def test_a_rating_outside_one_to_five_is_refused_with_a_message(member):
    with pytest.raises(ValidationError) as e:
        checkin_record(member=member, met=True, rating=9)
    assert "rating" in e.value.message_dict
    assert not CheckIn.objects.exists()


def test_a_draft_round_cannot_be_answered(member):
    Round.objects.filter(pk=member.round_id).update(status="draft")
    with pytest.raises(ValidationError):
        checkin_record(member=member, met=True)
