"""Shared fixtures and the rules for tests that need real services.

Tests marked ``postgres`` or ``redis`` skip with a reason when the server is not there,
so ``make test`` passes on a bare machine; ``.ci/run`` sets CROSSPATHS_REQUIRE_SERVICES=1,
which turns the Redis and Chromium skips into failures (PostgreSQL tests skip in the SQLite
run and run in the PostgreSQL run).
"""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

import pytest
import time_machine
from playwright.sync_api import expect

from .browser import CHROMIUM, LAUNCH_ARGS
from .cast import Cast, make_cast
from .mailbox import Mailbox

REQUIRE_SERVICES = os.environ.get("CROSSPATHS_REQUIRE_SERVICES") == "1"
# Settings default to production; the suite (and the manage.py processes some tests
# start) runs in development mode unless a test says otherwise.
os.environ.setdefault("DEBUG", "1")


def _unavailable(item: pytest.Item, reason: str, *, required: bool = REQUIRE_SERVICES) -> None:
    if required:
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
            # Not a failure even in CI: .ci/run runs the whole suite a second time on
            # PostgreSQL, where these run.
            _unavailable(
                item,
                "needs PostgreSQL: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/test "
                "(.ci/run does)",
                required=False,
            )
    if item.get_closest_marker("browser") and not Path(CHROMIUM).exists():
        _unavailable(item, f"needs Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)")
    if item.get_closest_marker("redis"):
        from django.conf import settings

        if not _redis_reachable(settings.REDIS_URL):
            _unavailable(item, f"needs a Redis server at {settings.REDIS_URL}")


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language. A request by a German-speaking person
    leaves German active in the thread (in a server the next request's LocaleMiddleware
    sets the language again); a later test calling a selector directly must not inherit
    it."""
    from django.utils import translation

    yield
    translation.deactivate()


# Every test starts at this moment (a Thursday morning in Berlin) and time runs on from
# it, so no test depends on the day the suite runs. A test that needs another moment
# says so with ``@pytest.mark.time_machine(...)``; one whose subprocesses read the
# machine's clock says ``@pytest.mark.real_clock`` and must pass on any date (.ci/run
# runs the suite a second time with the whole clock moved years ahead).
TEST_NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fixed_clock(request):
    node = request.node
    if node.get_closest_marker("real_clock") or node.get_closest_marker("time_machine"):
        yield
        return
    with time_machine.travel(TEST_NOW, tick=True):
        yield


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()


@pytest.fixture
def mailbox(settings):
    """A real SMTP server on a free port; Crosspaths sends to it for the test's duration."""
    box = Mailbox().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", box.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield box
    box.stop()


# Real-browser tests: pytest-playwright's ``page`` fixture, launched on Debian's Chromium.
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": LAUNCH_ARGS,
    }


@pytest.fixture(scope="session", autouse=True)
def _patient_browser_assertions():
    """Playwright's ``expect`` retries until the page shows what it asserts, but gives
    up after 5 s. Previews and publishing run as background tasks the page polls for;
    on a loaded 2-core machine that took longer than 5 s once (stop 22). The assertions
    still wait on what the page shows, just for up to 20 s."""
    expect.set_options(timeout=20_000)


def pytest_collection_modifyitems(config, items):
    """Playwright's sync API keeps an event loop running in the test thread from the
    first browser test on; Django's ORM refuses to run inside one unless told it is
    safe. It is here (one thread, no concurrency), so a run with browser tests says so."""
    if any(item.get_closest_marker("browser") for item in items):
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
