"""Shared fixtures and the rules for tests that need real services.

Tests marked ``postgres`` or ``redis`` skip with a reason when the server is not there,
so ``make test`` passes on a bare machine; ``.ci/run`` sets CROSSPATHS_REQUIRE_SERVICES=1,
which turns those skips into failures.
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

import pytest

from .cast import Cast, make_cast

REQUIRE_SERVICES = os.environ.get("CROSSPATHS_REQUIRE_SERVICES") == "1"


def _unavailable(item: pytest.Item, reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (CROSSPATHS_REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(reason)


def _redis_reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or 6379), 1
        ) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres"):
        from django.conf import settings

        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            _unavailable(
                item,
                "needs PostgreSQL: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/test "
                "(.ci/run does)",
            )
    if item.get_closest_marker("redis"):
        from django.conf import settings

        if not _redis_reachable(settings.REDIS_URL):
            _unavailable(item, f"needs a Redis server at {settings.REDIS_URL}")


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()
