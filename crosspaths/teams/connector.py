"""The Bot Connector REST API, called directly (docs/decisions.md says why not the SDK).

* ``access_token``: the Microsoft identity platform's client-credentials grant (one
  form POST to ``TEAMS_TOKEN_URL`` with the bot's app id and secret, scope
  ``https://api.botframework.com/.default``); the token is kept until five minutes
  before it expires, per process, on the project's clock.
* ``create_conversation``: POST {serviceUrl}/v3/conversations for a one-to-one chat
  (Teams lets a bot start one-to-one chats only, never a group chat).
* ``send_activity``: POST {serviceUrl}/v3/conversations/{id}/activities.
* ``get_member``: GET {serviceUrl}/v3/conversations/{id}/members/{userId} (the member's
  e-mail address and user principal name, to link them to a person).

Failures come back as ``ConnectorError`` (the HTTP status, Teams' error code, and the
``Retry-After`` seconds of a 429) or as ``requests`` exceptions; ``not_sent`` tells a
connection that was never made (nothing can have been posted) from one that broke
after the request went out.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import requests
from django.conf import settings

from crosspaths import clock

_tokens: dict[tuple[str, str], tuple[str, Any]] = {}
_lock = threading.Lock()


class ConnectorError(Exception):
    def __init__(self, status: int, code: str, message: str, retry_after: int | None = None):
        super().__init__(f"HTTP {status} {code}: {message}".strip())
        self.status, self.code, self.retry_after = status, code, retry_after


class TokenError(ConnectorError):
    """The identity platform refused the bot's credentials (or could not be reached)."""


def _timeout() -> float:
    return max(1.0, float(settings.TEAMS_TIMEOUT_SECONDS))


def _retry_after(response: requests.Response) -> int | None:
    if response.status_code != 429:
        return None
    try:
        return max(1, int(response.headers.get("Retry-After", "")))
    except ValueError:
        return 60  # Teams normally says; a minute if it does not


def _error(response: requests.Response, kind: type[ConnectorError] = ConnectorError):
    try:
        body = response.json()
    except ValueError:
        body = {}
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        code, text = str(error.get("code") or ""), str(error.get("message") or "")
    else:
        code = str(error or "")
        text = str(body.get("error_description") or "") if isinstance(body, dict) else ""
    return kind(response.status_code, code, text[:500], _retry_after(response))


def access_token(*, fresh: bool = False) -> str:
    """A Bot Connector token for the app, from the cache unless ``fresh``."""
    key = (settings.TEAMS_TOKEN_URL, settings.TEAMS_APP_ID)
    with _lock:
        cached = _tokens.get(key)
        if cached and not fresh and cached[1] > clock.now():
            return cached[0]
    response = requests.post(
        settings.TEAMS_TOKEN_URL,
        data={
            "grant_type": "client_credentials",
            "client_id": settings.TEAMS_APP_ID,
            "client_secret": settings.TEAMS_APP_PASSWORD,
            "scope": settings.TEAMS_TOKEN_SCOPE,
        },
        timeout=_timeout(),
    )
    if response.status_code != 200:
        raise _error(response, TokenError)
    body = response.json()
    token = str(body.get("access_token") or "")
    if not token:
        raise TokenError(response.status_code, "no_token", "the token answer had no token")
    lifetime = int(body.get("expires_in") or 3600)
    with _lock:
        _tokens[key] = (token, clock.now() + timedelta(seconds=max(0, lifetime - 300)))
    return token


def forget_tokens() -> None:
    with _lock:
        _tokens.clear()


def _call(method: str, url: str, body: dict | None = None) -> dict[str, Any]:
    response = requests.request(
        method,
        url,
        json=body,
        headers={"Authorization": f"Bearer {access_token()}"},
        timeout=_timeout(),
    )
    if response.status_code == 401:  # a token revoked early: one fresh try is safe here
        forget_tokens()
        raise _error(response)
    if response.status_code >= 300:
        raise _error(response)
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    return answer if isinstance(answer, dict) else {}


def _base(service_url: str) -> str:
    return service_url.rstrip("/")


def create_conversation(*, service_url: str, tenant_id: str, user_id: str, bot_id: str = "") -> str:
    """The one-to-one chat between the bot and ``user_id`` (Teams answers with the
    existing one when there is one, so creating it twice is harmless)."""
    answer = _call(
        "POST",
        f"{_base(service_url)}/v3/conversations",
        {
            "bot": {"id": f"28:{bot_id or settings.TEAMS_APP_ID}"},
            "members": [{"id": user_id}],
            "isGroup": False,
            "tenantId": tenant_id,
            "channelData": {"tenant": {"id": tenant_id}},
        },
    )
    conversation = str(answer.get("id") or "")
    if not conversation:
        raise ConnectorError(200, "no_conversation", "the answer named no conversation")
    return conversation


def send_activity(*, service_url: str, conversation_id: str, activity: dict[str, Any]) -> str:
    answer = _call(
        "POST",
        f"{_base(service_url)}/v3/conversations/{quote(conversation_id, safe='')}/activities",
        activity,
    )
    return str(answer.get("id") or "")


def get_member(*, service_url: str, conversation_id: str, user_id: str) -> dict[str, Any]:
    return _call(
        "GET",
        f"{_base(service_url)}/v3/conversations/{quote(conversation_id, safe='')}"
        f"/members/{quote(user_id, safe='')}",
    )


def not_sent(error: BaseException) -> bool:
    """The connection was never made: nothing can have reached Teams."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    if isinstance(error, requests.ConnectionError):
        seen: BaseException | None = error
        for _ in range(6):
            if seen is None:
                break
            if type(seen).__name__ in ("NewConnectionError", "NameResolutionError"):
                return True
            if isinstance(seen, ConnectionRefusedError):
                return True
            inner = getattr(seen, "reason", None)
            if inner is None and seen.args and isinstance(seen.args[0], BaseException):
                inner = seen.args[0]
            seen = inner
    return False
