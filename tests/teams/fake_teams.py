"""A local fake of the Bot Framework for Teams on loopback, checking what it checks.

Used by the tests (``tests/teams/conftest.py``) and by ``bench/teams.py``. It plays
three Microsoft services at once:

* the Microsoft identity platform's token endpoint (``token_url``): the
  client-credentials grant with the bot's app id, secret and the scope
  ``https://api.botframework.com/.default``; anything else is a 400/401 with an OAuth
  error, as Entra answers;
* the Bot Framework's OpenID metadata (``openid_url``) and its JWKS: the fake signs
  the activities it sends the bot (``activity_token``) with its own RSA key, whose
  ``endorsements`` name ``msteams``, as the real keys do;
* the Bot Connector service (``service_url``): ``POST /v3/conversations`` (a
  one-to-one chat only: a group or several members is Teams' 400 ``BadSyntax``
  "Incorrect conversation creation parameters", since bots cannot create group
  chats), ``POST /v3/conversations/{id}/activities`` and ``GET
  /v3/conversations/{id}/members/{userId}``. Every call needs a bearer token the token
  endpoint issued and not expired (401 otherwise); the conversation must exist and be
  of the caller's tenant; an activity needs ``type: message`` and text or attachments;
  every Adaptive Card attachment is validated against Microsoft's published Adaptive
  Card schema 1.5 (``data/adaptive-card-1.5.schema.json``, draft-06, with
  ``jsonschema``) plus what Teams adds: ``version`` at most 1.5, at most 28 KB per
  message, unique action ids, ``Action.Execute`` with a ``verb``. A refused card is
  400 ``BadArgument``.
* Rate limits (``LIMITS``), Microsoft's documented per-bot, per-conversation limits
  (7 per second, 8 per 2 s, 60 per 30 s, 1,800 per hour) and 50 requests a second per
  tenant; over a limit the answer is 429 with ``Retry-After`` (seconds until the
  oldest call leaves the window). ``storm(n, retry_after)`` answers the next n calls
  with 429 whatever the counts.

The clock is injectable: the tests pass the project's clock.
"""

from __future__ import annotations

import base64
import itertools
import json
import math
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import jsonschema
import jsonschema_rs
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

SCHEMA_FILE = Path(__file__).parent / "data" / "adaptive-card-1.5.schema.json"
ISSUER = "https://api.botframework.com"
SCOPE = "https://api.botframework.com/.default"
ADAPTIVE = "application/vnd.microsoft.card.adaptive"
MAX_MESSAGE = 28 * 1024
# (calls, seconds) per bot and conversation; and per tenant.
LIMITS = ((7, 1.0), (8, 2.0), (60, 30.0), (1800, 3600.0))
TENANT_LIMIT = (50, 1.0)

_validator: Any = None


def card_validator() -> Any:
    """Microsoft's schema, checked to be a valid draft-06 schema (``jsonschema``), then
    compiled by ``jsonschema_rs`` (the same draft; about 13 µs a card where the pure
    Python validator takes 0.3 s, which made the fake the bench's bottleneck)."""
    global _validator
    if _validator is None:
        schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
        jsonschema.Draft6Validator.check_schema(schema)
        _validator = jsonschema_rs.Draft6Validator(schema)
    return _validator


def _walk(node: Any):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def card_errors(card: Any) -> list[str]:
    """What Teams would refuse in an Adaptive Card ([] when it is fine)."""
    errors = [
        f"{'/'.join(map(str, e.instance_path)) or '(card)'}: {e.message}"
        for e in card_validator().iter_errors(card)
    ]
    if errors:
        return errors[:5]
    if card.get("type") != "AdaptiveCard":
        return ["type must be AdaptiveCard"]
    try:
        major, minor = (int(p) for p in str(card.get("version", "")).split(".")[:2])
    except ValueError:
        return ["version is required and must be like 1.5"]
    if (major, minor) > (1, 5):
        return [f"version {card['version']} is newer than Teams renders (1.5)"]
    ids: list[str] = []
    for node in _walk(card):
        kind = str(node.get("type", ""))
        if kind.startswith("Action.") and "id" in node:
            ids.append(str(node["id"]))
        if kind == "Action.Execute" and not node.get("verb"):
            errors.append("Action.Execute needs a verb")
        if kind == "TextBlock" and not str(node.get("text", "")).strip():
            errors.append("TextBlock needs text")
    if len(ids) != len(set(ids)):
        errors.append("action ids must be unique")
    return errors


