"""Intranet origins for the frame-ancestors allow-list: scheme, host and an optional
port, nothing else, because that is what a CSP source for a framing page is and what
a browser compares. HTTPS only, unless ``INTRANET_ALLOW_HTTP_ORIGINS`` (on in
development) allows plain HTTP for loopback tests."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_ORIGINS = 20
# A DNS name (labels of letters, digits and hyphens) or an IPv4 address; no wildcards:
# "*.sharepoint.com" would let every tenant of SharePoint frame the card.
HOST = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)


def origin_clean(text: str, *, allow_http: bool | None = None) -> str:
    """``text`` as an origin (``https://host[:port]``, lower case), or ValidationError
    saying what is wrong with it."""
    if allow_http is None:
        allow_http = settings.INTRANET_ALLOW_HTTP_ORIGINS
    value = text.strip()
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise ValidationError(_("“%(value)s” is not a web address.") % {"value": value}) from None
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme.lower() not in schemes:
        raise ValidationError(
            _("“%(value)s” must start with https:// (pages framing the card must use HTTPS).")
            % {"value": value}
        )
    host = (parts.hostname or "").lower()
    if parts.username or parts.password or not HOST.match(host):
        raise ValidationError(
            _("“%(value)s” needs a host name such as intranet.example.com.") % {"value": value}
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment or value.endswith("?"):
        raise ValidationError(
            _(
                "“%(value)s” has a path; give only the scheme and host, e.g. "
                "https://%(host)s (the whole site of that host may frame the card)."
            )
            % {"value": value, "host": host}
        )
    origin = f"{parts.scheme.lower()}://{host}"
    return f"{origin}:{port}" if port is not None else origin


def origins_clean(text: str, *, allow_http: bool | None = None) -> list[str]:
    """One origin a line (blank lines ignored, duplicates once), or ValidationError
    listing every bad line with its number."""
    origins: list[str] = []
    errors: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            origin = origin_clean(line, allow_http=allow_http)
        except ValidationError as e:
            errors.append(_("Line %(line)d: %(error)s") % {"line": number, "error": e.messages[0]})
            continue
        if origin not in origins:
            origins.append(origin)
    if errors:
        raise ValidationError(errors)
    if len(origins) > MAX_ORIGINS:
        raise ValidationError(
            _("Give at most %(most)d origins (you gave %(count)d).")
            % {"most": MAX_ORIGINS, "count": len(origins)}
        )
    return origins
