"""Request ids in responses and JSON log lines (crosspaths/request_ids.py, LOGGING)."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from pythonjsonlogger.json import JsonFormatter

from crosspaths.request_ids import RequestIdFilter, RequestIdMiddleware

ROOT = Path(__file__).resolve().parent.parent


def json_handler() -> tuple[logging.Handler, io.StringIO]:
    """A handler built like settings.LOGGING's console handler in production."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    options = {k: v for k, v in settings.LOGGING["formatters"]["json"].items() if k != "()"}
    handler.setFormatter(JsonFormatter(**options))
    handler.addFilter(RequestIdFilter())
    return handler, stream


def test_every_response_carries_a_new_request_id(client, db):
    first = client.get("/api/health")["X-Request-ID"]
    second = client.get("/api/health")["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_a_proxys_request_id_is_kept_and_a_malformed_one_replaced(client, db):
    kept = client.get("/api/health", headers={"X-Request-ID": "nginx-5f2b9c1d0a"})
    assert kept["X-Request-ID"] == "nginx-5f2b9c1d0a"
    replaced = client.get("/api/health", headers={"X-Request-ID": "<script>\n"})
    assert replaced["X-Request-ID"] != "<script>\n" and len(replaced["X-Request-ID"]) == 32


def test_log_lines_written_during_a_request_are_json_with_its_id():
    handler, stream = json_handler()
    logger = logging.getLogger("crosspaths.test_request_ids")
    logger.addHandler(handler)
    requests_log = logging.getLogger("crosspaths.requests")
    requests_log.addHandler(handler)
    level = requests_log.level
    requests_log.setLevel(logging.INFO)

    def view(request):
        logger.warning("inside the view")
        return HttpResponse("ok")

    try:
        request = RequestFactory().get("/login/link/secret-token/")
        response = RequestIdMiddleware(view)(request)
        logger.warning("after the request")
    finally:
        logger.removeHandler(handler)
        requests_log.removeHandler(handler)
        requests_log.setLevel(level)
    inside, access, after = (json.loads(line) for line in stream.getvalue().splitlines())
    assert inside["message"] == "inside the view"
    assert inside["level"] == "WARNING" and inside["logger"] == "crosspaths.test_request_ids"
    assert inside["request_id"] == response["X-Request-ID"]
    assert access["request_id"] == response["X-Request-ID"]
    assert access["status"] == 200 and access["method"] == "GET"
    assert "secret-token" not in stream.getvalue()  # the URL pattern, never the path
    assert after["request_id"] == "-"


@pytest.mark.real_clock
def test_production_settings_log_json_lines(tmp_path):
    """settings.LOGGING as dictConfig builds it with DEBUG=0: a JSON object per line."""
    script = (
        "import django, logging; django.setup()\n"
        "logging.getLogger('crosspaths.somewhere').warning('hello %s', 'there')\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crosspaths.settings",
        "DEBUG": "0",
        "SECRET_KEY": "a-test-secret-key-that-is-long-enough-0123456789-abcdefgh",
        "ALLOWED_HOSTS": "crosspaths.example.com",
        "CROSSPATHS_VAR_DIR": str(tmp_path),
    }
    env.pop("LOG_FORMAT", None)
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "hello there"
    assert line["level"] == "WARNING" and line["logger"] == "crosspaths.somewhere"
    assert line["request_id"] == "-" and "time" in line
