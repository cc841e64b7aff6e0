"""Slack's requests: every one is signed and recent, or refused; a click records the
clicking member's check-in through the same service as the e-mail links; the
/crosspaths command pauses, resumes and tells the status; a workspace only ever
reaches its own organization."""

from __future__ import annotations

import json
from datetime import date, datetime
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from crosspaths import clock
from crosspaths.meetings.models import CheckIn
from crosspaths.notify.models import ChatAccount, Message
from crosspaths.notify.services import messages_deliver, outbox_write_round
from crosspaths.programs.models import Enrollment, MatchMember
from crosspaths.slack.models import SlackInstallation

from .conftest import click_body, command_body, slack_post

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def delivered(workspaces, trio, fake):
    """The trio's introduction posted to Bob and Chidi's group conversation."""
    outbox_write_round(round=trio.round, now=timezone.now())
    ids = list(Message.objects.filter(kind="intro").values_list("pk", flat=True))
    messages_deliver(message_ids=ids)
    (posted,) = fake.messages()
    return posted.channel


def click(client, team, user, action, value, channel, **signing):
    body = click_body(team, user, action, str(value), channel)
    return slack_post(client, "/slack/interactions", body, FORM, **signing)


def test_we_met_records_the_clickers_checkin_and_answers_only_them(
    delivered, workspaces, trio, fake, cast
):
    cast.bob.language = "de"
    cast.bob.save()
    response = click(Client(), "T0ACME", workspaces.bob, "checkin_met", trio.pk, delivered)
    assert response.status_code == 200
    member = MatchMember.objects.get(match=trio, person=cast.bob)
    assert CheckIn.objects.get(member=member).met is True
    assert CheckIn.objects.count() == 1  # Chidi and Alice have not answered
    (reply,) = fake.messages("chat.postEphemeral")
    assert reply.body["user"] == workspaces.bob
    assert reply.body["text"].startswith("Danke!")  # Bob reads German


def test_clicking_twice_or_changing_the_answer_keeps_one_checkin(delivered, workspaces, trio, cast):
    client = Client()
    for action in ("checkin_met", "checkin_met", "checkin_missed"):
        assert (
            click(client, "T0ACME", workspaces.chidi, action, trio.pk, delivered).status_code == 200
        )
    (checkin,) = CheckIn.objects.all()
    assert (checkin.member.person, checkin.met) == (cast.chidi, False)


def test_skip_this_round_records_it_did_not_happen_and_tells_the_group(
    delivered, workspaces, trio, fake, cast
):
    click(Client(), "T0ACME", workspaces.chidi, "checkin_skip", trio.pk, delivered)
    assert CheckIn.objects.get(member__person=cast.chidi).met is False
    told = [p.body["text"] for p in fake.messages() if p.body["text"].endswith("round.")]
    assert told == ["Chidi Okafor skips this round."]


def test_link_buttons_and_other_payloads_are_acknowledged_and_change_nothing(
    delivered, workspaces, trio
):
    assert click(Client(), "T0ACME", workspaces.bob, "join_call", "", delivered).status_code == 200
    body = b"payload=" + json.dumps({"type": "view_closed"}).encode()
    assert slack_post(Client(), "/slack/interactions", body, FORM).status_code == 200
    assert CheckIn.objects.count() == 0


def test_a_forged_signature_is_refused_and_records_nothing(delivered, workspaces, trio):
    response = click(
        Client(), "T0ACME", workspaces.bob, "checkin_met", trio.pk, delivered, secret="not-it"
    )
    assert response.status_code == 403
    response = click(
        Client(), "T0ACME", workspaces.bob, "checkin_met", trio.pk, delivered, sign="v0=00"
    )
    assert response.status_code == 403
    assert CheckIn.objects.count() == 0


def test_a_replayed_request_older_than_five_minutes_is_refused(delivered, workspaces, trio):
    old = int(clock.now().timestamp()) - 5 * 60 - 1
    response = click(
        Client(), "T0ACME", workspaces.bob, "checkin_met", trio.pk, delivered, timestamp=old
    )
    assert response.status_code == 403
    future = int(clock.now().timestamp()) + 5 * 60 + 30
    response = click(
        Client(), "T0ACME", workspaces.bob, "checkin_met", trio.pk, delivered, timestamp=future
    )
    assert response.status_code == 403
    assert CheckIn.objects.count() == 0


