"""Sentry: off unless SENTRY_DSN is set; with it, errors reach the DSN's server."""

import gzip
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_without_a_dsn_sentry_is_not_initialised():
    import sentry_sdk

    assert not sentry_sdk.get_client().is_active()


@pytest.mark.real_clock
def test_with_a_dsn_an_exception_is_reported_to_that_server():
    received: list[bytes] = []

    class Ingest(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            encoding = self.headers.get("Content-Encoding", "")
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "br":
                import brotli

                body = brotli.decompress(body)
            received.append(body)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Ingest)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    script = (
        "import django, sentry_sdk; django.setup()\n"
        "try:\n    1 / 0\nexcept ZeroDivisionError:\n    sentry_sdk.capture_exception()\n"
        "sentry_sdk.flush(5)\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crosspaths.settings",
        "DEBUG": "1",
        "SENTRY_DSN": f"http://publickey@127.0.0.1:{server.server_port}/1",
    }
    try:
        result = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, timeout=60
        )
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr.decode()
    assert any(b"ZeroDivisionError" in body for body in received)


def test_reports_lose_the_path_query_and_cookies_of_the_request():
    from crosspaths.error_reports import sentry_scrub

    event = {
        "transaction": "/login/link/<str:token>/",
        "request": {
            "url": "https://crosspaths.example.com/login/link/SECRET/",
            "query_string": "next=/x",
            "cookies": {"sessionid": "s"},
            "method": "GET",
        },
    }
    scrubbed = sentry_scrub(event, {})
    assert scrubbed["request"] == {"method": "GET"}
    assert scrubbed["transaction"] == "/login/link/<str:token>/"
