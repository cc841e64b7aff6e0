"""GDPR self-service: the export holds the person's own data only; erasure removes
everything personal and keeps an anonymous member so figures stay correct."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from crosspaths.console.models import AuditLog
from crosspaths.meetings.models import CheckIn
from crosspaths.people.models import BlockedPair, KeepInTouch, Person
from crosspaths.privacy.services import checkin_comments_expire, person_data, person_erase
from crosspaths.programs.models import Match, MatchMember, Round

from ..programs.crowd import coffee, enroll


@pytest.fixture
def met(cast):
    """Bob and Chidi met in a round of Virtual coffee; both checked in with comments."""
    program = coffee(cast.org)
    enroll(program, [cast.bob, cast.chidi])
    rnd = Round.objects.create(
        organization=cast.org, program=program, date=date(2026, 11, 2), status="closed"
    )
    match = Match.objects.create(organization=cast.org, round=rnd, organizer=cast.chidi)
    for person, comment in ((cast.bob, "bob's own words"), (cast.chidi, "chidi private note")):
        member = MatchMember.objects.create(
            organization=cast.org, match=match, round=rnd, person=person
        )
        CheckIn.objects.create(
            organization=cast.org, member=member, met=True, rating=5, comment=comment
        )
    BlockedPair.objects.create(organization=cast.org, person=cast.bob, other=cast.alice)
    KeepInTouch.objects.create(organization=cast.org, person=cast.chidi, other=cast.bob)
    return match


def test_the_export_holds_the_persons_own_data_and_never_a_colleagues_answer(cast, met):
    data = person_data(person=cast.bob)
    text = json.dumps(data)
    assert data["profile"]["email"] == "bob@acme.test"
    assert data["profile"]["interests"] == ["chess", "cycling"]
    (group,) = data["groups"]
    assert group["with"] == ["Chidi Okafor"] and group["organizer"] is False
    assert group["my_check_in"]["comment"] == "bob's own words"
    assert data["do_not_pair_with"] == ["Alice Adler"]
    assert "chidi private note" not in text  # Chidi's check-in describes Chidi
    assert data["keep_in_touch"] == []  # Chidi's mark on Bob is Chidi's


def test_erasure_removes_everything_personal_and_keeps_an_anonymous_member(cast, met):
    bob_user = cast.bob.user_id
    person_erase(person=cast.bob, actor=cast.bob)
    bob = Person.objects.get(pk=cast.bob.pk)
    assert bob.name == "" and bob.email.endswith("@erased.invalid")
    assert (bob.active, bob.user_id, bob.interests, bob.languages) == (False, None, [], [])
    assert bob.department == cast.people_dept  # what the figures count by stays
    assert MatchMember.objects.filter(match=met).count() == 2  # the group keeps its size
    assert CheckIn.objects.get(member__person=bob).comment == ""
    assert CheckIn.objects.get(member__person=cast.chidi).comment == "chidi private note"
    assert not BlockedPair.objects.filter(person=bob).exists()
    assert not KeepInTouch.objects.filter(other=bob).exists()
    assert not User.objects.filter(pk=bob_user).exists()  # no other organization used it
    entry = AuditLog.objects.get(action="person.erased")
    assert entry.target_id == str(bob.pk) and "own request" in entry.summary


def test_a_login_used_by_another_organization_survives_the_erasure(cast):
    Person.objects.create(
        organization=cast.other_org, email="bob@acme.test", name="Bob", user=cast.bob.user
    )
    person_erase(person=cast.bob, actor=cast.alice)
    assert User.objects.filter(pk=cast.bob.user_id).exists()
    assert AuditLog.objects.get(action="person.erased").actor == cast.alice


def test_the_last_admin_cannot_be_erased(cast):
    with pytest.raises(ValidationError, match="cannot lose the admin role"):
        person_erase(person=cast.alice, actor=cast.alice)
    assert Person.objects.get(pk=cast.alice.pk).name == "Alice Adler"


def test_an_admin_of_another_organization_cannot_erase(cast):
    with pytest.raises(ValidationError):
        person_erase(person=cast.bob, actor=cast.dana)
    assert Person.objects.get(pk=cast.bob.pk).active


def test_comments_older_than_the_retention_are_deleted_nightly(cast, met, time_machine):
    cast.org.checkin_comment_months = 1
    cast.org.save()
    CheckIn.objects.filter(member__person=cast.bob).update(
        created_at=datetime(2026, 9, 1, tzinfo=UTC)
    )
    assert checkin_comments_expire() == 1
    assert checkin_comments_expire() == 0  # safe to run twice
    assert CheckIn.objects.get(member__person=cast.bob).comment == ""
    assert CheckIn.objects.get(member__person=cast.chidi).comment == "chidi private note"