def test_an_unsigned_request_or_a_get_is_refused(delivered):
    assert Client().post("/slack/interactions", {"payload": "{}"}).status_code == 403
    assert Client().post("/slack/commands", {"text": "status"}).status_code == 403
    assert Client().post("/slack/events", "{}", content_type="application/json").status_code == 403
    assert Client().get("/slack/commands").status_code == 405


def test_another_workspace_can_never_answer_for_this_organization(
    delivered, workspaces, trio, fake, cast
):
    """Dana's workspace (Globex) names Acme's match, Acme's Bob's user id, Acme's
    conversation: nothing is recorded, whatever the combination."""
    client = Client()
    for team, user in [
        ("T0GLOBEX", workspaces.dana),
        ("T0GLOBEX", workspaces.bob),
        ("T0ACME", workspaces.dana),
        ("T0UNKNOWN", workspaces.bob),
    ]:
        assert click(client, team, user, "checkin_met", trio.pk, delivered).status_code == 200
    assert CheckIn.objects.count() == 0


def test_a_member_of_another_match_cannot_answer_this_one(delivered, workspaces, trio, cast):
    MatchMember.objects.filter(match=trio, person=cast.bob).delete()
    click(Client(), "T0ACME", workspaces.bob, "checkin_met", trio.pk, delivered)
    assert CheckIn.objects.count() == 0


