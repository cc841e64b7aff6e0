"""A local fake of Slack's Web API on loopback, checking what Slack checks.

Used by the tests (``tests/slack/conftest.py``) and by ``bench/slack.py``. Point
``SLACK_API_URL`` at ``fake.api_url``. What it checks, per call:

* the bot token (``Authorization: Bearer``): known, not revoked, of the workspace;
  oauth.v2.access instead takes the app's client id and secret (HTTP Basic or form) and
  a one-time code issued for that redirect URI;
* required arguments (``channel``, ``users``, ``email``, ...), with Slack's error codes;
* conversations.open: every user is a member of that workspace, 1-8 users;
* chat.postMessage: the channel was opened by this token's workspace, ``text`` or
  ``blocks``, and the blocks are valid Block Kit: at most 50, each parsed by
  ``slack_sdk.models.blocks`` into a known type and passing its ``to_dict()`` checks
  on the block and every element (the SDK's limits: header 150, section text 3,000, 10 fields of 2,000, 25 action
  elements, 10 context elements, button text 75, url 3,000, ...), unique ``action_id``s per message, text of
  at most 40,000 characters (``invalid_blocks``/``msg_too_long`` otherwise);
* views.publish (the App Home tab): ``user_id`` of a user of the workspace and a
  ``view`` (JSON) of type ``home`` that ``slack_sdk.models.views.View`` accepts (1-100
  blocks, no submit/close, private_metadata of at most 3,000 characters), its blocks
  checked as chat.postMessage's; the last view published per user is kept
  (``homes``);
* rate limits per workspace and method in a sliding minute (``TIERS``), answered with
  HTTP 429, ``{"ok": false, "error": "ratelimited"}`` and ``Retry-After`` (seconds until
  the oldest call leaves the window); ``storm(n, retry_after)`` answers the next n calls
  with 429 whatever the counts.

The fake's clock is injectable (``clock``): the tests pass the project's frozen clock,
so a Retry-After is over when the test moves time on.
"""

from __future__ import annotations

import base64
import itertools
import json
import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

# Calls per minute per workspace (Slack's tiers: Tier 2 20+, Tier 3 50+, Tier 4 100+;
# chat.postMessage is "special": about one message per second per channel, with bursts,
# here as a per-workspace minute budget). Real Slack allows bursts above these.
TIERS: dict[str, int] = {
    "chat.postMessage": 60,
    "chat.postEphemeral": 100,
    "conversations.open": 50,
    "users.lookupByEmail": 50,
    "users.info": 100,
    "views.publish": 100,
    "auth.revoke": 50,
    "oauth.v2.access": 100,
}
WINDOW = 60.0
MAX_TEXT = 40_000


@dataclass
class Team:
    id: str
    name: str
    users: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> user


@dataclass
class Posted:
    team: str
    method: str
    channel: str
    body: dict[str, Any]


