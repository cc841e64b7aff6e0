"""The outbox on Slack against the fake Web API: the group introduction in one
conversation as valid Block Kit with the check-in buttons, e-mail for whoever has no
Slack account, and rate limits that delay but never lose or double a message."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from crosspaths import clock
from crosspaths.notify.models import Message
from crosspaths.notify.services import messages_deliver, outbox_write_round
from crosspaths.slack.transport import InDoubt, SlackTransport

from .fake_slack import blocks_error


def write(match) -> list[int]:
    outbox_write_round(round=match.round, now=timezone.now())
    return list(Message.objects.filter(kind="intro").order_by("pk").values_list("pk", flat=True))


def test_the_group_gets_one_introduction_in_one_conversation_and_alice_gets_email(
    workspaces, trio, fake, cast, mailoutbox
):
    ids = write(trio)
    report = messages_deliver(message_ids=ids)
    assert (report.sent, report.retry, report.failed) == (2, 0, 0)
    (posted,) = fake.messages()
    opened = {frozenset(users) for (_team, users) in fake.conversations}
    assert opened == {frozenset({workspaces.bob, workspaces.chidi})}
    assert posted.team == "T0ACME"
    body = posted.body
    assert blocks_error(body) == ""
    assert (
        body["blocks"][0]["text"]["text"]
        == "Virtual coffee: Chidi Okafor, Bob Brandt and Alice Adler"
    )
    buttons = [b for b in body["blocks"] if b.get("block_id") == "crosspaths_checkin"]
    (actions,) = buttons
    assert [e["action_id"] for e in actions["elements"]] in (
        ["checkin_met", "checkin_missed", "propose", "checkin_skip"],  # free times to pick
        ["checkin_met", "checkin_missed", "propose_open", "checkin_skip"],  # the match page
    )
    buttons = [e for e in actions["elements"] if e["action_id"].startswith("checkin_")]
    assert {e["value"] for e in buttons} == {str(trio.pk)}
    assert body["blocks"][-1]["type"] == "context"  # the footer stays last
    assert "<!channel>" not in str(body) and "&lt;!channel&gt;" in str(body)
    assert [m.to for m in mailoutbox] == [["Alice Adler <alice@acme.test>"]]
    group = Message.objects.get(kind="intro", channel="slack")
    assert (group.status, group.conversation) == ("sent", posted.channel)
    assert messages_deliver(message_ids=ids).sent == 0  # never twice
    assert len(fake.messages()) == 1


def test_the_buttons_speak_the_organizations_language(workspaces, trio, fake, cast):
    cast.org.language = "de"
    cast.org.save()
    messages_deliver(message_ids=write(trio))
    (posted,) = fake.messages()
    (actions,) = [b for b in posted.body["blocks"] if b.get("block_id") == "crosspaths_checkin"]
    assert [(e.get("text") or e.get("placeholder"))["text"] for e in actions["elements"]] == [
        "Wir haben uns getroffen",
        "Es hat nicht geklappt",
        "Andere Zeit vorschlagen",
        "Diese Runde aussetzen",
    ]


def test_reminders_and_checkins_go_to_each_persons_direct_message(workspaces, trio, fake, cast):
    write(trio)
    Message.objects.filter(kind="checkin").update(next_attempt_at=timezone.now())
    ids = list(Message.objects.filter(kind="checkin").values_list("pk", flat=True))
    assert messages_deliver(message_ids=ids).sent == 3
    assert len(fake.messages()) == 2  # Bob's and Chidi's; Alice's went by e-mail
    assert {p.channel[0] for p in fake.messages()} == {"D"}
    for posted in fake.messages():
        assert blocks_error(posted.body) == ""


def test_a_rate_limit_waits_as_slack_asks_and_the_rest_of_the_batch_waits_too(
    workspaces, trio, fake
):
    write(trio)
    Message.objects.filter(kind="checkin").update(next_attempt_at=timezone.now())
    ids = list(
        Message.objects.filter(channel="slack", kind__in=["intro", "checkin"])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    fake.storm(1, retry_after=30)
    before = clock.now()
    report = messages_deliver(message_ids=ids)
    assert (report.retry, report.sent, report.failed) == (1, 0, 0)
    for row in Message.objects.filter(pk__in=ids):
        assert (row.status, row.attempts) == ("queued", 0)
        assert row.next_attempt_at >= before + timedelta(seconds=30)
    assert fake.messages() == []


def test_the_fake_enforces_the_tier_limit_with_429_and_retry_after(workspaces, fake):
    from slack_sdk.errors import SlackApiError

    from crosspaths.slack.client import web_client
    from crosspaths.slack.tokens import token_decrypt

    fake.tiers["users.info"] = 3
    client = web_client(token_decrypt(workspaces.acme.bot_token_encrypted))
    for _ in range(3):
        client.users_info(user=workspaces.bob)
    try:
        client.users_info(user=workspaces.bob)
    except SlackApiError as error:
        assert error.response.status_code == 429
        assert int(error.response.headers["Retry-After"]) in range(1, 61)
        assert SlackTransport().retry_after(error) == timedelta(
            seconds=int(error.response.headers["Retry-After"])
        )
    else:
        raise AssertionError("the fourth call within a minute was not rate limited")


def test_a_storm_of_429s_loses_nothing_and_sends_nothing_twice(workspaces, cast, fake):
    """Forty groups on Slack, a tight postMessage tier and a storm of 429s on top:
    the outbox keeps redelivering what is due until every row is sent, each exactly
    once, and no attempt was counted for a rate limit."""
    from crosspaths.programs.models import Match, MatchMember, Program, Round

    fake.tiers["chat.postMessage"] = 7
    fake.tiers["conversations.open"] = 11
    program = Program.objects.create(organization=cast.org, name="Lunch", format="lunch")
    for day in range(40):  # one group per round: Bob and Chidi, forty times
        rnd = Round.objects.create(
            organization=cast.org,
            program=program,
            date=clock.today() - timedelta(days=day),
            status="published",
        )
        match = Match.objects.create(organization=cast.org, round=rnd)
        for person in (cast.bob, cast.chidi):
            MatchMember.objects.create(organization=cast.org, match=match, round=rnd, person=person)
        outbox_write_round(round=rnd, now=timezone.now())
    ids = list(Message.objects.filter(kind="intro").values_list("pk", flat=True))
    assert len(ids) == 40
    fake.storm(25, retry_after=5)
    now, passes, limited = clock.now(), 0, 0
    while Message.objects.filter(pk__in=ids, status="queued").exists():
        passes += 1
        assert passes < 200, "the outbox never finished"
        with time_machine.travel(now, tick=False):
            due = list(
                Message.objects.filter(pk__in=ids, status="queued", next_attempt_at__lte=now)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            limited += messages_deliver(message_ids=due).retry
        now += timedelta(seconds=5)
    rows = Message.objects.filter(pk__in=ids)
    assert set(rows.values_list("status", flat=True)) == {"sent"}
    assert set(rows.values_list("attempts", flat=True)) == {1}
    posted = fake.messages()
    assert len(posted) == 40  # none lost, none twice
    assert len({p.channel for p in posted}) == 1  # the same two people: one conversation
    assert limited >= 25 and sum(1 for _m, s in fake.calls if s == 429) >= 25


def test_a_post_that_gets_no_answer_is_in_doubt_and_never_sent_again(
    workspaces, trio, fake, monkeypatch
):
    ids = write(trio)

    def hang_up(self, **kwargs):
        raise TimeoutError("The read operation timed out")

    monkeypatch.setattr("slack_sdk.WebClient.chat_postMessage", hang_up, raising=True)
    report = messages_deliver(message_ids=ids)
    assert report.failed == 1
    row = Message.objects.get(kind="intro", channel="slack")
    assert row.status == "failed"
    assert "may or may not have been posted" in row.last_error
    assert InDoubt.__name__ in row.last_error


def test_a_refused_connection_is_retried_later(workspaces, trio, fake, settings):
    ids = write(trio)
    settings.SLACK_API_URL = "http://127.0.0.1:9/api/"  # nothing listens there
    report = messages_deliver(message_ids=ids)
    assert report.retry == 1
    row = Message.objects.get(kind="intro", channel="slack")
    assert (row.status, row.attempts) == ("queued", 1)


def test_slack_refusing_the_message_fails_it_with_slacks_reason(workspaces, trio, fake):
    ids = write(trio)
    fake.channels.clear()
    row = Message.objects.get(kind="intro", channel="slack")
    Message.objects.filter(pk=row.pk).update(conversation="G-GONE")
    messages_deliver(message_ids=ids)
    row.refresh_from_db()
    assert row.status == "failed" and "channel_not_found" in row.last_error


def test_a_disconnected_organization_waits_instead_of_failing(workspaces, trio, fake):
    ids = write(trio)
    workspaces.acme.delete()
    messages_deliver(message_ids=ids)
    row = Message.objects.get(kind="intro", channel="slack")
    assert (row.status, row.attempts) == ("queued", 1)
    assert "not connected" in row.last_error