def command(team, user, text, **signing):
    response = slack_post(
        Client(), "/slack/commands", command_body(team, user, text), FORM, **signing
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["response_type"] == "ephemeral"
    return body["text"]


@pytest.fixture
def enrolled(workspaces, trio, cast):
    for person in (cast.bob, cast.chidi, cast.dana):
        program = trio.round.program if person.organization_id == cast.org.pk else None
        if program is None:
            from crosspaths.programs.models import Program

            program = Program.objects.create(organization=cast.other_org, name="Globex coffee")
        Enrollment.objects.create(organization=person.organization, program=program, person=person)
    return workspaces


def test_pause_until_a_date_resume_and_status(enrolled, cast):
    ws = enrolled
    text = command("T0ACME", ws.chidi, "pause until 2026-12-24")
    assert "Paused until" in text
    assert Enrollment.objects.get(person=cast.chidi).paused_until == date(2026, 12, 24)
    status = command("T0ACME", ws.chidi, "status")
    assert "Virtual coffee" in status and "Paused until" in status
    assert "Bob Brandt" in status and "Alice Adler" in status  # the current match
    assert "Welcome back" in command("T0ACME", ws.chidi, "resume")
    assert Enrollment.objects.get(person=cast.chidi).paused_until is None


def test_the_command_answers_in_the_persons_language_and_explains_mistakes(enrolled, cast):
    ws = enrolled
    cast.bob.language = "de"
    cast.bob.save()
    assert command("T0ACME", ws.bob, "pause until 2026-12-24").startswith("Pausiert bis")
    assert "JJJJ-MM-TT" in command("T0ACME", ws.bob, "pause until christmas")
    assert "`/crosspaths status`" in command("T0ACME", ws.chidi, "")
    past = command("T0ACME", ws.chidi, "pause until 2020-01-01")
    assert "today or a later date" in past
    assert Enrollment.objects.get(person=cast.chidi).paused_until is None


def test_the_command_in_one_workspace_never_pauses_anyone_of_another(enrolled, cast):
    ws = enrolled
    assert "not linked" in command("T0GLOBEX", ws.bob, "pause until 2026-12-24")
    assert "not linked" in command("T0ACME", ws.dana, "pause until 2026-12-24")
    assert "not connected" in command("T0UNKNOWN", ws.bob, "pause until 2026-12-24")
    assert not Enrollment.objects.filter(paused_until__isnull=False).exists()


def test_a_person_not_linked_yet_is_found_by_their_slack_email(enrolled, fake, cast):
    ChatAccount.objects.filter(person=cast.chidi).delete()
    assert "Virtual coffee" in command("T0ACME", enrolled.chidi, "status")
    assert ChatAccount.objects.get(person=cast.chidi).external_id == enrolled.chidi


def test_a_forged_command_is_refused(enrolled, cast):
    response = slack_post(
        Client(),
        "/slack/commands",
        command_body("T0ACME", enrolled.chidi, "pause until 2026-12-24"),
        FORM,
        secret="guessed",
    )
    assert response.status_code == 403
    assert not Enrollment.objects.filter(paused_until__isnull=False).exists()


def test_events_answer_url_verification_and_forget_an_uninstalled_workspace(workspaces, cast):
    body = json.dumps({"type": "url_verification", "challenge": "3eZbrw1aBm2rZgRNFdxV"}).encode()
    response = slack_post(Client(), "/slack/events", body, "application/json")
    assert response.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV"}
    forged = slack_post(Client(), "/slack/events", body, "application/json", secret="x")
    assert forged.status_code == 403
    gone = json.dumps(
        {"type": "event_callback", "team_id": "T0GLOBEX", "event": {"type": "app_uninstalled"}}
    ).encode()
    assert slack_post(Client(), "/slack/events", gone, "application/json").status_code == 200
    assert list(SlackInstallation.objects.values_list("team_id", flat=True)) == ["T0ACME"]
    assert not ChatAccount.objects.filter(organization=cast.other_org).exists()
    assert ChatAccount.objects.filter(organization=cast.org).count() == 2


def _propose_menu(fake):
    (posted,) = fake.messages()
    (actions,) = [b for b in posted.body["blocks"] if b.get("block_id") == "crosspaths_checkin"]
    return next(e for e in actions["elements"] if e["action_id"].startswith("propose"))


def test_the_actions_are_the_teams_cards_actions(delivered, fake):
    """Slack's introduction offers what the Teams card offers: we met, it did not
    happen, propose another time, skip this round."""
    (posted,) = fake.messages()
    (actions,) = [b for b in posted.body["blocks"] if b.get("block_id") == "crosspaths_checkin"]
    labels = [(e.get("text") or e.get("placeholder"))["text"] for e in actions["elements"]]
    assert labels == ["We met", "It did not happen", "Propose another time", "Skip this round"]


def test_propose_another_time_moves_the_meeting_for_the_organizer_only(
    delivered, workspaces, trio, fake, cast
):
    menu = _propose_menu(fake)
    if menu["action_id"] == "propose_open":
        pytest.skip("no free slot in this round's window")
    option = menu["options"][0]
    start = option["value"].split(" ", 1)[1]
    pick = {"type": "static_select", "action_id": "propose", "selected_option": option}
    payload = {
        "type": "block_actions",
        "team": {"id": "T0ACME"},
        "channel": {"id": delivered},
        "actions": [pick],
    }

    def choose(user):
        body = urlencode({"payload": json.dumps({**payload, "user": {"id": user}})}).encode()
        assert slack_post(Client(), "/slack/interactions", body, FORM).status_code == 200
        return fake.messages("chat.postEphemeral")[-1].body["text"]

    assert "organizer" in choose(workspaces.bob)
    trio.refresh_from_db()
    assert trio.suggested_start.isoformat() != start
    assert "everybody gets the new time" in choose(workspaces.chidi)  # Chidi organizes
    trio.refresh_from_db()
    assert trio.suggested_start == datetime.fromisoformat(start)
    assert Message.objects.filter(kind="reschedule", match=trio).exists()
    # Dana's workspace naming Acme's match moves nothing
    body = urlencode(
        {
            "payload": json.dumps(
                {**payload, "team": {"id": "T0GLOBEX"}, "user": {"id": workspaces.dana}}
            )
        }
    ).encode()
    slack_post(Client(), "/slack/interactions", body, FORM)
    trio.refresh_from_db()
    assert trio.suggested_start == datetime.fromisoformat(start)
