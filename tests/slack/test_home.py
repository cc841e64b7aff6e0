"""The app's tab in Slack (App Home): published when opened, with the person's matches
and programs; its buttons go through the programs page's and the check-in services;
every request signed; a workspace only ever reaches its own organization; the fake
refuses a view Slack would refuse."""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from crosspaths.meetings.models import CheckIn
from crosspaths.notify.models import Message
from crosspaths.notify.services import messages_deliver, outbox_write_round
from crosspaths.programs.models import Enrollment, Program
from crosspaths.slack.home import home_view

from .conftest import slack_post
from .fake_slack import view_error

FORM = "application/x-www-form-urlencoded"


def opened(team: str, user: str, **signing):
    body = json.dumps(
        {
            "type": "event_callback",
            "team_id": team,
            "event": {"type": "app_home_opened", "user": user, "tab": "home", "channel": "D1"},
        }
    ).encode()
    return slack_post(Client(), "/slack/events", body, "application/json", **signing)


def press(team: str, user: str, action: dict, **signing):
    payload = {
        "type": "block_actions",
        "team": {"id": team},
        "user": {"id": user},
        "container": {"type": "view", "view_id": "V1"},
        "view": {"id": "V1", "type": "home"},
        "actions": [action],
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    response = slack_post(Client(), "/slack/interactions", body, FORM, **signing)
    assert response.status_code in (200, 403)
    return response


def text_of(view: dict) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def element(view: dict, prefix: str) -> dict:
    for block in view["blocks"]:
        for item in [*(block.get("elements") or []), block.get("accessory") or {}]:
            if str(item.get("action_id", "")).startswith(prefix):
                return item
    raise AssertionError(f"no element {prefix} in the tab")


@pytest.fixture
def lunch(cast):
    """A second program of Acme's, open to everyone, that nobody has joined."""
    return Program.objects.create(organization=cast.org, name="Munich lunch", format="lunch")


@pytest.fixture
def enrolled(workspaces, trio, cast, lunch):
    Enrollment.objects.create(organization=cast.org, program=trio.round.program, person=cast.chidi)
    return workspaces


def test_opening_the_tab_publishes_the_matches_and_programs(enrolled, fake, trio):
    assert opened("T0ACME", enrolled.chidi).status_code == 200
    view = fake.homes[("T0ACME", enrolled.chidi)]
    shown = text_of(view)
    assert view["type"] == "home"
    assert "Virtual coffee" in shown and "Bob Brandt" in shown and "Alice Adler" in shown
    assert "Munich lunch" in shown and "Not taking part." in shown
    assert element(view, f"checkin_met:{trio.pk}")["value"] == str(trio.pk)
    assert element(view, "home_pause_program:")["type"] == "datepicker"
    assert element(view, "home_join:")["text"]["text"] == "Join"


def test_a_forged_or_old_event_publishes_nothing(enrolled, fake):
    assert opened("T0ACME", enrolled.chidi, secret="guessed").status_code == 403
    old = int(timezone.now().timestamp()) - 600
    assert opened("T0ACME", enrolled.chidi, timestamp=old).status_code == 403
    assert fake.homes == {}


def test_join_pause_and_resume_go_through_the_programs_services(enrolled, fake, cast, lunch):
    user = enrolled.chidi
    press("T0ACME", user, {"action_id": f"home_join:{lunch.pk}", "value": str(lunch.pk)})
    assert Enrollment.objects.get(person=cast.chidi, program=lunch).left_at is None
    assert "You joined Munich lunch." in text_of(fake.homes[("T0ACME", user)])
    pause = {"type": "datepicker", "action_id": f"home_pause_program:{lunch.pk}"}
    press("T0ACME", user, pause | {"selected_date": "2026-12-24"})
    assert Enrollment.objects.get(person=cast.chidi, program=lunch).paused_until == date(
        2026, 12, 24
    )
    view = fake.homes[("T0ACME", user)]
    assert element(view, f"home_resume_program:{lunch.pk}")["text"]["text"] == "Resume"
    press("T0ACME", user, {"action_id": f"home_resume_program:{lunch.pk}", "value": "x"})
    assert Enrollment.objects.get(person=cast.chidi, program=lunch).paused_until is None


def test_pausing_everything_refuses_a_past_date_and_resumes(enrolled, fake, cast):
    user = enrolled.chidi
    press("T0ACME", user, {"action_id": "home_pause", "selected_date": "2020-01-01"})
    assert "today or a later date" in text_of(fake.homes[("T0ACME", user)])
    assert not Enrollment.objects.filter(paused_until__isnull=False).exists()
    press("T0ACME", user, {"action_id": "home_pause", "selected_date": "2026-12-31"})
    assert Enrollment.objects.get(person=cast.chidi).paused_until == date(2026, 12, 31)
    press("T0ACME", user, {"action_id": "home_resume", "value": "all"})
    assert Enrollment.objects.get(person=cast.chidi).paused_until is None


def test_a_checkin_in_the_tab_is_recorded_once_and_a_skip_tells_the_group(
    enrolled, fake, trio, cast
):
    outbox_write_round(round=trio.round, now=timezone.now())
    messages_deliver(message_ids=list(Message.objects.values_list("pk", flat=True)))
    (intro,) = fake.messages()
    met = {"action_id": f"checkin_met:{trio.pk}", "value": str(trio.pk)}
    press("T0ACME", enrolled.chidi, met)
    press("T0ACME", enrolled.chidi, met)  # a double click
    (checkin,) = CheckIn.objects.all()
    assert checkin.member.person == cast.chidi and checkin.met is True
    assert "Thanks! We noted that you met" in text_of(fake.homes[("T0ACME", enrolled.chidi)])
    press("T0ACME", enrolled.bob, {"action_id": f"checkin_skip:{trio.pk}", "value": str(trio.pk)})
    told = [m for m in fake.messages() if m.channel == intro.channel][1:]
    assert [m.body["text"] for m in told] == ["Bob Brandt skips this round."]
    assert CheckIn.objects.get(member__person=cast.bob).met is False


def test_the_tab_is_in_the_persons_language(enrolled, fake, cast):
    cast.chidi.language = "de"
    cast.chidi.save()
    opened("T0ACME", enrolled.chidi)
    shown = text_of(fake.homes[("T0ACME", enrolled.chidi)])
    assert "Ihre aktuellen Treffen" in shown and "Mitmachen" in shown


def test_another_workspace_never_reaches_this_organization(enrolled, fake, cast, lunch, trio):
    # Acme's user ids named in Globex's workspace are nobody there.
    opened("T0GLOBEX", enrolled.chidi)
    press("T0GLOBEX", enrolled.chidi, {"action_id": f"home_join:{lunch.pk}", "value": "1"})
    assert not [k for k in fake.homes if k[0] == "T0ACME"]
    # Dana (Globex) naming Acme's program and match changes nothing of Acme's.
    press("T0GLOBEX", enrolled.dana, {"action_id": f"home_join:{lunch.pk}", "value": "1"})
    press("T0GLOBEX", enrolled.dana, {"action_id": f"checkin_met:{trio.pk}", "value": str(trio.pk)})
    pause = {"action_id": f"home_pause_program:{lunch.pk}", "selected_date": "2026-12-24"}
    press("T0GLOBEX", enrolled.dana, pause)
    assert not Enrollment.objects.filter(program=lunch).exists()
    assert not CheckIn.objects.exists()
    assert "This program no longer exists." in text_of(fake.homes[("T0GLOBEX", enrolled.dana)])
    # an unknown workspace: acknowledged, nothing published
    assert opened("T0UNKNOWN", enrolled.chidi).status_code == 200
    assert set(fake.homes) == {("T0GLOBEX", enrolled.dana)}


def test_the_fake_refuses_a_view_slack_would_refuse(cast):
    with_person = home_view(person=cast.chidi)
    assert view_error(with_person) == ""
    assert view_error(json.dumps(with_person)) == ""
    assert view_error({**with_person, "type": "modal"}) == "invalid_arguments"
    assert view_error({**with_person, "submit": "Save"}) == "invalid_arguments"
    assert view_error({**with_person, "blocks": []}) == "invalid_arguments"
    assert view_error({**with_person, "private_metadata": "x" * 3001}) == "invalid_arguments"
    too_long = {"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}
    assert view_error({**with_person, "blocks": [too_long]}) == "invalid_blocks"
    button = {"type": "button", "action_id": "a", "text": {"type": "plain_text", "text": "A"}}
    twice = {"type": "actions", "elements": [button, button]}
    assert view_error({"type": "home", "blocks": [twice]}) == "invalid_blocks"


def test_views_publish_needs_a_user_of_the_workspace(workspaces, fake, cast):
    from slack_sdk.errors import SlackApiError

    from crosspaths.slack.client import web_client
    from crosspaths.slack.tokens import token_decrypt

    client = web_client(token_decrypt(workspaces.acme.bot_token_encrypted))
    with pytest.raises(SlackApiError) as error:
        client.views_publish(user_id=workspaces.dana, view=home_view(person=cast.chidi))
    assert error.value.response["error"] == "user_not_found"
