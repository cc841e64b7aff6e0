"""Event pages: an admin plans, seats and downloads; others are refused; home shows seats."""

from __future__ import annotations

import csv
import io
import re

import pytest

from crosspaths.events.models import Event, Seat
from crosspaths.events.services import event_seat

pytestmark = pytest.mark.django_db


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_an_admin_creates_an_event_and_seats_everyone(admin_client, cast, crowd):
    answer = admin_client.post(
        "/console/events/new/",
        {
            "name": "Offsite",
            "date": "2026-12-14",
            "attendees": "all",
            "table_size": "6",
            "rotations": "2",
        },
    )
    event = Event.objects.get(organization=cast.org, name="Offsite")
    assert answer.status_code == 302 and answer["Location"] == f"/console/events/{event.pk}/"
    page = admin_client.get(f"/console/events/{event.pk}/")
    assert b"36 people attend right now." in page.content
    answer = admin_client.post(f"/console/events/{event.pk}/seat/", follow=True)
    assert b"36 people seated at 6 tables for 2 rounds." in answer.content
    assert b"0 pairs sit together more than once" in answer.content
    assert Seat.objects.filter(event=event).count() == 72
    assert b"Round 2" in answer.content and b"Person 00" in answer.content


def test_the_form_asks_for_the_department_when_one_department_attends(admin_client, cast):
    answer = admin_client.post(
        "/console/events/new/",
        {
            "name": "Team day",
            "date": "2026-12-14",
            "attendees": "department",
            "table_size": "6",
            "rotations": "2",
        },
    )
    assert answer.status_code == 200
    assert b"Choose the department that attends." in answer.content
    assert not Event.objects.exists()


def test_a_seating_that_breaks_a_rule_is_refused_with_a_message(admin_client, cast):
    event = Event.objects.create(
        organization=cast.org, name="Tiny", date="2026-12-01", table_size=4, rotations=1
    )
    answer = admin_client.post(f"/console/events/{event.pk}/seat/", follow=True)
    assert b"keeps a manager apart from their reports" in answer.content
    assert not Seat.objects.filter(event=event).exists()


def test_the_plan_pdf_has_a_page_per_round_and_the_cards(admin_client, townhall):
    event_seat(event=townhall)
    answer = admin_client.get(f"/console/events/{townhall.pk}/plan.pdf")
    assert answer["Content-Type"] == "application/pdf"
    assert 'filename="crosspaths-event-2026-12-10-' in answer["Content-Disposition"]
    pdf = answer.content
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert _pages(pdf) == 3 + 4  # 6 tables of 6 fit one page per round; 36 cards, 10 a page


def test_the_cards_csv_lists_each_persons_table_per_round(admin_client, cast, townhall):
    event_seat(event=townhall)
    answer = admin_client.get(f"/console/events/{townhall.pk}/cards.csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    assert len(rows) == 36
    assert list(rows[0]) == ["name", "email", "department", "round_1", "round_2", "round_3"]
    bob = next(r for r in rows if r["email"] == "bob@acme.test")
    seats = Seat.objects.filter(event=townhall, person=cast.bob).order_by("rotation")
    assert [int(bob[f"round_{s.rotation}"]) for s in seats] == [s.table for s in seats]


def test_participants_may_not_open_the_event_pages(participant_client, townhall):
    for url in ("/console/events/", f"/console/events/{townhall.pk}/plan.pdf"):
        assert participant_client.get(url).status_code == 403
    assert participant_client.post(f"/console/events/{townhall.pk}/seat/").status_code == 403


def test_a_participant_sees_their_tables_on_the_home_page(participant_client, cast, townhall):
    assert b"Your tables at" not in participant_client.get("/").content
    event_seat(event=townhall)
    page = participant_client.get("/").content.decode()
    assert "Your tables at Winter townhall" in page
    for seat in Seat.objects.filter(event=townhall, person=cast.bob):
        assert f"Round {seat.rotation}: table {seat.table}" in page


def test_the_home_page_speaks_german(participant_client, cast, townhall):
    event_seat(event=townhall)
    page = participant_client.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Deine Tische bei Winter townhall" in page or "Ihre Tische bei Winter townhall" in page
