"""The outbox on every channel: one delivery per recipient, kind, match and channel;
a chat introduction is one message to the group's conversation; claims, back-off,
"in doubt" and "send again" hold for a chat transport as they do for e-mail."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from crosspaths.notify import channels
from crosspaths.notify.channels import slack
from crosspaths.notify.models import ChatAccount, Message
from crosspaths.notify.selection import organization_set_channels
from crosspaths.notify.services import (
    message_requeue,
    messages_deliver,
    outbox_key,
    outbox_recover,
    outbox_write_round,
)
from crosspaths.programs.services import match_reschedule

from .chat_schemas import block_kit_errors


class RateLimited(Exception):
    pass


class SlackDown(Exception):
    pass


class FakeSlack:
    """A chat transport that records what it would post (rendered Block Kit)."""

    channel = "slack"
    posted: list = []
    fail_with: Exception | None = None

    def send(self, message, content):
        if FakeSlack.fail_with is not None:
            raise FakeSlack.fail_with
        FakeSlack.posted.append((message.pk, message.group_members, slack.render(content)))

    def reset(self):
        pass

    def close(self):
        pass

    def unreachable(self, error):
        return isinstance(error, RateLimited | SlackDown)

    def permanent(self, error):
        return False

    def retry_after(self, error):
        return timedelta(minutes=30) if isinstance(error, RateLimited) else None


@pytest.fixture
def fake_slack(monkeypatch):
    FakeSlack.posted, FakeSlack.fail_with = [], None
    monkeypatch.setitem(channels.TRANSPORTS, "slack", FakeSlack)
    return FakeSlack


def link(person, external_id):
    ChatAccount.objects.create(
        organization=person.organization,
        person=person,
        channel="slack",
        external_id=external_id,
        linked_at=timezone.now(),
    )


@pytest.fixture
def on_slack(published, cast):
    """The same round, written again for an organization on Slack where Bob and Chidi
    have accounts."""
    organization_set_channels(organization=cast.org, channels=["slack", "email"])
    link(cast.bob, "U0BOB")
    link(cast.chidi, "U0CHIDI")
    Message.objects.all().delete()
    outbox_write_round(round=published.round, now=timezone.now())
    return published


def test_on_slack_the_introduction_is_one_message_to_the_group(on_slack, cast):
    (intro,) = Message.objects.filter(kind="intro")
    assert (intro.channel, intro.person_id) == ("slack", None)
    assert sorted(intro.group_members) == sorted([cast.bob.pk, cast.chidi.pk])
    assert intro.dedupe_key == f"intro:{on_slack.pk}:group@slack"
    later = Message.objects.exclude(kind="intro")
    assert {(m.kind, m.person_id, m.channel) for m in later} == {
        (kind, pid, "slack")
        for kind in ("reminder", "checkin")
        for pid in (cast.bob.pk, cast.chidi.pk)
    }


def test_someone_without_a_slack_account_gets_the_introduction_by_email(published, cast):
    organization_set_channels(organization=cast.org, channels=["slack", "email"])
    link(cast.bob, "U0BOB")
    Message.objects.all().delete()
    outbox_write_round(round=published.round, now=timezone.now())
    intros = {
        (m.channel, m.person_id, tuple(m.group_members))
        for m in Message.objects.filter(kind="intro")
    }
    assert intros == {("email", cast.chidi.pk, ()), ("slack", None, (cast.bob.pk,))}


def test_existing_email_keys_stay_as_they_were(published, cast):
    intro = Message.objects.get(kind="intro", person=cast.bob)
    assert intro.channel == "email"
    assert intro.dedupe_key == f"intro:{published.pk}:{cast.bob.pk}"


def test_one_delivery_per_recipient_kind_match_and_channel(published, cast):
    row = dict(
        organization=cast.org,
        kind="checkin",
        person=cast.bob,
        match=published,
        next_attempt_at=timezone.now(),
    )
    Message.objects.create(
        channel="slack",
        dedupe_key=outbox_key("checkin", published.pk, cast.bob.pk, channel="slack"),
        **row,
    )  # the same check-in on another channel is another delivery
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(
            channel="slack",
            dedupe_key=outbox_key("checkin", published.pk, cast.bob.pk, channel="slack"),
            **row,
        )


def test_an_email_needs_a_person_and_a_group_message_a_match(published, cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(
            organization=cast.org,
            kind="intro",
            match=published,
            channel="email",
            dedupe_key="x",
            next_attempt_at=timezone.now(),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(
            organization=cast.org,
            kind="intro",
            channel="slack",
            dedupe_key="y",
            next_attempt_at=timezone.now(),
        )


def test_a_slack_introduction_is_delivered_once_as_valid_block_kit(on_slack, fake_slack, cast):
    ids = list(Message.objects.filter(kind="intro").values_list("pk", flat=True))
    first, second = messages_deliver(message_ids=ids), messages_deliver(message_ids=ids)
    assert (first.sent, second.sent) == (1, 0)
    ((pk, members, payload),) = fake_slack.posted
    assert sorted(members) == sorted([cast.bob.pk, cast.chidi.pk])
    assert block_kit_errors(payload) == []
    assert payload["blocks"][0]["text"]["text"] == "Virtual coffee: Chidi Okafor and Bob Brandt"
    assert Message.objects.get(pk=pk).status == "sent"


def test_a_rate_limit_waits_as_long_as_slack_asks_counts_no_attempt_and_releases_its_batch(
    on_slack, fake_slack, mailoutbox, cast
):
    Message.objects.filter(kind="checkin").update(next_attempt_at=timezone.now())
    email_row = Message.objects.get(kind="checkin", person=cast.bob)
    Message.objects.filter(pk=email_row.pk).update(
        channel="email", dedupe_key=outbox_key("checkin", on_slack.pk, cast.bob.pk)
    )
    ids = list(
        Message.objects.filter(kind__in=["intro", "checkin"])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    fake_slack.fail_with = RateLimited("429 Too Many Requests, Retry-After: 1800")
    before = timezone.now()
    report = messages_deliver(message_ids=ids)
    assert (report.retry, report.sent) == (1, 1)  # the e-mail in the batch still went
    assert len(mailoutbox) == 1
    tried = Message.objects.get(kind="intro")
    assert (tried.status, tried.attempts) == ("queued", 0)  # a rate limit is no failure
    assert tried.last_error.startswith("rate limited, waiting 1800 s")
    assert tried.next_attempt_at >= before + timedelta(minutes=30)
    released = Message.objects.get(kind="checkin", person=cast.chidi)
    assert (released.status, released.attempts) == ("queued", 0)
    assert released.next_attempt_at >= before + timedelta(minutes=30)
    assert fake_slack.posted == []


def test_a_chat_message_in_doubt_is_failed_not_sent_again_and_can_be_sent_again(
    on_slack, fake_slack
):
    (intro,) = Message.objects.filter(kind="intro")
    Message.objects.filter(pk=intro.pk).update(
        status="sending", attempts=1, lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert outbox_recover() == 1
    assert messages_deliver(message_ids=[intro.pk]).sent == 0
    assert message_requeue(messages=[intro]) == 1
    assert messages_deliver(message_ids=[intro.pk]).sent == 1
    assert len(fake_slack.posted) == 1


def test_without_a_slack_transport_the_message_waits_with_the_reason(on_slack, monkeypatch):
    monkeypatch.delitem(channels.TRANSPORTS, "slack")  # an installation without the Slack app
    (intro,) = Message.objects.filter(kind="intro")
    report = messages_deliver(message_ids=[intro.pk])
    intro.refresh_from_db()
    assert (report.retry, intro.status, intro.attempts) == (1, "queued", 1)
    assert "no transport for the slack channel" in intro.last_error


def test_a_group_message_is_skipped_when_everyone_it_is_for_left(on_slack, fake_slack, cast):
    cast.bob.__class__.objects.filter(pk__in=[cast.bob.pk, cast.chidi.pk]).update(active=False)
    (intro,) = Message.objects.filter(kind="intro")
    assert messages_deliver(message_ids=[intro.pk]).skipped == 1
    assert fake_slack.posted == []


def test_a_new_time_goes_to_the_group_conversation_the_introduction_went_to(on_slack, cast):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    match_reschedule(
        match=on_slack, start=datetime(2026, 12, 3, 15, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    )
    (new_time,) = Message.objects.filter(kind="reschedule")
    assert (new_time.channel, new_time.person_id) == ("slack", None)
    assert new_time.dedupe_key == f"reschedule:{on_slack.pk}:group:1@slack"
    assert set(Message.objects.filter(kind="reminder").values_list("channel", flat=True)) == {
        "slack"
    }


def test_a_storm_of_rate_limits_delays_a_message_but_never_fails_or_doubles_it(
    on_slack, fake_slack, settings
):
    settings.MAIL_MAX_ATTEMPTS = 2
    (intro,) = Message.objects.filter(kind="intro")
    fake_slack.fail_with = RateLimited("429")
    for _storm in range(5):
        Message.objects.filter(pk=intro.pk).update(next_attempt_at=timezone.now())
        assert messages_deliver(message_ids=[intro.pk]).retry == 1
    fake_slack.fail_with = None
    Message.objects.filter(pk=intro.pk).update(next_attempt_at=timezone.now())
    assert messages_deliver(message_ids=[intro.pk]).sent == 1
    intro.refresh_from_db()
    assert (intro.status, intro.attempts, len(fake_slack.posted)) == ("sent", 1, 1)
