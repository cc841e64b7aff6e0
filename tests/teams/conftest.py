"""The fake Bot Framework on loopback, two connected tenants, and signed activities.

Acme (the cast's organization) is connected to tenant ACME, where Bob and Chidi have
the app installed and Alice has not; Globex (Dana's) to tenant GLOBEX. Activities
"from Teams" carry a JWT signed by the fake's key, as the Bot Connector signs them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from crosspaths import clock
from crosspaths.teams import auth, connector
from crosspaths.teams.services import teams_connect
from tests.mailbox import free_port
from tests.slack.conftest import trio  # noqa: F401  (the same published trio)

from .fake_teams import FakeTeams

ACME = "11111111-1111-4111-8111-111111111111"
GLOBEX = "22222222-2222-4222-8222-222222222222"


@pytest.fixture
def fake(settings):
    server = FakeTeams(clock=lambda: clock.now().timestamp(), port=free_port()).start()
    settings.TEAMS_APP_ID, settings.TEAMS_APP_PASSWORD = server.app_id, server.app_password
    settings.TEAMS_TOKEN_URL = server.token_url
    settings.TEAMS_OPENID_URL = server.openid_url
    settings.TEAMS_TIMEOUT_SECONDS = 5
    auth.forget_keys()
    connector.forget_tokens()
    yield server
    server.stop()
    auth.forget_keys()
    connector.forget_tokens()


def teams_post(client, fake: FakeTeams, activity: dict[str, Any], *, token: str | None = None):
    """POST an activity to the bot's endpoint as the Bot Connector does."""
    bearer = fake.activity_token() if token is None else token
    return client.post(
        "/teams/messages",
        json.dumps(activity),
        content_type="application/json",
        headers={"Authorization": f"Bearer {bearer}"} if bearer else {},
    )


@dataclass
class Tenants:
    bob: dict[str, Any]
    chidi: dict[str, Any]
    dana: dict[str, Any]


@pytest.fixture
def tenants(fake, cast, client) -> Tenants:
    teams_connect(organization=cast.org, tenant_id=ACME, actor=cast.alice)
    teams_connect(organization=cast.other_org, tenant_id=GLOBEX, actor=cast.dana)
    bob = fake.add_user(ACME, "Bob@acme.test", name="Bob Brandt")
    chidi = fake.add_user(ACME, "chidi@acme.test", name="Chidi Okafor")
    dana = fake.add_user(GLOBEX, cast.dana.email, name="Dana Duarte")
    for tenant, user in ((ACME, bob), (ACME, chidi), (GLOBEX, dana)):
        assert teams_post(client, fake, fake.installed(tenant, user)).status_code == 200
    return Tenants(bob, chidi, dana)
