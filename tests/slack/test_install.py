"""Connecting a workspace by OAuth v2, linking people by e-mail, disconnecting."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django.utils import timezone

from crosspaths.console.models import AuditLog
from crosspaths.notify.models import ChatAccount
from crosspaths.notify.selection import organization_channels
from crosspaths.slack.models import SlackInstallation, SlackLink
from crosspaths.slack.services import slack_link_people
from crosspaths.slack.tokens import token_decrypt

CALLBACK = "http://testserver/slack/oauth/callback/"


def admin_client(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def start(client) -> str:
    """Press "Connect Slack": the state Crosspaths put into Slack's authorize URL."""
    response = client.post("/console/slack/connect/")
    assert response.status_code == 302
    url = urlparse(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://slack.com/oauth/v2/authorize"
    query = parse_qs(url.query)
    assert query["client_id"] == ["111.222"]
    assert query["redirect_uri"] == [CALLBACK]
    assert "users:read.email" in query["scope"][0].split(",")
    return query["state"][0]


@pytest.fixture
def acme_team(fake, cast):
    fake.add_team("T0ACME", "Acme Slack")
    fake.add_user("T0ACME", "bob@acme.test")
    fake.add_user("T0ACME", "chidi@acme.test")
    fake.add_user("T0ACME", "alice@acme.test", deleted=True)  # a deactivated Slack account
    fake.add_user("T0ACME", "dana@globex.test")  # Dana's address, in Acme's workspace
    return "T0ACME"


def test_connecting_stores_the_token_encrypted_links_people_and_enables_slack(
    acme_team, fake, cast
):
    client = admin_client(cast.alice)
    state = start(client)
    code = fake.issue_code(acme_team, CALLBACK)
    response = client.get("/slack/oauth/callback/", {"code": code, "state": state})
    assert response.status_code == 302
    installation = SlackInstallation.objects.get(organization=cast.org)
    assert installation.team_id == "T0ACME"
    assert "xoxb-" not in installation.bot_token_encrypted  # encrypted at rest
    assert token_decrypt(installation.bot_token_encrypted) in fake.tokens
    assert organization_channels(organization_id=cast.org.pk) == ["slack", "email"]
    linked = set(ChatAccount.objects.values_list("person__email", flat=True))
    assert linked == {"bob@acme.test", "chidi@acme.test"}  # not Alice (deleted), not Dana
    assert AuditLog.objects.filter(organization=cast.org, action="slack.connect").count() == 1
    page = client.get("/console/slack/").content.decode()
    assert "Acme Slack" in page and "xoxb-" not in page


def test_a_callback_with_another_state_or_twice_is_refused(acme_team, fake, cast):
    client = admin_client(cast.alice)
    state = start(client)
    code = fake.issue_code(acme_team, CALLBACK)
    client.get("/slack/oauth/callback/", {"code": code, "state": "forged"})
    assert not SlackInstallation.objects.exists()
    # The state was used up by the refused attempt: the right one no longer works either.
    client.get("/slack/oauth/callback/", {"code": code, "state": state})
    assert not SlackInstallation.objects.exists()
    # Another session cannot finish this admin's installation.
    other = admin_client(cast.alice)
    other.get("/slack/oauth/callback/", {"code": code, "state": start(client)})
    assert not SlackInstallation.objects.exists()


def test_a_workspace_connected_to_one_organization_cannot_be_connected_to_another(
    acme_team, fake, cast
):
    client = admin_client(cast.alice)
    state = start(client)
    client.get(
        "/slack/oauth/callback/", {"code": fake.issue_code(acme_team, CALLBACK), "state": state}
    )
    cast.dana.role = cast.dana.Role.ADMIN
    cast.dana.save()
    globex = admin_client(cast.dana)
    state = start(globex)
    response = globex.get(
        "/slack/oauth/callback/", {"code": fake.issue_code(acme_team, CALLBACK), "state": state}
    )
    assert response.status_code == 302
    assert list(SlackInstallation.objects.values_list("organization_id", flat=True)) == [
        cast.org.pk
    ]
    assert not ChatAccount.objects.filter(organization=cast.other_org).exists()


def test_participants_and_program_managers_cannot_connect(acme_team, cast):
    for person in (cast.bob, cast.chidi):
        client = admin_client(person)
        assert client.post("/console/slack/connect/").status_code == 403
        assert client.get("/console/slack/").status_code == 403


def test_disconnecting_revokes_the_token_and_everybody_gets_email_again(acme_team, fake, cast):
    client = admin_client(cast.alice)
    state = start(client)
    client.get(
        "/slack/oauth/callback/", {"code": fake.issue_code(acme_team, CALLBACK), "state": state}
    )
    token = token_decrypt(SlackInstallation.objects.get().bot_token_encrypted)
    assert client.post("/console/slack/disconnect/").status_code == 302
    assert token in fake.revoked
    assert not SlackInstallation.objects.exists()
    assert not ChatAccount.objects.exists() and not SlackLink.objects.exists()
    assert organization_channels(organization_id=cast.org.pk) == ["email"]


def test_people_are_looked_up_once_and_again_when_their_address_changes(acme_team, fake, cast):
    from crosspaths.slack.models import SlackInstallation as Installation
    from crosspaths.slack.tokens import token_encrypt

    Installation.objects.create(
        organization=cast.org,
        team_id="T0ACME",
        bot_token_encrypted=token_encrypt(fake.issue_token("T0ACME")),
        installed_at=timezone.now(),
    )
    first = slack_link_people(organization=cast.org)
    assert (first.found, first.missing) == (2, 1)  # Bob and Chidi; Alice's account is deleted
    lookups = sum(1 for m, _s in fake.calls if m == "users.lookupByEmail")
    again = slack_link_people(organization=cast.org)
    assert (again.found, again.kept) == (0, 3)
    assert sum(1 for m, _s in fake.calls if m == "users.lookupByEmail") == lookups
    cast.bob.email = "bob.brandt@acme.test"
    cast.bob.save()
    changed = slack_link_people(organization=cast.org)
    assert (changed.missing, changed.kept) == (1, 2)
    assert not ChatAccount.objects.filter(person=cast.bob).exists()


def test_lookups_wait_out_a_rate_limit(acme_team, fake, cast):
    from crosspaths.slack.tokens import token_encrypt

    SlackInstallation.objects.create(
        organization=cast.org,
        team_id="T0ACME",
        bot_token_encrypted=token_encrypt(fake.issue_token("T0ACME")),
        installed_at=timezone.now(),
    )
    fake.storm(2, retry_after=1)
    assert slack_link_people(organization=cast.org).found == 2
