"""Check-in comments go where the form says: the program's managers and the
organization's admins read them, named, per round; participants and other
organizations never; answers and ratings stay private."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from crosspaths.meetings.models import CheckIn
from crosspaths.meetings.tokens import checkin_token
from crosspaths.people.models import Person
from crosspaths.programs.models import MatchMember, Program

from ..cast import PASSWORD, make_person

SECRET = "The café was closed, we walked instead. Lovely chat."


@pytest.fixture
def commented(published_round, cast):
    bob = MatchMember.objects.get(round=published_round, person=cast.bob)
    chidi = MatchMember.objects.get(round=published_round, person=cast.chidi)
    CheckIn.objects.create(organization=cast.org, member=bob, met=True, rating=2, comment=SECRET)
    CheckIn.objects.create(organization=cast.org, member=chidi, met=True, rating=5, comment="")
    return published_round


def _url(rnd) -> str:
    return f"/console/rounds/{rnd.pk}/comments/"


def test_an_admin_reads_the_comments_named_but_not_answers_or_ratings(admin_client, commented):
    response = admin_client.get(_url(commented))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Bob Brandt" in body and "The café was closed, we walked instead." in body
    assert "Group 1" in body
    assert "Chidi Okafor" not in body  # no comment, not listed
    assert "2 · meh" not in body and ">2<" not in body  # Bob's rating is not shown


def test_the_round_page_links_to_them(admin_client, commented):
    body = admin_client.get(f"/console/rounds/{commented.pk}/").content.decode()
    assert "Read the 1 comment written to the organizers" in body
    assert SECRET not in body


def test_the_programs_manager_reads_them(manager_client, commented):
    assert SECRET in manager_client.get(_url(commented)).content.decode()


def test_a_manager_of_another_program_does_not(client, cast, commented):
    other = Program.objects.create(organization=cast.org, name="Lunch", format="lunch")
    fay = make_person(cast.org, "fay@acme.test", "Fay", role=Person.Role.PROGRAM_MANAGER)
    other.managers.add(fay)
    client.login(username="fay@acme.test", password=PASSWORD)
    response = client.get(_url(commented))
    assert response.status_code == 403 and SECRET not in response.content.decode()


def test_participants_never_read_them_not_even_the_author(participant_client, commented):
    response = participant_client.get(_url(commented))
    assert response.status_code in (302, 403, 404)
    assert SECRET not in response.content.decode()


def test_another_organizations_admin_never_reads_them(cast, commented):
    client = Client()
    client.login(username="dana@globex.test", password=PASSWORD)
    response = client.get(_url(commented))
    assert response.status_code == 404 and SECRET not in response.content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(commented):
    response = Client().get(_url(commented))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_checkin_form_says_who_reads_the_comment(client, published_round, cast):
    member = MatchMember.objects.get(round=published_round, person=cast.bob)
    path = reverse("meetings:checkin", args=[checkin_token(member.pk), "met"])
    client.post(path, {"confirm": "1"})
    body = client.get(path).content.decode()
    assert "Read with your name by the people who run this program" in body
    assert "The people you met do not see it." in body
