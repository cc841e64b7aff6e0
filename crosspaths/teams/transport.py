"""Delivering outbox rows on Microsoft Teams.

Teams lets a bot start one-to-one chats only (never a group chat: "You can't create a
new group chat ... with proactive messaging"), so a group introduction on Teams goes to
each member's one-to-one chat with the bot, as the same Adaptive Card with the group's
check-in buttons. The row remembers whom it reached (``Message.conversation`` =
``sent:<person ids>``, written after each post), so a retry after a rate limit or a
failure posts to the others only: nobody gets it twice. A member's chat is the stored
conversation reference (``TeamsUser``) or is created once (POST /v3/conversations) and
kept.

How failures count (the outbox does the rest, ``notify/services.py``):

* 429 with ``Retry-After``: the platform asked to wait; the attempt does not count and
  the batch's other Teams rows wait too.
* No connection made, 5xx, or the token endpoint refusing or unreachable: the channel
  is unreachable; retried with back-off.
* The connection broke or timed out after the activity was sent: ``InDoubt`` fails the
  row with the reason ("Send again" in the admin is the human's call).
* 401/403 (the app's consent or credentials broken): retried with back-off, failed
  after ``MAIL_MAX_ATTEMPTS``. Any other 4xx: this message will never be accepted.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import requests
from django.db import transaction
from django.utils import translation

from crosspaths.meetings.organizing import match_slot_choices
from crosspaths.notify.channels.teams import checkin_actions, render, with_checkin_actions
from crosspaths.notify.content import MessageContent, message_language
from crosspaths.notify.models import Channel, Message

from . import connector
from .connector import ConnectorError, TokenError
from .models import TeamsInstallation, TeamsUser

TEAMS = Channel.TEAMS.value
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
SENT_PREFIX = "sent:"


class NotConnected(Exception):
    """The organization has no Teams installation (disconnected since the row was written)."""


class NobodyLinked(Exception):
    """None of the people this message is for has the Teams app any more."""


class InDoubt(Exception):
    """The activity was sent but no answer came back: it may have been posted."""


def reached(message: Message) -> list[int]:
    """The people a row was already posted to."""
    if not message.conversation.startswith(SENT_PREFIX):
        return []
    return [int(p) for p in message.conversation.removeprefix(SENT_PREFIX).split(",") if p]


def _free_slots(message: Message) -> list[tuple[str, str]]:
    """A few times the organizer may move the meeting to (the match page's list)."""
    return match_slot_choices(match=message.match) if message.match is not None else []


class TeamsTransport:
    channel = TEAMS

    def __init__(self) -> None:
        self.installations: dict[int, TeamsInstallation] = {}

    def _installation(self, organization_id: int) -> TeamsInstallation:
        if organization_id not in self.installations:
            installation = TeamsInstallation.objects.filter(organization_id=organization_id).first()
            if installation is None:
                raise NotConnected(f"Teams is not connected for organization {organization_id}")
            self.installations[organization_id] = installation
        return self.installations[organization_id]

    def card(self, message: Message, content: MessageContent) -> dict[str, Any]:
        card = render(content)
        if message.kind == Message.Kind.INTRO and message.match_id:
            with translation.override(message_language(message)):
                url = content.match.url if content.match else ""
                actions = checkin_actions(
                    message.match_id, slots=_free_slots(message), match_url=url
                )
            card = with_checkin_actions(card, actions)
        return card

    def activity(self, message: Message, content: MessageContent) -> dict[str, Any]:
        return {
            "type": "message",
            "summary": content.title[:200],
            "attachments": [{"contentType": ADAPTIVE_CARD, "content": self.card(message, content)}],
        }

    def _users(self, message: Message) -> list[TeamsUser]:
        people = message.group_members if message.person_id is None else [message.person_id]
        users = list(
            TeamsUser.objects.filter(
                organization_id=message.organization_id, person_id__in=people
            ).order_by("person_id")
        )
        if not users:
            raise NobodyLinked("nobody this message is for has the Teams app any more")
        return users

    def _conversation(self, installation: TeamsInstallation, user: TeamsUser) -> str:
        if not user.conversation_id:
            user.conversation_id = connector.create_conversation(
                service_url=user.service_url, tenant_id=installation.tenant_id, user_id=user.user_id
            )
            TeamsUser.objects.filter(pk=user.pk).update(conversation_id=user.conversation_id)
        return user.conversation_id

    def send(self, message: Message, content: MessageContent) -> None:
        installation = self._installation(message.organization_id)
        activity = self.activity(message, content)
        done = reached(message)
        for user in self._users(message):
            if user.person_id in done:
                continue
            conversation = self._conversation(installation, user)
            try:
                connector.send_activity(
                    service_url=user.service_url, conversation_id=conversation, activity=activity
                )
            except (ConnectorError, requests.RequestException) as error:
                if isinstance(error, ConnectorError) or connector.not_sent(error):
                    raise
                raise InDoubt(
                    f"posting to {user.user_id} got no answer ({type(error).__name__}: {error}); "
                    "it may or may not have been posted, so it was not sent again. "
                    "Use 'Send again' if needed."
                ) from error
            done.append(user.person_id)
            with transaction.atomic():
                Message.objects.filter(pk=message.pk).update(
                    conversation=SENT_PREFIX + ",".join(map(str, done))
                )
            message.conversation = SENT_PREFIX + ",".join(map(str, done))

    def reset(self) -> None:
        self.installations.clear()

    def close(self) -> None:
        self.installations.clear()

    def retry_after(self, error: Exception) -> timedelta | None:
        if isinstance(error, ConnectorError) and error.status == 429:
            return timedelta(seconds=error.retry_after or 60)
        return None

    def unreachable(self, error: Exception) -> bool:
        """A rate limit applies to the rest of the batch; so does a broken token or server."""
        if self.retry_after(error) is not None or isinstance(error, TokenError):
            return True
        if isinstance(error, ConnectorError):
            return error.status >= 500
        return isinstance(error, requests.RequestException) and not isinstance(error, InDoubt)

    def permanent(self, error: Exception) -> bool:
        if isinstance(error, InDoubt | NobodyLinked):
            return True
        if isinstance(error, ConnectorError) and not isinstance(error, TokenError):
            return 400 <= error.status < 500 and error.status not in (401, 403, 408, 429)
        return False
