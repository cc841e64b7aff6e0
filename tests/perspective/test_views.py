"""The outside-perspective pages: the form, opting in, answering on the page, one's own
requests only, the console settings with their audit entry."""

from __future__ import annotations

import pytest

from crosspaths.console.models import AuditLog
from crosspaths.perspective.models import Ask, Giver, PerspectiveRequest
from crosspaths.perspective.services import perspective_settings

from ..cast import PASSWORD

pytestmark = pytest.mark.django_db

FORM = {
    "topic": "A chess club for new hires",
    "tags": "Chess, chess ",
    "people_wanted": "2",
    "needed_by": "2026-12-11",
}


def test_the_form_sends_a_request_and_shows_its_status(givers, bob_client):
    response = bob_client.post("/perspective/new/", FORM, follow=True)
    request = PerspectiveRequest.objects.get()
    assert request.tags == ["chess"]
    body = response.content.decode()
    assert "Your request is out: we asked 2 colleagues." in body
    assert "0 of 2 colleagues said yes; 2 still deciding." in body


def test_the_form_says_what_is_wrong_and_stores_nothing(givers, bob_client):
    bad = {**FORM, "tags": "underwater rugby", "needed_by": "2026-11-01"}
    body = bob_client.post("/perspective/new/", bad).content.decode()
    assert "Choose a day between tomorrow and 2027-01-25." in body
    body = bob_client.post("/perspective/new/", {**FORM, "tags": "rugby"}).content.decode()
    assert "Right now no colleague who gives outside perspectives fits these wishes" in body
    assert not PerspectiveRequest.objects.exists()


def test_opting_in_and_out_with_a_cap(givers, bob_client):
    bob_client.post("/perspective/giving/", {"active": "on", "monthly_cap": "3"})
    giver = Giver.objects.get(person=givers.cast.bob)
    assert giver.active and giver.monthly_cap == 3
    bob_client.post("/perspective/giving/", {"monthly_cap": "3"})
    giver.refresh_from_db()
    assert not giver.active
    response = bob_client.post("/perspective/giving/", {"monthly_cap": "99"}, follow=True)
    assert "Ensure this value is less than or equal to 10." in response.content.decode()


def test_an_ask_is_answered_on_the_page_by_its_person_only(givers, bob_client, client):
    bob_client.post("/perspective/new/", FORM)
    ask = Ask.objects.filter(person=givers.cast.chidi).first() or Ask.objects.first()
    # Bob cannot answer an ask made to someone else.
    assert (
        bob_client.post(f"/perspective/asks/{ask.pk}/answer/", {"answer": "yes"}).status_code == 404
    )
    client.logout()
    client.login(username=ask.person.email, password=PASSWORD)
    response = client.post(f"/perspective/asks/{ask.pk}/answer/", {"answer": "yes"}, follow=True)
    assert "Thank you! Once enough colleagues said yes" in response.content.decode()
    ask.refresh_from_db()
    assert ask.status == "accepted"


def test_someone_elses_request_is_not_found(givers, bob_client, client):
    bob_client.post("/perspective/new/", FORM)
    request = PerspectiveRequest.objects.get()
    client.logout()
    client.login(username="chidi@acme.test", password=PASSWORD)
    assert client.get(f"/perspective/requests/{request.pk}/").status_code == 404
    assert client.post(f"/perspective/requests/{request.pk}/cancel/").status_code == 404


def test_cancelling_an_open_request(givers, bob_client):
    bob_client.post("/perspective/new/", FORM)
    request = PerspectiveRequest.objects.get()
    response = bob_client.post(f"/perspective/requests/{request.pk}/cancel/", follow=True)
    assert "Your request is cancelled" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "cancelled"


def test_the_console_settings_are_saved_and_logged(givers, client):
    client.login(username="alice@acme.test", password=PASSWORD)
    page = client.get("/console/perspective/").content.decode()
    assert "5 people have opted in." in page
    response = client.post(
        "/console/perspective/", {"default_monthly_cap": "3", "answer_hours": "24"}
    )
    assert response.status_code == 302
    row = perspective_settings(givers.cast.org)
    assert (row.default_monthly_cap, row.answer_hours) == (3, 24)
    entry = AuditLog.objects.get(action=AuditLog.Action.PERSPECTIVE_SETTINGS)
    assert "3 asks a month by default, 24 hours to answer" in entry.summary


def test_participants_do_not_reach_the_console_page(givers, bob_client):
    assert bob_client.get("/console/perspective/").status_code == 403
