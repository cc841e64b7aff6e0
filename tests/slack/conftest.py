"""The fake Slack on loopback, two connected workspaces, and signed requests.

Acme (the cast's organization) is connected to workspace T0ACME, where Bob and Chidi
have Slack accounts and Alice has none; Globex (Dana's) to T0GLOBEX. Requests "from
Slack" are signed with the test signing secret exactly as Slack signs them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from crosspaths import clock
from crosspaths.notify.selection import organization_set_channels
from crosspaths.programs.models import Match, MatchMember, Program, Round
from crosspaths.slack.models import SlackInstallation
from crosspaths.slack.services import slack_link_people
from crosspaths.slack.tokens import token_encrypt
from tests.mailbox import free_port

from .fake_slack import FakeSlack

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


@pytest.fixture
def fake(settings):
    server = FakeSlack(clock=lambda: clock.now().timestamp(), port=free_port()).start()
    settings.SLACK_API_URL = server.api_url
    settings.SLACK_CLIENT_ID, settings.SLACK_CLIENT_SECRET = server.client_id, server.client_secret
    settings.SLACK_SIGNING_SECRET = SIGNING_SECRET
    settings.SLACK_TIMEOUT_SECONDS = 5
    yield server
    server.stop()


@dataclass
class Workspaces:
    acme: SlackInstallation
    globex: SlackInstallation
    bob: str
    chidi: str
    dana: str


def install(fake: FakeSlack, organization, team_id: str, name: str) -> SlackInstallation:
    fake.add_team(team_id, name)
    return SlackInstallation.objects.create(
        organization=organization,
        team_id=team_id,
        team_name=name,
        bot_user_id="UBOT",
        bot_token_encrypted=token_encrypt(fake.issue_token(team_id)),
        installed_at=timezone.now(),
    )


@pytest.fixture
def workspaces(fake, cast) -> Workspaces:
    acme = install(fake, cast.org, "T0ACME", "Acme Slack")
    globex = install(fake, cast.other_org, "T0GLOBEX", "Globex Slack")
    bob = fake.add_user("T0ACME", "Bob@acme.test")
    chidi = fake.add_user("T0ACME", "chidi@acme.test")
    dana = fake.add_user("T0GLOBEX", cast.dana.email)
    for org in (cast.org, cast.other_org):
        organization_set_channels(organization=org, channels=["slack", "email"])
        slack_link_people(organization=org)
    return Workspaces(acme, globex, bob, chidi, dana)


@pytest.fixture
def trio(cast) -> Match:
    """A published round of Virtual coffee in which Alice, Bob and Chidi meet on
    Wednesday 2026-12-02 at 10:00 Berlin time (nothing written to the outbox yet)."""
    program = Program.objects.create(
        organization=cast.org, name="Virtual coffee", format="virtual_coffee"
    )
    rnd = Round.objects.create(
        organization=cast.org,
        program=program,
        date=date(2026, 11, 30),
        status="published",
        published_at=datetime(2026, 11, 30, 8, 0, tzinfo=ZoneInfo("UTC")),
    )
    start = datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    match = Match.objects.create(
        organization=cast.org,
        round=rnd,
        organizer=cast.chidi,
        suggested_start=start,
        suggested_end=start + timedelta(minutes=30),
        video_link="https://meet.jit.si/crosspaths-0123456789abcdef0123456789abcdef",
        reasons=[
            {
                "code": "custom",
                "text": "from different departments: <!channel> & friends",
                "params": {},
            }
        ],
    )
    for p in (cast.chidi, cast.bob, cast.alice):
        MatchMember.objects.create(organization=cast.org, match=match, round=rnd, person=p)
    return match


def signature(body: bytes, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def slack_post(
    client,
    path: str,
    body: bytes,
    content_type: str,
    *,
    timestamp: int | None = None,
    secret: str = SIGNING_SECRET,
    sign: str | None = None,
):
    """POST ``body`` as Slack would: X-Slack-Request-Timestamp and X-Slack-Signature."""
    timestamp = int(clock.now().timestamp()) if timestamp is None else timestamp
    return client.post(
        path,
        body,
        content_type=content_type,
        headers={
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": sign or signature(body, timestamp, secret),
        },
    )


def click_body(team_id: str, user_id: str, action_id: str, value: str, channel: str) -> bytes:
    payload = {
        "type": "block_actions",
        "team": {"id": team_id},
        "user": {"id": user_id},
        "channel": {"id": channel},
        "actions": [{"type": "button", "action_id": action_id, "value": value}],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def command_body(team_id: str, user_id: str, text: str) -> bytes:
    return urlencode(
        {"team_id": team_id, "user_id": user_id, "command": "/crosspaths", "text": text}
    ).encode()
