"""The console's "send a test message to yourself" on Slack: a direct message through
the outbox, and the page says whether it went out or why not."""

from __future__ import annotations

import pytest

from crosspaths.notify.models import Message
from crosspaths.notify.services import messages_deliver

from .fake_slack import blocks_error
from .test_install import admin_client


@pytest.fixture
def alice_on_slack(workspaces, fake, cast):
    from crosspaths.slack.services import slack_link_people

    fake.add_user("T0ACME", cast.alice.email)
    slack_link_people(organization=cast.org, refresh=True)
    return workspaces


def test_a_test_message_reaches_the_admin_and_the_page_says_it_was_delivered(
    alice_on_slack, fake, cast
):
    admin = admin_client(cast.alice)
    response = admin.post("/console/slack/test/", follow=True)
    assert "A test message is on its way to you in Slack." in response.content.decode()
    (test,) = Message.objects.filter(kind="test")
    assert (test.channel, test.person) == ("slack", cast.alice)
    assert messages_deliver(message_ids=[test.pk]).sent == 1
    (posted,) = fake.messages()
    assert blocks_error(posted.body) == ""
    assert "Test message from Crosspaths" in posted.body["text"]
    page = admin.get("/console/slack/").content.decode()
    assert "Your last test message" in page and "delivered." in page


def test_the_page_shows_why_a_test_message_failed(alice_on_slack, fake, cast):
    admin = admin_client(cast.alice)
    admin.post("/console/slack/test/")
    (test,) = Message.objects.filter(kind="test")
    fake.revoked.update(fake.tokens)  # the app was removed behind our back
    messages_deliver(message_ids=[test.pk])
    page = admin.get("/console/slack/").content.decode()
    assert "waiting for another attempt:" in page or "failed:" in page
    assert "token_revoked" in page


def test_an_admin_not_on_slack_is_told_and_nothing_is_queued(workspaces, cast):
    response = admin_client(cast.alice).post("/console/slack/test/", follow=True)
    assert "You are not reachable on Slack yet" in response.content.decode()
    assert not Message.objects.filter(kind="test").exists()


def test_participants_and_other_organizations_cannot_send_one(workspaces, cast):
    assert admin_client(cast.bob).post("/console/slack/test/").status_code == 403
    admin_client(cast.dana).post("/console/slack/test/")  # Globex has Slack, Dana no account
    assert not Message.objects.filter(kind="test", organization=cast.org).exists()
