"""Channels: one module per way a message reaches people.

Each module turns a ``MessageContent`` (``notify/content.py``) into what its platform
takes: ``email`` an ``EmailMultiAlternatives`` (the templates under
``templates/emails/``), ``slack`` a Block Kit message, ``teams`` an Adaptive Card.

Delivery goes through a ``Transport``: the outbox (``notify/services.py``) claims a
row, builds its content once and hands both to the transport of the row's channel;
the transport says how a failure is to be treated (the whole channel is unreachable,
the message is refused for good, or the platform asked to wait). The outbox's
guarantees (claim before sending, at most one sub-batch in doubt, back-off, "send
again") therefore hold for every channel. Chat transports are registered in
``TRANSPORTS`` when they exist; a row on a channel without one waits with back-off and
finally fails with the reason, visible in the admin.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Protocol, TypeGuard

from ..content import MessageContent
from ..models import Message
from .email import EmailTransport


class Transport(Protocol):
    """Sends rendered messages on one channel, keeping a connection for a batch."""

    channel: str

    def send(self, message: Message, content: MessageContent) -> None:
        """Deliver one message or raise; the outbox has claimed it already."""

    def reset(self) -> None:
        """Forget the connection after a failure; the next send opens a new one."""

    def close(self) -> None:
        """End of the batch."""

    def unreachable(self, error: Exception) -> bool:
        """The platform, not this message, is the problem: stop the batch."""

    def permanent(self, error: Exception) -> bool:
        """This message will never be accepted: fail it now."""

    def retry_after(self, error: Exception) -> timedelta | None:
        """How long the platform asked us to wait (a rate limit), if it did."""


class PipelinedTransport(Transport, Protocol):
    """A transport whose ``send`` returns once the message is handed over (e-mail over
    SMTP: a sender thread talks to the server); each message's answer comes later."""

    pipelined: bool

    def outcomes(self, *, wait: bool = False) -> list[tuple[Message, Exception | None]]:
        """The answers since the last call, in sending order: None when the platform
        took the message, else the error. ``wait``: until every message has one."""


def pipelined(transport: Transport) -> TypeGuard[PipelinedTransport]:
    """Whether the outbox must collect ``transport``'s answers from ``outcomes``."""
    return bool(getattr(transport, "pipelined", False))


class NoTransport(Exception):
    """Messages on this channel cannot be delivered by this installation (yet)."""


# channel -> factory; the chat apps add theirs.
TRANSPORTS: dict[str, Callable[[], Transport]] = {"email": EmailTransport}


def transport_for(channel: str) -> Transport:
    try:
        factory = TRANSPORTS[channel]
    except KeyError:
        raise NoTransport(f"no transport for the {channel} channel is set up") from None
    return factory()
