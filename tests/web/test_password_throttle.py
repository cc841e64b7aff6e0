"""Password guessing is slowed down per account and client address (django-axes):
after the limit even the right password fails for a while, from that address only."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User

from ..cast import PASSWORD
from ..conftest import TEST_NOW


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    return 3


def password_sign_in(client, password, address, email="bob@acme.test"):
    return client.post(
        "/login/password/", {"username": email, "password": password}, REMOTE_ADDR=address
    )


def guess(client, n, address="6.6.6.6", email="bob@acme.test", *, limit=3):
    """``n`` wrong passwords; the one that reaches the limit already gets the pause."""
    answers = [password_sign_in(client, "wrong", address, email).status_code for _ in range(n)]
    assert answers == [200 if i + 1 < limit else 429 for i in range(n)]


def test_the_right_password_after_too_many_failures_still_fails(client, cast, limit):
    guess(client, limit, email="Bob@ACME.test")  # written another way, the same account
    response = password_sign_in(client, PASSWORD, "6.6.6.6")
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    body = response.content.decode()
    assert "Too many failed sign-ins" in body and "pauses for 15 minutes" in body
    assert 'href="/login/"' in body  # a sign-in link by e-mail still works


def test_the_same_account_still_signs_in_from_another_address(client, cast, limit):
    guess(client, limit)
    response = password_sign_in(client, PASSWORD, "10.0.0.5")
    assert response.status_code == 302 and response["Location"] == "/"


def test_failures_below_the_limit_do_not_stop_the_right_password(client, cast, limit):
    guess(client, limit - 1)
    assert password_sign_in(client, PASSWORD, "6.6.6.6").status_code == 302


def test_the_cool_down_ends_after_fifteen_minutes(client, cast, limit):
    guess(client, limit)
    with time_machine.travel(TEST_NOW + timedelta(minutes=14), tick=True):
        assert password_sign_in(client, PASSWORD, "6.6.6.6").status_code == 429
    with time_machine.travel(TEST_NOW + timedelta(minutes=31), tick=True):
        assert password_sign_in(client, PASSWORD, "6.6.6.6").status_code == 302


def test_the_admin_sign_in_is_throttled_too(client, db, limit):
    User.objects.create_superuser("op", "op@example.com", "op-password-long")
    for _ in range(limit):
        client.post(
            "/admin/login/",
            {"username": "op", "password": "wrong"},
            REMOTE_ADDR="6.6.6.6",
        )
    response = client.post(
        "/admin/login/",
        {"username": "op", "password": "op-password-long", "next": "/admin/"},
        REMOTE_ADDR="6.6.6.6",
    )
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    other = client.post(
        "/admin/login/",
        {"username": "op", "password": "op-password-long", "next": "/admin/"},
        REMOTE_ADDR="10.0.0.5",
    )
    assert other.status_code == 302
