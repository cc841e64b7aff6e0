"""The outbox on Teams against the fake Bot Connector: the introduction as a valid
Adaptive Card in each member's chat with the check-in buttons, e-mail for whoever has
no Teams app, German cards, and rate limits that delay but never lose or double."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from crosspaths import clock
from crosspaths.notify.models import Message
from crosspaths.notify.services import messages_deliver, outbox_write_round
from crosspaths.teams.transport import TeamsTransport, reached

from .fake_teams import card_errors


def write(match) -> list[int]:
    outbox_write_round(round=match.round, now=timezone.now())
    return list(Message.objects.filter(kind="intro").order_by("pk").values_list("pk", flat=True))


def texts(card) -> str:
    import json

    return json.dumps(card, ensure_ascii=False)


def test_the_group_intro_reaches_each_member_on_teams_once_and_alice_by_email(
    tenants, trio, fake, cast, mailoutbox
):
    ids = write(trio)
    report = messages_deliver(message_ids=ids)
    assert (report.sent, report.retry, report.failed) == (2, 0, 0)
    cards = fake.cards()
    assert sorted(p.user_id for p in cards) == sorted([tenants.bob["id"], tenants.chidi["id"]])
    for posted in cards:
        assert posted.tenant.startswith("1111")
        assert card_errors(posted.card) == []
    card = cards[0].card
    assert card["body"][0]["text"] == "Virtual coffee: Chidi Okafor, Bob Brandt and Alice Adler"
    (checkin,) = [b for b in card["body"] if b.get("id") == "crosspaths_checkin"]
    verbs = [a.get("verb") or a["type"] for a in checkin["actions"]]
    assert verbs[0:2] == ["checkin_met", "checkin_missed"] and verbs[-1] == "checkin_skip"
    assert {a["data"]["match"] for a in checkin["actions"] if "data" in a} == {trio.pk}
    # Slot in every member's zone, the video link, the reasons (escaped), the footer last.
    facts = next(b for b in card["body"] if b["type"] == "FactSet")["facts"]
    assert any("Europe/Berlin" in f["value"] for f in facts)
    assert any(f["value"].startswith("https://meet.jit.si/") for f in facts)
    assert card["body"][-1].get("isSubtle") is True
    assert [m.to for m in mailoutbox] == [["Alice Adler <alice@acme.test>"]]
    group = Message.objects.get(kind="intro", channel="teams")
    assert group.status == "sent"
    assert sorted(reached(group)) == sorted([cast.bob.pk, cast.chidi.pk])
    assert messages_deliver(message_ids=ids).sent == 0  # never twice
    assert len(fake.cards()) == 2


def test_the_card_speaks_german(tenants, trio, fake, cast):
    cast.org.language = "de"
    cast.org.save()
    messages_deliver(message_ids=write(trio))
    card = fake.cards()[0].card
    assert card["lang"] == "de"
    body = texts(card)
    for german in ("Wir haben uns getroffen", "Es hat nicht geklappt", "Diese Runde aussetzen"):
        assert german in body
    assert "Hallo " in body


def test_a_429_storm_delays_but_never_loses_or_doubles(tenants, trio, fake, cast):
    ids = write(trio)
    fake.storm(3, retry_after=7)
    first = messages_deliver(message_ids=ids)
    assert first.failed == 0 and first.sent <= 1
    group = Message.objects.get(kind="intro", channel="teams")
    assert group.status == "queued" and group.attempts == 0
    assert "rate limited, waiting 7 s" in group.last_error
    assert group.next_attempt_at >= clock.now() + timedelta(seconds=6)
    at, rounds = clock.now(), 0
    while (
        Message.objects.filter(kind="intro", channel="teams", status="queued").exists()
        and rounds < 10
    ):
        rounds += 1
        at += timedelta(seconds=10)
        with time_machine.travel(at, tick=True):
            messages_deliver(message_ids=ids)
    group.refresh_from_db()
    assert group.status == "sent" and group.attempts == 1
    got = sorted(p.user_id for p in fake.cards())
    assert got == sorted([tenants.bob["id"], tenants.chidi["id"]])  # each exactly once
    assert sum(1 for _r, status in fake.calls if status == 429) == 3
    assert 3 <= rounds <= 4


def test_a_storm_between_two_members_posts_only_to_the_one_left(tenants, trio, fake, cast):
    """The first member's card went out, the second was rate limited: the retry posts
    to the second only."""
    ids = write(trio)
    group = Message.objects.get(kind="intro", channel="teams")
    transport = TeamsTransport()
    from crosspaths.notify.content import message_content
    from crosspaths.notify.services import _load

    (loaded,) = [m for m in _load([group.pk])]
    content = message_content(loaded)
    fake.storm(0)
    real = fake._limited
    calls = {"n": 0}

    def second_is_limited(tenant, conversation):
        calls["n"] += 1
        return 2 if calls["n"] == 2 else real(tenant, conversation)

    fake._limited = second_is_limited
    try:
        transport.send(loaded, content)
    except Exception as error:
        assert transport.retry_after(error) == timedelta(seconds=2)
    group.refresh_from_db()
    assert len(reached(group)) == 1
    fake._limited = real
    loaded.conversation = group.conversation
    transport.send(loaded, content)
    assert len(fake.cards()) == 2
    assert len({p.user_id for p in fake.cards()}) == 2
    del ids


def test_a_disconnected_organization_gets_email(tenants, trio, fake, cast, mailoutbox):
    from crosspaths.teams.services import teams_disconnect

    teams_disconnect(organization=cast.org, actor=cast.alice)
    report = messages_deliver(message_ids=write(trio))
    assert report.sent == 3 and fake.cards() == []
    assert len(mailoutbox) == 3
    assert not Message.objects.filter(channel="teams").exists()


def test_teams_refusing_the_bot_credentials_keeps_the_message_queued(
    tenants, trio, fake, cast, settings
):
    from crosspaths.teams import connector

    connector.forget_tokens()
    settings.TEAMS_APP_PASSWORD = "wrong"
    report = messages_deliver(message_ids=write(trio))
    group = Message.objects.get(kind="intro", channel="teams")
    assert report.retry >= 1 and group.status == "queued"
    assert "invalid_client" in group.last_error


def test_the_fake_refuses_what_teams_would_not_render(tenants, fake, cast):
    """Microsoft's schema and Teams' own rules, as the fake applies them; a refused card
    fails the message for good (Teams' 400 BadArgument)."""
    import pytest

    from crosspaths.teams import connector
    from crosspaths.teams.models import TeamsUser

    good = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "x"}]}
    assert card_errors(good) == []
    assert card_errors(good | {"body": [{"type": "TextBlok", "text": "x"}]})
    assert card_errors(good | {"body": [{"type": "TextBlock"}]})  # text is required
    assert card_errors(good | {"version": "1.6"}) == [
        "version 1.6 is newer than Teams renders (1.5)"
    ]
    assert card_errors(good | {"colour": "red"})  # additionalProperties: false
    twice = {"type": "Action.Execute", "verb": "a", "title": "a", "id": "same"}
    assert card_errors(good | {"actions": [twice, twice]}) == ["action ids must be unique"]
    bob = TeamsUser.objects.get(person=cast.bob)
    activity = {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "content": good | {"version": "1.6"},
            }
        ],
    }
    with pytest.raises(connector.ConnectorError) as refused:
        connector.send_activity(
            service_url=bob.service_url, conversation_id=bob.conversation_id, activity=activity
        )
    assert refused.value.status == 400 and refused.value.code == "BadArgument"
    assert TeamsTransport().permanent(refused.value)
    assert fake.cards() == []
