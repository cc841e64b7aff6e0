"""The known sites where input once caused an HTTP 500 (issue 10, point 7): digits that
``str.isdigit()`` accepts but ``int()`` does not, the calendar's last day as a round
date, and an audit author too long for its column. Each answers 4xx or a clear page."""

from __future__ import annotations

from datetime import date

import pytest

from crosspaths.console.models import AuditLog
from crosspaths.console.services import audit_record
from crosspaths.insights.forms import parse_quarter
from crosspaths.programs.models import Enrollment, Match, MatchMember, Program, Round
from crosspaths.request_numbers import whole_number

from .cast import PASSWORD

pytestmark = pytest.mark.django_db

ODD_DIGITS = ("²", "٣", "½", "1²", "\uff19", "9" * 40, " 4 ", "-1", "")


def test_whole_number_takes_ascii_digits_only_and_bounds_their_length():
    assert [whole_number(t) for t in ODD_DIGITS] == [
        None,
        None,
        None,
        None,
        None,
        None,
        4,
        None,
        None,
    ]
    assert whole_number("123456789") == 123456789 and whole_number("1234567890") is None


def test_a_quarter_with_superscript_digits_is_no_quarter():
    assert parse_quarter("²⁰²⁶-q1") is None and parse_quarter("2026-q1") == (2026, 1)


def signed_in(client, email):
    client.login(username=email, password=PASSWORD)
    return client


def test_a_check_in_rating_of_superscript_two_is_refused_not_a_server_error(client, cast):
    rnd = Round.objects.create(
        organization=cast.org,
        program=Program.objects.create(organization=cast.org, name="Coffee"),
        date=date(2026, 11, 2),
        status="published",
    )
    match = Match.objects.create(organization=cast.org, round=rnd)
    for person in (cast.alice, cast.bob):
        MatchMember.objects.create(organization=cast.org, match=match, round=rnd, person=person)
    signed_in(client, "bob@acme.test")
    for rating in ("²", "٣", "9" * 40):
        response = client.post(f"/matches/{match.pk}/check-in/", {"met": "yes", "rating": rating})
        assert response.status_code == 302, rating
    assert not match.members.filter(checkin__isnull=False).exists()


def test_odd_digits_in_forms_and_queries_never_break_a_page(client, cast):
    program = Program.objects.create(organization=cast.org, name="Coffee")
    rnd = Round.objects.create(organization=cast.org, program=program, date=date(2026, 11, 9))
    signed_in(client, "alice@acme.test")
    for odd in ODD_DIGITS:
        assert client.get(f"/console/rounds/{rnd.pk}/", {"changed": f"{odd},1"}).status_code == 200
        response = client.post(
            "/console/programs/new/", {"name": "X", "cooldown_weeks": odd, "group_size": odd}
        )
        assert response.status_code == 400, odd
        assert client.get(f"/insights/report/{odd}-q1.pdf").status_code == 404
    signed_in(client, "bob@acme.test")
    for odd in ODD_DIGITS:
        assert client.post("/preferences/blocked/add/", {"person": odd}).status_code == 404


def test_a_round_on_the_calendars_last_day_is_drafted_without_a_slot(
    client, cast, django_capture_on_commit_callbacks
):
    program = Program.objects.create(organization=cast.org, name="Coffee")
    for person in (cast.bob, cast.chidi):
        Enrollment.objects.create(organization=cast.org, program=program, person=person)
    signed_in(client, "alice@acme.test")
    with django_capture_on_commit_callbacks(execute=True):  # the preview job runs
        response = client.post(f"/console/programs/{program.pk}/rounds/new/", {"on": "9999-12-31"})
    assert response.status_code == 302
    rnd = Round.objects.get(program=program)
    assert rnd.date == date(9999, 12, 31) and rnd.matches.count() == 1
    assert client.get(f"/console/rounds/{rnd.pk}/").status_code == 200


def test_an_author_name_longer_than_the_column_is_cut_not_a_failed_change(cast):
    cast.alice.name = "A" * 200
    cast.alice.email = "a" * 240 + "@acme.test"
    entry = audit_record(
        organization=cast.org, actor=cast.alice, action="program.create", summary="x" * 900
    )
    entry.refresh_from_db()
    assert len(entry.actor_name) == AuditLog._meta.get_field("actor_name").max_length
    assert entry.actor_name.startswith("A" * 200) and entry.actor_name.endswith("…")
    assert len(entry.summary) == 500


def test_an_id_beyond_any_integer_column_in_a_multiple_choice_is_refused(client, cast):
    # Found by the input sweep: pk__in handed 10**20 to SQLite (OverflowError, HTTP 500).
    huge = "9" * 20
    signed_in(client, "alice@acme.test")
    response = client.post("/console/people/invite/", {"person": [huge, cast.bob.pk]})
    assert response.status_code < 500
    response = client.post("/console/programs/new/", {"name": "X", "managers": [huge]})
    assert response.status_code == 400
    signed_in(client, "bob@acme.test")
    assert client.post("/start/", {"programs": [huge], "languages": ["en"]}).status_code < 500
