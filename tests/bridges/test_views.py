"""The console's team-bridge pages: who may see and change what, and the form's
plain-language refusals."""

from __future__ import annotations

from crosspaths.bridges.models import Bridge
from crosspaths.bridges.services import bridge_create
from crosspaths.people.models import Person
from crosspaths.programs.models import Program
from tests.cast import PASSWORD


def _login(client, person):  # type: ignore[no-untyped-def]
    assert client.login(username=person.user.username, password=PASSWORD)


def _bridge(cast, teams):  # type: ignore[no-untyped-def]
    platform, support, _b, _s = teams
    return bridge_create(
        actor=cast.alice,
        organization=cast.org,
        name="Berlin meets Singapore",
        teams=[platform, support],
    )


def test_an_admin_builds_a_bridge_from_the_form(client, cast, teams):
    platform, support, _b, _s = teams
    _login(client, cast.alice)
    page = client.get("/console/bridges/new/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Which teams should meet each other?" in body
    # Each team with its size and time zones: what decides who can meet whom.
    assert "Platform · 3 people · Europe/Berlin" in body
    assert "Support · 3 people · Asia/Singapore, Pacific/Auckland" in body
    answer = client.post(
        "/console/bridges/new/",
        {
            "name": "Berlin meets Singapore",
            "teams": [platform.pk, support.pk],
            "cadence": "biweekly",
            "weekday": "2",
            "starts_on": "2026-12-01",
        },
    )
    bridge = Bridge.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/console/bridges/{bridge.pk}/"
    assert (bridge.program.cadence, bridge.program.weekday) == ("biweekly", 2)
    detail = client.get(answer["Location"]).content.decode()
    assert "0 % of the cross-team pairs have met (0 of 9)." in detail
    assert "Kiri Ngata (Support): no colleague&#x27;s working hours overlap theirs enough" in detail


def test_one_team_is_refused_in_plain_words(client, cast, teams):
    platform, _support, _b, _s = teams
    _login(client, cast.alice)
    answer = client.post(
        "/console/bridges/new/",
        {
            "name": "Lonely",
            "teams": [platform.pk],
            "cadence": "weekly",
            "weekday": "0",
            "starts_on": "2026-12-01",
        },
    )
    assert answer.status_code == 400
    assert "A bridge joins at least two teams; pick two or more." in answer.content.decode()
    assert not Bridge.objects.exists()


def test_a_program_manager_runs_a_bridge_given_to_them_but_cannot_build_one(client, cast, teams):
    bridge = _bridge(cast, teams)
    lead = cast.chidi
    lead.role = Person.Role.PROGRAM_MANAGER
    lead.save()
    _login(client, lead)
    assert client.get("/console/bridges/new/").status_code == 403
    assert client.get(f"/console/bridges/{bridge.pk}/").status_code == 403
    assert "Berlin meets Singapore" not in client.get("/console/bridges/").content.decode()
    bridge.program.managers.add(lead)
    assert client.get(f"/console/bridges/{bridge.pk}/").status_code == 200
    assert "Berlin meets Singapore" in client.get("/console/bridges/").content.decode()
    assert client.get(f"/console/bridges/{bridge.pk}/teams/").status_code == 200


def test_a_participant_never_sees_the_console_pages(client, cast, teams):
    bridge = _bridge(cast, teams)
    _login(client, cast.bob)
    for url in ("/console/bridges/", "/console/bridges/new/", f"/console/bridges/{bridge.pk}/"):
        assert client.get(url).status_code == 403, url
    assert Program.objects.filter(format="team_bridge").count() == 1


def test_the_bridges_program_page_links_to_the_bridge(client, cast, teams):
    bridge = _bridge(cast, teams)
    _login(client, cast.alice)
    page = client.get(f"/console/programs/{bridge.program.pk}/").content.decode()
    assert f'href="/console/bridges/{bridge.pk}/"' in page
    coffee = Program.objects.create(organization=cast.org, name="Coffee", format="virtual_coffee")
    assert "/console/bridges/" not in client.get(
        f"/console/programs/{coffee.pk}/"
    ).content.decode().replace('href="/console/bridges/"', "")
