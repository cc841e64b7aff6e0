"""The bot's endpoint accepts only activities the Bot Framework signed for our bot:
each forged or replayed token is refused (401) and changes nothing."""

from __future__ import annotations

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from crosspaths.notify.models import ChatAccount
from crosspaths.teams.models import TeamsUser

from .conftest import ACME, teams_post


@pytest.fixture
def acme_user(fake, cast):
    from crosspaths.teams.services import teams_connect

    teams_connect(organization=cast.org, tenant_id=ACME, actor=cast.alice)
    return fake.add_user(ACME, "bob@acme.test")


def linked() -> int:
    return TeamsUser.objects.count() + ChatAccount.objects.filter(channel="teams").count()


def test_a_correctly_signed_install_links_the_person(client, fake, acme_user, cast):
    assert teams_post(client, fake, fake.installed(ACME, acme_user)).status_code == 200
    user = TeamsUser.objects.get()
    assert (user.person, user.user_id, user.service_url) == (
        cast.bob,
        acme_user["id"],
        fake.service_url,
    )
    assert ChatAccount.objects.get(channel="teams").external_id == acme_user["id"]


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(
            lambda f: f.activity_token(issuer="https://sts.windows.net/evil/"), id="issuer"
        ),
        pytest.param(lambda f: f.activity_token(audience="another-bot"), id="audience"),
        pytest.param(lambda f: f.activity_token(expires_in=-600), id="expired"),
        pytest.param(lambda f: f.activity_token(now=f.clock() + 3600), id="not-yet-valid"),
        pytest.param(
            lambda f: f.activity_token(service_url="http://127.0.0.1:1/steal/"), id="service-url"
        ),
        pytest.param(
            lambda f: f.activity_token(
                key=rsa.generate_private_key(public_exponent=65537, key_size=2048)
            ),
            id="other-key",
        ),
        pytest.param(lambda f: f.activity_token(kid="unknown-kid"), id="unknown-kid"),
        pytest.param(
            lambda f: jwt.encode(
                {
                    "iss": "https://api.botframework.com",
                    "aud": f.app_id,
                    "exp": 4102444800,
                    "serviceurl": f.service_url,
                },
                None,
                algorithm="none",
            ),
            id="unsigned",
        ),
        pytest.param(
            lambda f: jwt.encode(
                {
                    "iss": "https://api.botframework.com",
                    "aud": f.app_id,
                    "exp": 4102444800,
                    "serviceurl": f.service_url,
                },
                "bot-secret-used-as-hmac-key-long-enough-32b",
                algorithm="HS256",
                headers={"kid": f.kid},
            ),
            id="hmac",
        ),
        pytest.param(lambda f: "not-a-jwt", id="garbage"),
        pytest.param(lambda f: "", id="missing"),
    ],
)
def test_a_forged_or_replayed_token_is_refused_and_links_nobody(client, fake, acme_user, forge):
    response = teams_post(client, fake, fake.installed(ACME, acme_user), token=forge(fake))
    assert response.status_code == 401
    assert linked() == 0


def test_the_service_url_in_the_body_must_be_the_signed_one(client, fake, acme_user):
    """A captured token replayed with another serviceUrl would make the bot send its
    own access token there: refused."""
    activity = fake.installed(ACME, acme_user) | {"serviceUrl": "http://127.0.0.1:1/steal/"}
    assert teams_post(client, fake, activity).status_code == 401
    assert linked() == 0


def test_a_get_or_a_body_that_is_no_activity_is_refused(client, fake, acme_user):
    assert client.get("/teams/messages").status_code == 405
    response = client.post(
        "/teams/messages",
        "[]",
        content_type="application/json",
        headers={"Authorization": f"Bearer {fake.activity_token()}"},
    )
    assert response.status_code == 401  # no serviceUrl to match the token's claim