@dataclass
class Posted:
    tenant: str
    conversation: str
    user_id: str
    activity: dict[str, Any]

    @property
    def card(self) -> dict[str, Any]:
        return self.activity["attachments"][0]["content"]


class FakeTeams:
    def __init__(
        self,
        *,
        app_id: str = "00000000-0000-4000-8000-0000000000b1",
        app_password: str = "bot-secret",
        clock: Callable[[], float] = time.time,
        port: int = 0,
    ) -> None:
        self.app_id, self.app_password = app_id, app_password
        self.clock = clock
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "fake-key-1"
        self.tokens: dict[str, float] = {}  # access token -> expiry
        self.users: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)  # tenant -> id -> user
        self.conversations: dict[str, tuple[str, str]] = {}  # id -> (tenant, user id)
        self.posted: list[Posted] = []
        self.calls: list[tuple[str, int]] = []  # (route, HTTP status)
        self.windows: dict[tuple[Any, ...], deque[float]] = defaultdict(deque)
        self.storm_left, self.storm_wait = 0, 1
        self.lock = threading.Lock()
        self._ids = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- set-up ----------------------------------------------------------------------

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def token_url(self) -> str:
        return self.base + "/botframework.com/oauth2/v2.0/token"

    @property
    def openid_url(self) -> str:
        return self.base + "/v1/.well-known/openidconfiguration"

    @property
    def service_url(self) -> str:
        return self.base + "/amer/"

    def start(self) -> FakeTeams:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add_user(self, tenant: str, email: str, *, name: str = "") -> dict[str, Any]:
        n = next(self._ids)
        user = {
            "id": f"29:1fake{n:06d}",
            "aadObjectId": f"aad0000{n:05d}-0000-4000-8000-000000000000"[:36],
            "email": email,
            "userPrincipalName": email,
            "name": name or email.split("@")[0],
            "tenantId": tenant,
        }
        self.users[tenant][user["id"]] = user
        return user

    def personal_chat(self, tenant: str, user_id: str) -> str:
        """The one-to-one chat of the bot and a user (as when the user installs the app)."""
        for cid, (t, u) in self.conversations.items():
            if (t, u) == (tenant, user_id):
                return cid
        cid = f"a:1fakechat{next(self._ids):06d}"
        self.conversations[cid] = (tenant, user_id)
        return cid

    def storm(self, calls: int, retry_after: int = 1) -> None:
        self.storm_left, self.storm_wait = calls, retry_after

    def jwk(self) -> dict[str, Any]:
        numbers = self.key.public_key().public_numbers()

        def b64(n: int) -> str:
            raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
            return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

        return {
            "kty": "RSA",
            "use": "sig",
            "kid": self.kid,
            "n": b64(numbers.n),
            "e": b64(numbers.e),
            "endorsements": ["msteams"],
        }

    # --- what Teams sends the bot ------------------------------------------------------

    def activity_token(
        self,
        *,
        service_url: str | None = None,
        audience: str | None = None,
        issuer: str = ISSUER,
        expires_in: float = 3600,
        key: Any = None,
        kid: str | None = None,
        now: float | None = None,
    ) -> str:
        """A Bot Framework token as the Bot Connector signs it for an activity."""
        at = self.clock() if now is None else now
        claims = {
            "iss": issuer,
            "aud": self.app_id if audience is None else audience,
            "serviceurl": self.service_url if service_url is None else service_url,
            "nbf": int(at) - 5,
            "iat": int(at) - 5,
            "exp": int(at + expires_in),
        }
        return jwt.encode(
            claims, key or self.key, algorithm="RS256", headers={"kid": kid or self.kid}
        )

    def activity(self, kind: str, tenant: str, user: dict[str, Any], **fields: Any) -> dict:
        """An activity from ``user`` in their one-to-one chat with the bot."""
        chat = self.personal_chat(tenant, user["id"])
        return {
            "type": kind,
            "id": f"f:{next(self._ids)}",
            "channelId": "msteams",
            "serviceUrl": self.service_url,
            "from": {"id": user["id"], "aadObjectId": user["aadObjectId"], "name": user["name"]},
            "recipient": {"id": f"28:{self.app_id}", "name": "Crosspaths"},
            "conversation": {"id": chat, "conversationType": "personal", "tenantId": tenant},
            "channelData": {"tenant": {"id": tenant}},
            **fields,
        }

    def installed(self, tenant: str, user: dict[str, Any]) -> dict:
        return self.activity(
            "conversationUpdate",
            tenant,
            user,
            membersAdded=[{"id": user["id"]}, {"id": f"28:{self.app_id}"}],
        )

    def click(self, tenant: str, user: dict[str, Any], verb: str, data: dict) -> dict:
        """An Action.Execute button pressed: Teams' adaptiveCard/action invoke."""
        return self.activity(
            "invoke",
            tenant,
            user,
            name="adaptiveCard/action",
            value={"action": {"type": "Action.Execute", "verb": verb, "data": data}},
        )

    # --- the HTTP side ----------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                status, body, headers = fake.handle(
                    method, urlparse(self.path).path, raw, dict(self.headers.items())
                )
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def handle(self, method: str, path: str, raw: bytes, headers: dict[str, str]):
        refused = self._card_refusal(path, raw, headers)  # outside the lock: it is the slow part
        if refused is not None:
            with self.lock:
                self.calls.append((f"{method} {path}", 400))
            return 400, refused, {}
        with self.lock:
            status, body, extra = self._route(method, path, raw, headers)
            self.calls.append((f"{method} {path}", status))
            return status, body, extra

    def _route(self, method: str, path: str, raw: bytes, headers: dict[str, str]):
        if path == urlparse(self.token_url).path and method == "POST":
            return self._token(raw, headers)
        if path == urlparse(self.openid_url).path:
            return (
                200,
                {
                    "issuer": ISSUER,
                    "authorization_endpoint": "https://invalid.botframework.com",
                    "jwks_uri": self.base + "/v1/.well-known/keys",
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "token_endpoint_auth_methods_supported": ["private_key_jwt"],
                },
                {},
            )
        if path == "/v1/.well-known/keys":
            return 200, {"keys": [self.jwk()]}, {}
        prefix = urlparse(self.service_url).path + "v3/conversations"
        if not path.startswith(prefix):
            return 404, {"error": {"code": "NotFound", "message": path}}, {}
        auth = headers.get("Authorization", "")
        expiry = (
            self.tokens.get(auth.removeprefix("Bearer ")) if auth.startswith("Bearer ") else None
        )
        if expiry is None or expiry < self.clock():
            return 401, {"message": "Authorization has been denied for this request."}, {}
        rest = [unquote(p) for p in path.removeprefix(prefix).split("/") if p]
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            return 400, _err("BadSyntax", "the body is not JSON"), {}
        if method == "POST" and not rest:
            return self._create(body)
        if not rest or rest[0] not in self.conversations:
            return 404, _err("ConversationNotFound", "Conversation not found."), {}
        tenant, user_id = self.conversations[rest[0]]
        wait = self._limited(tenant, rest[0]) if method == "POST" else None
        if wait is not None:
            return 429, _err("TooManyRequests", "rate limited"), {"Retry-After": str(wait)}
        if method == "POST" and rest[1:] == ["activities"]:
            return self._post(tenant, rest[0], user_id, body)
        if method == "GET" and len(rest) == 3 and rest[1] == "members":
            user = self.users[tenant].get(rest[2])
            if user is None or rest[2] != user_id:
                return 404, _err("MemberNotFoundInConversation", "Member not found."), {}
            return 200, {k: v for k, v in user.items() if k != "tenantId"}, {}
        return 404, _err("NotFound", path), {}

    def _token(self, raw: bytes, headers: dict[str, str]):
        form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        if form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type"}, {}
        if form.get("client_id") != self.app_id or form.get("client_secret") != self.app_password:
            return 401, {"error": "invalid_client", "error_description": "AADSTS7000215"}, {}
        if form.get("scope") != SCOPE:
            return 400, {"error": "invalid_scope", "error_description": "AADSTS70011"}, {}
        token = secrets.token_urlsafe(24)
        self.tokens[token] = self.clock() + 3600
        return 200, {"token_type": "Bearer", "expires_in": 3600, "access_token": token}, {}

    def _create(self, body: dict[str, Any]):
        tenant = str(
            body.get("tenantId")
            or (body.get("channelData") or {}).get("tenant", {}).get("id")
            or ""
        )
        members = body.get("members") or []
        if body.get("bot", {}).get("id") != f"28:{self.app_id}":
            return 400, _err("BadArgument", "bot.id must be 28:<app id>"), {}
        if body.get("isGroup") or len(members) != 1 or not tenant:
            return 400, _err("BadSyntax", "Incorrect conversation creation parameters"), {}
        user_id = str(members[0].get("id") or "")
        if user_id not in self.users.get(tenant, {}):
            return 403, _err("Forbidden", "The bot is not installed for this user."), {}
        wait = self._limited(tenant, "create")
        if wait is not None:
            return 429, _err("TooManyRequests", "rate limited"), {"Retry-After": str(wait)}
        return 201, {"id": self.personal_chat(tenant, user_id)}, {}

    def _post(self, tenant: str, conversation: str, user_id: str, body: dict[str, Any]):
        if body.get("type") != "message":
            return 400, _err("BadArgument", "type must be message"), {}
        attachments = body.get("attachments") or []
        if not body.get("text") and not attachments:
            return 400, _err("BadArgument", "text or attachments required"), {}
        if len(json.dumps(body).encode()) > MAX_MESSAGE:
            return 413, _err("MessageSizeTooBig", "over 28 KB"), {}
        self.posted.append(Posted(tenant, conversation, user_id, body))
        return 201, {"id": f"1{next(self._ids):012d}"}, {}

    def _authorized(self, headers: dict[str, str]) -> bool:
        auth = headers.get("Authorization", "")
        expiry = (
            self.tokens.get(auth.removeprefix("Bearer ")) if auth.startswith("Bearer ") else None
        )
        return expiry is not None and expiry >= self.clock()

    def _card_refusal(self, path: str, raw: bytes, headers: dict[str, str]) -> dict | None:
        """Teams' 400 for an activity whose Adaptive Card it would not render."""
        if not path.endswith("/activities") or not self._authorized(headers):
            return None
        try:
            body = json.loads(raw)
        except ValueError:
            return None
        for attachment in (body.get("attachments") or []) if isinstance(body, dict) else []:
            if isinstance(attachment, dict) and attachment.get("contentType") == ADAPTIVE:
                problems = card_errors(attachment.get("content"))
                if problems:
                    return _err("BadArgument", "; ".join(problems))
        return None

    def _limited(self, tenant: str, conversation: str) -> int | None:
        if self.storm_left > 0:
            self.storm_left -= 1
            return self.storm_wait
        now = self.clock()
        checks = [((conversation, per), calls, per) for calls, per in LIMITS]
        checks.append(((tenant, TENANT_LIMIT[1]), TENANT_LIMIT[0], TENANT_LIMIT[1]))
        for key, calls, per in checks:
            window = self.windows[key]
            while window and window[0] <= now - per:
                window.popleft()
            if len(window) >= calls:
                return max(1, math.ceil(window[0] + per - now))
        for key, _calls, _per in checks:
            self.windows[key].append(now)
        return None

    def cards(self) -> list[Posted]:
        return [p for p in self.posted if p.activity.get("attachments")]


def _err(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}
