"""Is this request from the Bot Framework? The JWT bearer on every activity.

Teams (through the Bot Connector service) sends each activity with
``Authorization: Bearer <JWT>``. It is accepted only when, as Microsoft's "Authenticate
requests from the Bot Connector service" asks:

* it is signed with RS256 by a key in the JWKS named by the OpenID metadata
  (``TEAMS_OPENID_URL``; cached a day, fetched again for an unknown key id at most once
  a minute so forged key ids cannot make us hammer the endpoint), and a key that lists
  ``endorsements`` must endorse the ``msteams`` channel;
* ``iss`` is ``TEAMS_TOKEN_ISSUER`` (https://api.botframework.com);
* ``aud`` is our bot's app id (``TEAMS_APP_ID``): a token for another bot is refused;
* it has not expired and is already valid (``exp``/``nbf`` with five minutes of clock
  skew, measured on the project's clock, never the machine's);
* its ``serviceurl`` claim equals the activity's ``serviceUrl``: the service URL is where
  we later send our own token, so an activity cannot point us elsewhere.

Unsigned tokens (``alg: none``), HMAC-signed ones and anything malformed are refused.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from typing import Any

import jwt
import requests
from django.conf import settings

from crosspaths import clock

logger = logging.getLogger(__name__)
LEEWAY = 300
KEYS_TTL = timedelta(hours=24)
REFETCH_GAP = timedelta(seconds=60)
CHANNEL = "msteams"

_keys: dict[str, dict[str, Any]] = {}
_state: dict[str, Any] = {"fetched": None, "url": None}
_lock = threading.Lock()


def forget_keys() -> None:
    with _lock:
        _keys.clear()
        _state.update(fetched=None, url=None)


def _fetch() -> None:
    timeout = max(1.0, float(settings.TEAMS_TIMEOUT_SECONDS))
    metadata = requests.get(settings.TEAMS_OPENID_URL, timeout=timeout).json()
    jwks = requests.get(str(metadata["jwks_uri"]), timeout=timeout).json()
    keys = {str(k.get("kid")): k for k in jwks.get("keys", []) if isinstance(k, dict)}
    _keys.clear()
    _keys.update(keys)
    _state.update(fetched=clock.now(), url=settings.TEAMS_OPENID_URL)


def _key(kid: str) -> dict[str, Any] | None:
    with _lock:
        now = clock.now()
        fetched = _state["fetched"]
        stale = (
            fetched is None
            or _state["url"] != settings.TEAMS_OPENID_URL
            or now - fetched > KEYS_TTL
        )
        if stale or (kid not in _keys and now - fetched > REFETCH_GAP):
            try:
                _fetch()
            except (requests.RequestException, ValueError, KeyError, TypeError) as error:
                logger.warning("could not fetch the Bot Framework signing keys: %s", error)
        return _keys.get(kid)


def activity_claims(*, authorization: str, service_url: str) -> dict[str, Any] | None:
    """The token's claims when the request is from the Bot Framework for our bot, else None."""
    if not settings.TEAMS_APP_ID or not authorization.startswith("Bearer "):
        return None
    token = authorization.removeprefix("Bearer ").strip()
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        return None
    if header.get("alg") != "RS256" or not header.get("kid"):
        return None
    jwk = _key(str(header["kid"]))
    if jwk is None:
        return None
    endorsements = jwk.get("endorsements")
    if isinstance(endorsements, list) and CHANNEL not in endorsements:
        return None
    try:
        key = jwt.PyJWK(jwk, algorithm="RS256").key
        claims = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            audience=settings.TEAMS_APP_ID,
            issuer=settings.TEAMS_TOKEN_ISSUER,
            options={
                "require": ["exp", "iss", "aud"],
                # Time is checked below on the project's clock.
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
            },
        )
    except (jwt.PyJWTError, ValueError, TypeError):
        return None
    now = clock.now().timestamp()
    try:
        if float(claims["exp"]) + LEEWAY < now:
            return None
        if "nbf" in claims and float(claims["nbf"]) - LEEWAY > now:
            return None
    except (TypeError, ValueError):
        return None
    claimed = str(claims.get("serviceurl") or claims.get("serviceUrl") or "")
    if not claimed or claimed.rstrip("/") != str(service_url or "").rstrip("/"):
        return None
    return claims
