"""Companion programs (an onboarding plan's weekly steps, the outside-perspective
sessions) are run by their format: the console lists them nowhere and, opened by
address, shows where to manage them and refuses the controls that would break them."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.messages import get_messages

from crosspaths.perspective.services import perspective_program
from crosspaths.programs.companions import program_companion
from crosspaths.programs.models import Program, Round

from ..cast import PASSWORD
from ..journeys.conftest import make_world


@pytest.fixture
def world(cast):
    return make_world(cast)


@pytest.fixture
def steps(world):
    return world.plan.steps_program


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_visible_programs_leave_out_the_journey_steps_and_the_perspective_sessions(
    world, steps
):
    sessions = perspective_program(world.cast.org)
    visible = set(Program.objects.visible())
    assert world.onboarding in visible and world.coffee in visible
    assert steps not in visible and sessions not in visible


def test_the_program_list_and_the_overview_show_no_companion_program(admin_client, world, steps):
    sessions = perspective_program(world.cast.org)
    for url in ("/console/programs/", "/console/"):
        page = admin_client.get(url).content.decode()
        assert "Welcome" in page and "Virtual coffee" in page, url
        assert steps.name not in page and f"/console/programs/{steps.pk}/" not in page, url
        assert f"/console/programs/{sessions.pk}/" not in page, url


def test_the_steps_program_page_points_to_the_onboarding_journeys(admin_client, steps):
    response = admin_client.get(f"/console/programs/{steps.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "This program runs the weekly steps of the onboarding journey Welcome" in page
    assert 'href="/console/journeys/"' in page
    assert "Change the settings" not in page and "Preview the round" not in page


def test_the_perspective_program_page_points_to_the_perspective_console(admin_client, cast):
    sessions = perspective_program(cast.org)
    page = admin_client.get(f"/console/programs/{sessions.pk}/").content.decode()
    assert "holds the sessions of outside perspective on request" in page
    assert 'href="/console/perspective/"' in page


@pytest.mark.parametrize(
    ("method", "suffix", "data"),
    [
        ("get", "edit/", {}),
        ("post", "edit/", {"name": "Renamed", "format": "virtual_coffee"}),
        ("get", "enroll/", {}),
        ("post", "auto-enroll/", {"on": "1"}),
        ("post", "rounds/new/", {"on": "2026-12-03"}),
    ],
)
def test_the_controls_of_a_companion_program_are_refused_with_where_to_go(
    admin_client, steps, method, suffix, data
):
    before = Program.objects.values().get(pk=steps.pk)
    response = getattr(admin_client, method)(f"/console/programs/{steps.pk}/{suffix}", data)
    assert response.status_code == 302
    assert response["Location"] == f"/console/programs/{steps.pk}/"
    assert any("manage it there" in m for m in _messages(response))
    assert Program.objects.values().get(pk=steps.pk) == before
    assert not Round.objects.filter(program=steps).exists()


@pytest.mark.parametrize("suffix", ["publish/", "rerun/", "discard/", "edit/", "check/"])
def test_a_companion_rounds_draft_cannot_be_changed_by_hand(admin_client, cast, steps, suffix):
    rnd = Round.objects.create(organization=cast.org, program=steps, date=date(2026, 11, 26))
    response = admin_client.post(f"/console/rounds/{rnd.pk}/{suffix}", {})
    assert response.status_code == 302
    assert response["Location"] == f"/console/programs/{steps.pk}/"
    assert Round.objects.get(pk=rnd.pk).status == Round.Status.DRAFT


def test_a_companion_round_page_shows_the_card_and_no_publishing(admin_client, cast, steps):
    rnd = Round.objects.create(organization=cast.org, program=steps, date=date(2026, 11, 26))
    page = admin_client.get(f"/console/rounds/{rnd.pk}/").content.decode()
    assert "manage it there" in page
    assert f"/console/rounds/{rnd.pk}/publish/" not in page


def test_another_organizations_admin_still_gets_a_404(client, steps):
    client.login(username="dana@globex.test", password=PASSWORD)
    assert client.get(f"/console/programs/{steps.pk}/").status_code == 404
    assert client.post(f"/console/programs/{steps.pk}/rounds/new/", {}).status_code == 404


def test_an_ordinary_program_is_no_companion(world):
    assert program_companion(world.coffee) is None
    assert program_companion(world.onboarding) is None


def test_the_insights_program_filter_offers_no_companion_program(world, steps):
    from crosspaths.insights.forms import InsightsFilterForm

    sessions = perspective_program(world.cast.org)
    offered = set(InsightsFilterForm(person=world.cast.alice).fields["program"].queryset)
    assert world.coffee in offered and world.onboarding in offered
    assert steps not in offered and sessions not in offered
