"""The check-in pages behind the e-mail links: no sign-in, one click, then optional
feedback; forged and expired links get a friendly page."""

from datetime import date

import pytest
from django.urls import reverse

from crosspaths.meetings.models import CheckIn
from crosspaths.meetings.tokens import checkin_token
from crosspaths.programs.models import Match, MatchMember, Program, Round


@pytest.fixture
def member(cast):
    program = Program.objects.create(organization=cast.org, name="Coffee", format="virtual_coffee")
    rnd = Round.objects.create(
        organization=cast.org, program=program, date=date(2026, 11, 2), status="published"
    )
    match = Match.objects.create(organization=cast.org, round=rnd, organizer=cast.chidi)
    MatchMember.objects.create(organization=cast.org, match=match, round=rnd, person=cast.chidi)
    return MatchMember.objects.create(
        organization=cast.org, match=match, round=rnd, person=cast.bob
    )


def url(member, answer="met", token=None):
    return reverse("meetings:checkin", args=[token or checkin_token(member.pk), answer])


def click(client, member, answer="met"):
    """What a browser does with the link: open it, then the page confirms with a POST."""
    page = client.get(url(member, answer))
    assert 'id="checkin-confirm"' in page.content.decode()
    assert "meetings/checkin-confirm.js" in page.content.decode()
    return client.post(url(member, answer), {"confirm": "1"}, follow=True)


def test_one_click_records_that_we_met_without_signing_in(client, member):
    response = click(client, member)
    assert response.status_code == 200
    assert CheckIn.objects.get(member=member).met is True
    assert "Chidi Okafor" in response.content.decode()


def test_a_mail_scanner_opening_both_links_records_nothing(client, member):
    for answer in ("met", "missed", "met"):
        assert client.get(url(member, answer)).status_code == 200
    assert not CheckIn.objects.exists()


def test_confirming_twice_changes_nothing(client, member):
    click(client, member)
    client.post(url(member), {"rating": "5", "comment": "x"})
    click_again = client.post(url(member), {"confirm": "1"})
    assert click_again.status_code == 302
    assert CheckIn.objects.get(member=member).rating == 5


def test_the_page_speaks_the_members_language(client, member, cast):
    cast.bob.language = "de"
    cast.bob.save()
    response = click(client, member)
    assert '<html lang="de">' in response.content.decode()
    assert "Schön, dass Sie sich getroffen haben" in response.content.decode()


def test_it_did_not_happen_is_recorded_and_can_be_changed(client, member):
    click(client, member, "missed")
    assert CheckIn.objects.get(member=member).met is False
    click(client, member, "met")
    assert CheckIn.objects.get(member=member).met is True
    assert CheckIn.objects.count() == 1


def test_a_rating_and_comment_can_follow(client, member):
    click(client, member)
    response = client.post(url(member), {"rating": "4", "comment": " Lovely chat. "})
    assert "Your feedback is saved." in response.content.decode()
    checkin = CheckIn.objects.get(member=member)
    assert (checkin.met, checkin.rating, checkin.comment) == (True, 4, "Lovely chat.")


def test_clicking_the_link_again_keeps_the_rating(client, member):
    client.post(url(member), {"rating": "5", "comment": ""})
    response = client.get(url(member))
    assert 'id="checkin-confirm"' not in response.content.decode()  # already answered
    assert CheckIn.objects.get(member=member).rating == 5


def test_a_bad_rating_is_shown_next_to_the_field(client, member):
    response = client.post(url(member), {"rating": "9"})
    assert response.status_code == 200
    assert 'class="field-error"' in response.content.decode()
    assert not CheckIn.objects.exists()  # nothing half-written


def test_a_head_request_records_nothing(client, member):
    assert client.head(url(member)).status_code == 200
    assert not CheckIn.objects.exists()


def test_a_forged_link_gets_a_friendly_page(client, member):
    token = checkin_token(member.pk)
    response = client.get(url(member, token=token[:-2] + "xx"))
    assert response.status_code == 400
    assert "This link does not work." in response.content.decode()
    assert not CheckIn.objects.exists()


def test_an_expired_link_gets_a_friendly_page(client, member, settings, monkeypatch):
    import time

    token = checkin_token(member.pk)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 40 * 24 * 3600)
    response = client.get(url(member, token=token))
    assert response.status_code == 410
    assert "This link has expired." in response.content.decode()


def test_a_link_for_a_member_that_no_longer_exists_is_friendly(client, member):
    link = url(member)
    member.delete()
    assert client.get(link).status_code == 400


def test_an_unknown_answer_is_not_found(client, member):
    assert client.get(url(member, "maybe")).status_code == 404


def test_a_draft_round_cannot_be_answered_and_says_so(client, member):
    Round.objects.filter(pk=member.round_id).update(status="draft")
    response = client.get(url(member))
    assert response.status_code == 200
    assert "This round has not been published yet." in response.content.decode()
