"""Where a webhook may go: not to the machine itself or the networks behind it.

An endpoint's URL is checked when it is saved and again before every attempt (its
name may resolve elsewhere by then): every address the host name resolves to must be
a public one. Loopback, private (RFC 1918, unique-local), link-local (cloud metadata
at 169.254.169.254), carrier-grade NAT, multicast, reserved and unspecified addresses
are refused, unless ``WEBHOOKS_ALLOW_PRIVATE`` (on by default with DEBUG, and in the
tests that deliver to a receiver on loopback). Redirects are never followed, so a
public endpoint cannot bounce a delivery inward.

Against DNS rebinding (a name that resolves to a public address for the check and to
an inward one a moment later, when the connection is made), the connection itself is
made to the address that was checked: ``PinnedAdapter`` resolves, checks and connects
in one step, keeping the host name for TLS (SNI and certificate checks). Deliveries
therefore use no HTTP(S)_PROXY from the environment."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool


class UnsafeUrl(ValueError):
    """A URL a webhook must not be sent to; the message says why."""


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError, ValueError) as error:  # gaierror is an OSError
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
    if not settings.WEBHOOKS_ALLOW_PRIVATE:
        checked_address(parts.hostname, port)


def checked_address(host: str, port: int) -> str:
    """The address to connect to for ``host``: the first it resolves to, once every one
    of them was found public (UnsafeUrl otherwise)."""
    addresses = _addresses(host, port)
    for address in addresses:
        if not address.is_global or address.is_multicast:
            raise UnsafeUrl(
                _(
                    "%(host)s resolves to %(address)s, an address inside a private network "
                    "or of this machine; webhooks go only to public addresses."
                )
                % {"host": host, "address": address}
            )
    if not addresses:
        raise UnsafeUrl(_("The host name %(host)s cannot be resolved.") % {"host": host})
    return str(addresses[0])


class _Pinned:
    """A urllib3 connection that connects to the address it checked itself."""

    _dns_host: str
    port: int

    def _new_conn(self) -> Any:
        if settings.WEBHOOKS_ALLOW_PRIVATE:
            return super()._new_conn()  # type: ignore[misc]  # urllib3's connection hook is private, not in its stubs
        name = self._dns_host
        self._dns_host = checked_address(name, self.port)
        try:
            return super()._new_conn()  # type: ignore[misc]  # urllib3's connection hook is private, not in its stubs
        finally:
            self._dns_host = name


class _PinnedHTTP(_Pinned, HTTPConnection):
    pass


class _PinnedHTTPS(_Pinned, HTTPSConnection):
    pass


class _PinnedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PinnedHTTP


class _PinnedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPS


class PinnedAdapter(HTTPAdapter):
    """requests' adapter whose connections are made to checked addresses only."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _PinnedHTTPPool,
            "https": _PinnedHTTPSPool,
        }
