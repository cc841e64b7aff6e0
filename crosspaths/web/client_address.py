"""The client's address as the sign-in limits see it: the person, not the company's
proxy. Headers are believed only as far as the operator says proxies stand in front
(``TRUSTED_PROXY_COUNT``), because any client can send its own X-Forwarded-For."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip


def client_address(request: HttpRequest) -> str | None:
    """With no trusted proxy, the socket's address. With N proxies that each append to
    X-Forwarded-For, the address the outermost one saw: the N-th entry from the right
    of ``X-Forwarded-For, REMOTE_ADDR`` (django-ipware's proxy count counts the hops
    listed in the header, which is one fewer). Anything a client wrote to the left of
    that is ignored; a header too short to hold it falls back to the socket."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    address, _routable = get_client_ip(
        request,
        proxy_order="left-most",
        proxy_count=proxies - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
    )
    return address or remote
