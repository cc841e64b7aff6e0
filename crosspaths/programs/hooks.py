"""Calls from programs (and meetings, on the floor above it) into apps further up.

Programs is a low floor (docs/decisions.md, "Layers"): it may not import notify,
insights or webhooks, which all import programs. Yet publishing a round must write its
messages, closing one must queue its figures, and a change must reach the webhook
endpoints, all inside the same transaction as before. So programs calls a hook declared
here, and the app that does the work plugs its function in from ``AppConfig.ready``.

Each hook has exactly one handler, called synchronously like the import it replaces.
Calling a hook nobody plugged in is a configuration error (an app missing from
INSTALLED_APPS), never a silent no-op: a round published without its messages would
look fine and reach nobody.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured


class Hook:
    """One call a low app makes and a higher app answers."""

    def __init__(self, name: str, answered_by: str) -> None:
        self.name = name
        self.answered_by = answered_by  # for the error message and the reader
        self.handler: Callable[..., Any] | None = None

    def plug(self, handler: Callable[..., Any]) -> None:
        """Answer this hook with ``handler``; plugging the same one again is harmless,
        another one is a configuration error rather than a silent replacement."""
        if self.handler is not None and self.handler is not handler:
            raise ImproperlyConfigured(f"two handlers for the hook {self.name!r}")
        self.handler = handler

    def __call__(self, **kwargs: Any) -> Any:
        if self.handler is None:
            raise ImproperlyConfigured(
                f"nothing answers the hook {self.name!r}: is {self.answered_by} installed?"
            )
        return self.handler(**kwargs)


# A published round's messages: ``(*, round, now) -> int`` rows written.
round_messages_write = Hook("round_messages_write", "crosspaths.notify")
# A moved group's "new time" messages: ``(*, match, now) -> int`` rows written.
reschedule_messages_write = Hook("reschedule_messages_write", "crosspaths.notify")
# A closed round's final figures, queued after commit: ``(*, round_id) -> None``.
round_figures_enqueue = Hook("round_figures_enqueue", "crosspaths.insights")


class WebhookEvents:
    """``webhooks.events`` as the floors below it see it (same names, same arguments)."""

    # One event: ``(*, organization_id, type, data) -> int`` deliveries written.
    emit = Hook("webhook_events.emit", "crosspaths.webhooks")
    # One event per item: ``(*, organization_id, type, items) -> int``.
    emit_many = Hook("webhook_events.emit_many", "crosspaths.webhooks")


webhook_events = WebhookEvents()

HOOKS = (
    round_messages_write,
    reschedule_messages_write,
    round_figures_enqueue,
    WebhookEvents.emit,
    WebhookEvents.emit_many,
)
