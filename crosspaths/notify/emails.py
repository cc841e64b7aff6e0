"""The e-mail of an outbox row, for callers that want the ready message.

The content is built in ``content.py`` and laid out by ``channels/email.py``; this
module only joins the two (the admin's preview and the tests use it).
"""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives

from .channels.email import render
from .content import message_content
from .models import Message


def build_message(message: Message) -> EmailMultiAlternatives:
    """The e-mail for an outbox row (person and match loaded)."""
    return render(message_content(message), message)
