"""A real HTTP receiver on loopback for webhook tests, and endpoints pointing at it."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from standardwebhooks import Webhook

from crosspaths.webhooks.endpoints import endpoint_create
from crosspaths.webhooks.models import EVENT_TYPES


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Records every POST; answers each with the next of ``statuses`` (then 200),
    after ``delay`` seconds; ``redirect_to`` answers 302 with that Location."""

    port: int = 0
    received: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    delay: float = 0.0
    redirect_to: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def verified(self, secret: str) -> list[Any]:
        """Every received body, checked with the reference verifier."""
        return [Webhook(secret).verify(r.body, r.headers) for r in self.received]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with receiver.lock:
                receiver.received.append(Received(self.path, dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
            if receiver.delay:
                time.sleep(receiver.delay)
            if receiver.redirect_to:
                status = 302
            answer = f"status {status}".encode()
            try:
                self.send_response(status)
                if receiver.redirect_to:
                    self.send_header("Location", receiver.redirect_to)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender gave up (a timeout test)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    box = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(box))
    server.daemon_threads = True
    box.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True  # the receiver is on loopback
    settings.WEBHOOKS_TIMEOUT_SECONDS = 2
    settings.WEBHOOKS_CONNECT_TIMEOUT_SECONDS = 2


@pytest.fixture
def hook(cast, receiver):
    """Acme's endpoint subscribed to every event, and its secret."""
    endpoint, secret = endpoint_create(
        organization=cast.org,
        url=receiver.url(),
        event_types=list(EVENT_TYPES),
        description="HR data lake",
        created_by=cast.alice,
    )
    return endpoint, secret
