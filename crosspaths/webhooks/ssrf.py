"""Where a webhook may go: not to the machine itself or the networks behind it.

An endpoint's URL is checked when it is saved and again before every attempt (its
name may resolve elsewhere by then): every address the host name resolves to must be
a public one. Loopback, private (RFC 1918, unique-local), link-local (cloud metadata
at 169.254.169.254), carrier-grade NAT, multicast, reserved and unspecified addresses
are refused, unless ``WEBHOOKS_ALLOW_PRIVATE`` (on by default with DEBUG, and in the
tests that deliver to a receiver on loopback). Redirects are never followed, so a
public endpoint cannot bounce a delivery inward."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class UnsafeUrl(ValueError):
    """A URL a webhook must not be sent to; the message says why."""


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise UnsafeUrl(_("The host name %(host)s cannot be resolved.") % {"host": host}) from error
    found = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        mapped = getattr(address, "ipv4_mapped", None)
        found.append(mapped or address)
    return found


def url_check(url: str) -> None:
    """Raise UnsafeUrl unless ``url`` is http(s) to a host whose every address is public
    (or private addresses are allowed by the settings)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeUrl(_("Give an http:// or https:// address."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise UnsafeUrl(_("The port of this address is not a number.")) from error
    if settings.WEBHOOKS_ALLOW_PRIVATE:
        return
    for address in _addresses(parts.hostname, port):
        if not address.is_global or address.is_multicast:
            raise UnsafeUrl(
                _(
                    "%(host)s resolves to %(address)s, an address inside a private network "
                    "or of this machine; webhooks go only to public addresses."
                )
                % {"host": parts.hostname, "address": address}
            )