class FakeSlack:
    def __init__(
        self,
        *,
        client_id: str = "111.222",
        client_secret: str = "client-secret",
        clock: Callable[[], float] = time.time,
        port: int = 0,
        tiers: dict[str, int] | None = None,
    ) -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.clock = clock
        self.tiers = dict(TIERS if tiers is None else tiers)
        self.teams: dict[str, Team] = {}
        self.tokens: dict[str, str] = {}  # token -> team id
        self.revoked: set[str] = set()
        self.codes: dict[str, tuple[str, str]] = {}  # code -> (team id, redirect uri)
        self.conversations: dict[tuple[str, frozenset[str]], str] = {}
        self.channels: dict[str, str] = {}  # channel id -> team id
        self.posted: list[Posted] = []
        self.homes: dict[tuple[str, str], dict[str, Any]] = {}  # (team, user) -> view
        self.calls: list[tuple[str, int]] = []  # (method, HTTP status)
        self.windows: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self.storm_left = 0
        self.storm_wait = 1
        self.lock = threading.Lock()
        self._ids = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- set-up ----------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/api/"

    def start(self) -> FakeSlack:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add_team(self, team_id: str, name: str) -> Team:
        self.teams[team_id] = Team(team_id, name)
        return self.teams[team_id]

    def add_user(self, team_id: str, email: str, *, user_id: str = "", **extra: Any) -> str:
        user_id = user_id or f"U{next(self._ids):08d}"
        self.teams[team_id].users[user_id] = {
            "id": user_id,
            "team_id": team_id,
            "deleted": False,
            "is_bot": False,
            "profile": {"email": email},
            **extra,
        }
        return user_id

    def issue_token(self, team_id: str) -> str:
        token = f"xoxb-{team_id}-{next(self._ids)}"
        self.tokens[token] = team_id
        return token

    def issue_code(self, team_id: str, redirect_uri: str) -> str:
        code = f"code-{next(self._ids)}"
        self.codes[code] = (team_id, redirect_uri)
        return code

    def storm(self, calls: int, retry_after: int = 1) -> None:
        """The next ``calls`` calls of any method answer 429."""
        self.storm_left, self.storm_wait = calls, retry_after

    def messages(self, method: str = "chat.postMessage") -> list[Posted]:
        return [p for p in self.posted if p.method == method]

    # --- the API ----------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                self._serve()

            def do_POST(self) -> None:
                self._serve()

            def _serve(self) -> None:
                url = urlparse(self.path)
                method = url.path.removeprefix("/api/")
                args = {k: v[0] for k, v in parse_qs(url.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                kind = self.headers.get("Content-Type", "")
                if raw and kind.startswith("application/json"):
                    try:
                        args.update(json.loads(raw))
                    except ValueError:
                        return self._answer(200, {"ok": False, "error": "invalid_json"})
                elif raw:
                    args.update({k: v[0] for k, v in parse_qs(raw.decode()).items()})
                status, body, headers = fake.call(method, args, dict(self.headers.items()))
                self._answer(status, body, headers)

            def _answer(self, status: int, body: dict, headers: dict | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def call(
        self, method: str, args: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, dict, dict]:
        with self.lock:
            status, body, extra = self._call(method, args, headers)
            self.calls.append((method, status))
            return status, body, extra

    def _rate_limited(self, team_id: str, method: str) -> int | None:
        """Seconds to wait, if this call is over the limit; else counts it."""
        if self.storm_left > 0:
            self.storm_left -= 1
            return self.storm_wait
        limit = self.tiers.get(method)
        if not limit:
            return None
        now = self.clock()
        window = self.windows[(team_id, method)]
        while window and window[0] <= now - WINDOW:
            window.popleft()
        if len(window) >= limit:
            return max(1, math.ceil(window[0] + WINDOW - now))
        window.append(now)
        return None

    def _call(self, method: str, args: dict[str, Any], headers: dict[str, str]):
        handler = getattr(self, "api_" + method.replace(".", "_"), None)
        if handler is None:
            return 404, {"ok": False, "error": "unknown_method"}, {}
        if method == "oauth.v2.access":
            return (200, *handler(args, headers))
        auth = headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            return 200, {"ok": False, "error": "not_authed"}, {}
        token = auth.removeprefix("Bearer ")
        if token in self.revoked:
            return 200, {"ok": False, "error": "token_revoked"}, {}
        team_id = self.tokens.get(token)
        if team_id is None:
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        wait = self._rate_limited(team_id, method)
        if wait is not None:
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(wait)}
        body, extra = handler(self.teams[team_id], token, args)
        return 200, body, extra

    # Each api_ method returns (body, extra headers).

    def api_oauth_v2_access(self, args: dict, headers: dict) -> tuple[dict, dict]:
        client_id, secret = args.get("client_id"), args.get("client_secret")
        auth = headers.get("Authorization", "")
        if auth.startswith("Basic "):
            client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        if client_id != self.client_id or secret != self.client_secret:
            return {"ok": False, "error": "invalid_client_id"}, {}
        issued = self.codes.pop(str(args.get("code", "")), None)
        if issued is None:
            return {"ok": False, "error": "invalid_code"}, {}
        team_id, redirect_uri = issued
        if args.get("redirect_uri", redirect_uri) != redirect_uri:
            return {"ok": False, "error": "bad_redirect_uri"}, {}
        team = self.teams[team_id]
        return {
            "ok": True,
            "access_token": self.issue_token(team_id),
            "token_type": "bot",
            "scope": "chat:write,im:write,mpim:write,users:read,users:read.email,commands",
            "bot_user_id": "UBOT",
            "app_id": "A0CROSSPATHS",
            "team": {"id": team.id, "name": team.name},
            "enterprise": None,
        }, {}

    def api_auth_revoke(self, team: Team, token: str, args: dict) -> tuple[dict, dict]:
        self.revoked.add(token)
        return {"ok": True, "revoked": True}, {}

    def api_users_lookupByEmail(self, team: Team, token: str, args: dict) -> tuple[dict, dict]:
        email = str(args.get("email") or "")
        if not email:
            return {"ok": False, "error": "invalid_arguments"}, {}
        for user in team.users.values():
            if user["profile"]["email"].lower() == email.lower():
                return {"ok": True, "user": user}, {}
        return {"ok": False, "error": "users_not_found"}, {}

    def api_users_info(self, team: Team, token: str, args: dict) -> tuple[dict, dict]:
        user = team.users.get(str(args.get("user") or ""))
        if user is None:
            return {"ok": False, "error": "user_not_found"}, {}
        return {"ok": True, "user": user}, {}

    def api_conversations_open(self, team: Team, token: str, args: dict) -> tuple[dict, dict]:
        users = [u for u in str(args.get("users") or "").split(",") if u]
        if not users:
            return {"ok": False, "error": "users_list_not_supplied"}, {}
        if len(users) > 8:
            return {"ok": False, "error": "too_many_users"}, {}
        if any(u not in team.users for u in users):
            return {"ok": False, "error": "user_not_found"}, {}
        key = (team.id, frozenset(users))
        if key not in self.conversations:
            prefix = "D" if len(users) == 1 else "G"
            self.conversations[key] = f"{prefix}{next(self._ids):08d}"
            self.channels[self.conversations[key]] = team.id
        return {"ok": True, "channel": {"id": self.conversations[key]}}, {}

    def _channel_error(self, team: Team, args: dict) -> str:
        channel = str(args.get("channel") or "")
        if not channel:
            return "channel_not_found"
        if self.channels.get(channel) != team.id:
            return "channel_not_found"
        return ""

    def api_chat_postMessage(self, team: Team, token: str, args: dict) -> tuple[dict, dict]:
        error = self._channel_error(team, args) or blocks_error(args)
        if error:
            return {"ok": False, "error": error}, {}
        self.posted.append(Posted(team.id, "chat.postMessage", args["channel"], args))
        return {"ok": True, "channel": args["channel"], "ts": f"{next(self._ids)}.000100"}, {}

    def api_chat_postEphemeral(self, team: Team, token: str, args: dict) -> tuple[dict, dict]:
        error = self._channel_error(team, args) or blocks_error(args)
        if not error and str(args.get("user") or "") not in team.users:
            error = "user_not_in_channel"
        if error:
            return {"ok": False, "error": error}, {}
        self.posted.append(Posted(team.id, "chat.postEphemeral", args["channel"], args))
        return {"ok": True, "message_ts": f"{next(self._ids)}.000200"}, {}

    def api_views_publish(self, team: Team, token: str, args: dict) -> tuple[dict, dict]:
        user_id, view = str(args.get("user_id") or ""), args.get("view")
        if not user_id or view is None:
            return {"ok": False, "error": "invalid_arguments"}, {}
        if user_id not in team.users:
            return {"ok": False, "error": "user_not_found"}, {}
        error = view_error(view)
        if isinstance(view, str) and not error:
            view = json.loads(view)
        if error:
            return {"ok": False, "error": error}, {}
        self.homes[(team.id, user_id)] = view
        self.posted.append(Posted(team.id, "views.publish", user_id, args))
        return {"ok": True, "view": {"id": f"V{next(self._ids):08d}", **view}}, {}


def view_error(view: Any) -> str:
    """Slack's error code for a home view it would refuse, or ""."""
    if isinstance(view, str):  # form-encoded calls send the view as JSON text
        try:
            view = json.loads(view)
        except ValueError:
            return "invalid_arguments"
    if not isinstance(view, dict) or view.get("type") != "home":
        return "invalid_arguments"
    blocks = view.get("blocks")
    if not isinstance(blocks, list) or not 1 <= len(blocks) <= 100:
        return "invalid_arguments"
    problem = _blocks_problem(blocks, limit=100)
    if problem:
        return problem
    try:
        View(**view).to_dict()  # type, title, submit/close, metadata and block count
    except (SlackObjectFormationError, TypeError, ValueError):
        return "invalid_arguments"
    return ""


def blocks_error(args: dict[str, Any]) -> str:
    """Slack's error code for a message it would refuse, or ""."""
    text, blocks = args.get("text"), args.get("blocks")
    if isinstance(blocks, str):  # form-encoded calls send blocks as JSON text
        try:
            blocks = json.loads(blocks)
        except ValueError:
            return "invalid_blocks_format"
    if not text and not blocks:
        return "no_text"
    if text and len(str(text)) > MAX_TEXT:
        return "msg_too_long"
    if blocks is None:
        return ""
    return _blocks_problem(blocks, limit=50)


def _blocks_problem(blocks: Any, *, limit: int) -> str:
    if not isinstance(blocks, list) or len(blocks) > limit:
        return "invalid_blocks"
    action_ids: list[str] = []
    for raw in blocks:
        if not isinstance(raw, dict):
            return "invalid_blocks"
        try:
            block = Block.parse(raw)
            if block is None:
                return "invalid_blocks"
            block.to_dict()  # validates the block and every element in it
        except (SlackObjectFormationError, TypeError, ValueError):
            return "invalid_blocks"
        if any(len(str(f.get("text", ""))) > 2000 for f in raw.get("fields") or []):
            return "invalid_blocks"  # Slack's limit; the SDK does not check this one
        for element in raw.get("elements") or []:
            if isinstance(element, dict) and "action_id" in element:
                action_ids.append(str(element["action_id"]))
    if len(action_ids) != len(set(action_ids)):
        return "invalid_blocks"
    return ""
