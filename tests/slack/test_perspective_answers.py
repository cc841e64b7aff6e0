"""An outside-perspective ask and "did it help?" for people on Slack: posted with
buttons that call back, answered in Slack through the e-mail links' services, and only
ever by the person the ask (or request) belongs to: a replayed or forged button from
another person or workspace changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from crosspaths.notify.models import Message
from crosspaths.notify.services import messages_deliver
from crosspaths.perspective.models import Ask, PerspectiveRequest
from crosspaths.perspective.services import giver_save, request_create
from crosspaths.perspective.tokens import follow_up_token

from .conftest import click_body, slack_post

FORM = "application/x-www-form-urlencoded"


def deliver(kind: str) -> None:
    ids = list(Message.objects.filter(kind=kind, status="queued").values_list("pk", flat=True))
    messages_deliver(message_ids=ids)


def press(team: str, user: str, action: str, value: str, channel: str):
    body = click_body(team, user, action, value, channel)
    response = slack_post(Client(), "/slack/interactions", body, FORM)
    assert response.status_code == 200
    return response


@pytest.fixture
def asked(workspaces, cast, fake):
    """Bob asks one colleague who plays chess; Chidi (on Slack) is asked."""
    giver_save(person=cast.chidi, active=True, monthly_cap=2)  # the one colleague to ask
    request = request_create(
        requester=cast.bob,
        topic="A chess club for new hires",
        tags=["chess"],
        people_wanted=1,
        needed_by=date(2026, 12, 11),
    )
    ask = request.asks.get()
    assert ask.person == cast.chidi
    assert Message.objects.get(kind="ask").channel == "slack"
    deliver("ask")
    (posted,) = fake.messages()
    return ask, posted


def buttons(posted) -> dict[str, dict]:
    (actions,) = [b for b in posted.body["blocks"] if b["type"] == "actions"]
    return {e["action_id"]: e for e in actions["elements"]}


def test_the_ask_comes_to_slack_with_buttons_that_answer_there(asked, workspaces, fake):
    ask, posted = asked
    found = buttons(posted)
    assert set(found) == {"perspective_yes", "perspective_no"}
    assert "url" not in found["perspective_yes"] and found["perspective_yes"]["value"]
    press(
        "T0ACME",
        workspaces.chidi,
        "perspective_yes",
        found["perspective_yes"]["value"],
        posted.channel,
    )
    ask.refresh_from_db()
    assert ask.status == Ask.Status.ACCEPTED
    assert PerspectiveRequest.objects.get(pk=ask.request_id).status == "scheduled"
    (reply,) = fake.messages("chat.postEphemeral")
    assert reply.body["user"] == workspaces.chidi
    assert reply.body["text"].startswith("Thank you! The session is set up")


def test_no_is_answered_in_the_persons_language(asked, workspaces, fake, cast):
    cast.chidi.language = "de"
    cast.chidi.save()
    ask, posted = asked
    press(
        "T0ACME",
        workspaces.chidi,
        "perspective_no",
        buttons(posted)["perspective_no"]["value"],
        posted.channel,
    )
    ask.refresh_from_db()
    assert ask.status == Ask.Status.DECLINED
    (reply,) = fake.messages("chat.postEphemeral")
    assert "niemand erfährt" in reply.body["text"].lower()


def test_a_replayed_or_forged_answer_from_another_person_or_workspace_changes_nothing(
    asked, workspaces, fake
):
    """Chidi's button value, replayed by Bob in the same workspace, by Dana from
    Globex's, under Acme's team id with Dana's user; then a forged and a follow-up
    token: the ask still waits for Chidi."""
    ask, posted = asked
    value = buttons(posted)["perspective_yes"]["value"]
    for team, user, token in [
        ("T0ACME", workspaces.bob, value),
        ("T0GLOBEX", workspaces.dana, value),
        ("T0ACME", workspaces.dana, value),
        ("T0ACME", workspaces.chidi, value[:-2] + "xx"),
        ("T0ACME", workspaces.chidi, "forged"),
        ("T0ACME", workspaces.chidi, follow_up_token(ask.pk)),  # the same id, other salt
    ]:
        press(team, user, "perspective_yes", token, posted.channel)
    ask.refresh_from_db()
    assert ask.status == Ask.Status.ASKED
    replies = [m.body["text"] for m in fake.messages("chat.postEphemeral")]
    assert "This answer is not yours to give." in replies
    assert all("not yours" in r or "not linked" in r for r in replies)


def test_did_it_help_is_asked_and_answered_in_slack_by_the_requester_only(
    asked, workspaces, fake, time_machine
):
    ask, posted = asked
    yes = buttons(posted)["perspective_yes"]["value"]
    press("T0ACME", workspaces.chidi, "perspective_yes", yes, posted.channel)
    follow_up = Message.objects.get(kind="follow_up")
    assert follow_up.channel == "slack"
    time_machine.move_to(follow_up.next_attempt_at + timedelta(minutes=1))
    deliver("follow_up")
    question = fake.messages()[-1]
    assert question.body["blocks"][0]["text"]["text"] == "Did the outside perspective help?"
    value = buttons(question)["perspective_helped"]["value"]
    press("T0ACME", workspaces.chidi, "perspective_helped", value, question.channel)  # not hers
    request = PerspectiveRequest.objects.get(pk=ask.request_id)
    assert request.helped is None
    press("T0ACME", workspaces.bob, "perspective_helped", value, question.channel)
    request.refresh_from_db()
    assert request.helped is True and request.answered_at is not None
