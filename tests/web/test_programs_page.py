"""'My programs': join, leave, pause until a date, resume."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crosspaths.programs.models import Enrollment

from ..cast import PASSWORD
from .conftest import make_program


@pytest.fixture
def coffee(cast):
    return make_program(cast.org, name="Virtual coffee")


@pytest.fixture
def bob(client, onboarded):
    client.login(username="bob@acme.test", password=PASSWORD)
    return onboarded.bob


def test_a_person_joins_and_leaves_a_program(client, bob, coffee):
    assert "Join" in client.get("/programs/").content.decode()
    client.post(f"/programs/{coffee.pk}/join/")
    enrollment = Enrollment.objects.get(person=bob, program=coffee)
    assert enrollment.left_at is None
    assert "Joined" in client.get("/programs/").content.decode()
    client.post(f"/programs/{coffee.pk}/leave/")
    enrollment.refresh_from_db()
    assert enrollment.left_at is not None
    client.post(f"/programs/{coffee.pk}/join/")
    enrollment.refresh_from_db()
    assert enrollment.left_at is None and Enrollment.objects.count() == 1


def test_another_organizations_program_is_not_found(client, bob, onboarded):
    globex = make_program(onboarded.other_org, name="Globex coffee")
    assert client.post(f"/programs/{globex.pk}/join/").status_code == 404
    assert not Enrollment.objects.exists()


def test_a_program_outside_the_audience_cannot_be_joined(client, bob, onboarded):
    juniors = make_program(onboarded.org, name="Juniors", audience={"level_max": 1})
    response = client.post(f"/programs/{juniors.pk}/join/", follow=True)
    assert "Juniors is not open to you." in response.content.decode()
    assert not Enrollment.objects.exists()


def test_pausing_until_a_date_pauses_every_program_and_resuming_ends_it(client, bob, coffee):
    client.post(f"/programs/{coffee.pk}/join/")
    until = timezone.localdate() + timedelta(days=14)
    response = client.post("/programs/pause/", {"until": until.isoformat()}, follow=True)
    assert "Paused until" in response.content.decode()
    assert Enrollment.objects.get().paused_until == until
    assert "You are paused until" in client.get("/").content.decode()
    client.post("/programs/resume/")
    assert Enrollment.objects.get().paused_until is None


@pytest.mark.parametrize(
    ("until", "error"),
    [
        ("", "Choose the last day"),
        ("next tuesday", "Enter a date such as"),
        ("2000-01-01", "Choose today or a later date."),
        ("2999-01-01", "You can pause for up to a year."),
    ],
)
def test_a_bad_pause_date_is_explained_next_to_the_field(client, bob, coffee, until, error):
    client.post(f"/programs/{coffee.pk}/join/")
    response = client.post("/programs/pause/", {"until": until})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_until_error"' in body and error in body
    assert Enrollment.objects.get().paused_until is None


def test_the_programs_page_makes_a_bounded_number_of_queries(
    client, bob, onboarded, django_assert_max_num_queries
):
    for n in range(8):
        program = make_program(onboarded.org, name=f"Program {n}")
        client.post(f"/programs/{program.pk}/join/")
    with django_assert_max_num_queries(8):
        assert client.get("/programs/").status_code == 200


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_pause_form_shows_the_current_pause_date(client, bob, coffee, language):
    client.cookies["django_language"] = language
    client.post(f"/programs/{coffee.pk}/join/")
    until = timezone.localdate() + timedelta(days=3)
    client.post("/programs/pause/", {"until": until.isoformat()})
    assert f'value="{until.isoformat()}"' in client.get("/programs/").content.decode()
