from datetime import date

import pytest
from django.db import IntegrityError, transaction

from crosspaths.meetings.models import CheckIn
from crosspaths.programs.models import Match, MatchMember, Program, Round


@pytest.fixture
def member(cast):
    program = Program.objects.create(organization=cast.org, name="Coffee", format="virtual_coffee")
    rnd = Round.objects.create(organization=cast.org, program=program, date=date(2026, 11, 2))
    match = Match.objects.create(organization=cast.org, round=rnd)
    return MatchMember.objects.create(
        organization=cast.org, match=match, round=rnd, person=cast.bob
    )


@pytest.mark.parametrize("rating", [0, 6])
def test_a_rating_outside_1_to_5_is_refused(cast, member, rating):
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckIn.objects.create(organization=cast.org, member=member, met=True, rating=rating)


def test_a_check_in_without_rating_is_fine(cast, member):
    c = CheckIn.objects.create(organization=cast.org, member=member, met=False)
    assert c.rating is None


def test_a_member_checks_in_once(cast, member):
    CheckIn.objects.create(organization=cast.org, member=member, met=True, rating=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckIn.objects.create(organization=cast.org, member=member, met=False)
