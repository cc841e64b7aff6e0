"""The API leaves out companion programs (a journey's steps, the perspective sessions)
as the console does: absent from the list, 404 by id, for every organization."""

from __future__ import annotations

import pytest

from crosspaths.perspective.services import perspective_program

from ..journeys.conftest import make_world


@pytest.fixture
def companions(cast):
    world = make_world(cast)
    return world, [world.plan.steps_program, perspective_program(cast.org)]


def test_the_program_list_leaves_out_companion_programs(api, companions):
    world, hidden = companions
    ids = {p["id"] for p in api.get("/programs").json()["items"]}
    assert {world.onboarding.pk, world.coffee.pk} <= ids
    assert not ids & {p.pk for p in hidden}


def test_a_companion_program_is_a_404_by_id(api, companions):
    _world, hidden = companions
    for program in hidden:
        assert api.get(f"/programs/{program.pk}").status_code == 404
        assert api.patch(f"/programs/{program.pk}", {"name": "x"}).status_code == 404
        assert api.get(f"/programs/{program.pk}/enrollments").status_code == 404
        rounds = api.post(f"/programs/{program.pk}/rounds", {"date": "2026-12-03"})
        assert rounds.status_code == 404


def test_another_organizations_key_still_sees_none_of_ours(other_api, companions):
    world, hidden = companions
    assert other_api.get(f"/programs/{world.coffee.pk}").status_code == 404
    ids = {p["id"] for p in other_api.get("/programs").json()["items"]}
    assert not ids & {world.coffee.pk, *(p.pk for p in hidden)}
