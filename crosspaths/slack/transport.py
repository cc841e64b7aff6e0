"""Delivering outbox rows on Slack.

A group introduction (or new time) goes to the group's conversation: conversations.open
with every member's Slack user id (Slack adds the bot), then chat.postMessage with the
Block Kit rendering of ``notify/channels/slack.py`` plus the check-in buttons. A
message for one person goes to their direct message with the bot. The conversation's
id is stored on the row as soon as it is known, so a retry posts into the same one.

How failures count (the outbox does the rest, ``notify/services.py``):

* 429 ``ratelimited``: the platform asked to wait ``Retry-After`` seconds. Nothing was
  posted, the attempt does not count, and the rest of the batch's Slack rows wait too.
* A refused connection or an error before chat.postMessage was sent: nothing was
  posted; retried with back-off.
* The connection broke or timed out *after* chat.postMessage was sent: Slack may have
  posted it. ``InDoubt`` fails the row with the reason instead of posting again ("Send
  again" in the admin is the human's call), like an SMTP worker dying mid-send.
* Slack answered ``ok: false`` for this message (invalid_blocks, channel_not_found,
  user_not_found, ...): permanent. ``invalid_auth``/``token_revoked``/... mean the
  organization's installation is broken: retried with back-off (after reconnecting in
  the console they go out), failed after ``MAIL_MAX_ATTEMPTS``.
"""

from __future__ import annotations

import http.client
import socket
import urllib.error
from datetime import timedelta
from typing import Any

from django.utils import translation
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from crosspaths.meetings.organizing import match_slot_choices
from crosspaths.notify.channels.slack import render, with_checkin_buttons
from crosspaths.notify.content import MessageContent, message_language
from crosspaths.notify.models import Channel, ChatAccount, Message

from .client import web_client
from .models import SlackInstallation
from .tokens import token_decrypt

SLACK = Channel.SLACK.value
# Answers about the installation, not the message: worth retrying once reconnected.
AUTH_ERRORS = {
    "not_authed",
    "invalid_auth",
    "account_inactive",
    "token_revoked",
    "token_expired",
    "no_permission",
    "missing_scope",
    "team_access_not_granted",
}
SERVER_ERRORS = {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}
# Raised by urllib when the server never took the request: nothing can have been posted.
NOT_SENT = (ConnectionRefusedError, socket.gaierror)


class NotConnected(Exception):
    """The organization has no Slack installation (disconnected since the row was written)."""


class NobodyLinked(Exception):
    """None of the people this message is for has a Slack account any more."""


class InDoubt(Exception):
    """chat.postMessage was sent but no answer came back: it may have been posted."""


def _not_sent(error: BaseException) -> bool:
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    return isinstance(reason, NOT_SENT)


class SlackTransport:
    """One WebClient per organization for the batch (each workspace its own token)."""

    channel = SLACK

    def __init__(self) -> None:
        self.clients: dict[int, WebClient] = {}

    def _client(self, organization_id: int) -> WebClient:
        if organization_id not in self.clients:
            installation = SlackInstallation.objects.filter(organization_id=organization_id).first()
            if installation is None:
                raise NotConnected(f"Slack is not connected for organization {organization_id}")
            token = token_decrypt(installation.bot_token_encrypted)
            self.clients[organization_id] = web_client(token)
        return self.clients[organization_id]

    def _users(self, message: Message) -> list[str]:
        people = message.group_members if message.person_id is None else [message.person_id]
        users = list(
            ChatAccount.objects.filter(
                organization_id=message.organization_id, channel=SLACK, person_id__in=people
            )
            .order_by("person_id")
            .values_list("external_id", flat=True)
        )
        if not users:
            raise NobodyLinked("nobody this message is for has a linked Slack account any more")
        return users

    def _conversation(self, client: WebClient, message: Message) -> str:
        """The conversation to post into: the row's (a retry), or a new one. Opening
        one twice is harmless: Slack answers with the same conversation."""
        if message.conversation:
            return message.conversation
        answer = client.conversations_open(users=",".join(self._users(message)))
        conversation = str(answer["channel"]["id"])
        Message.objects.filter(pk=message.pk).update(conversation=conversation)
        message.conversation = conversation
        return conversation

    def payload(self, message: Message, content: MessageContent) -> dict[str, Any]:
        body = render(content)
        if message.person_id is None and message.kind == Message.Kind.INTRO and message.match_id:
            with translation.override(message_language(message)):
                assert message.match is not None
                body = with_checkin_buttons(
                    body,
                    message.match_id,
                    slots=match_slot_choices(match=message.match),
                    match_url=content.match.url if content.match else "",
                )
        return body

    def send(self, message: Message, content: MessageContent) -> None:
        client = self._client(message.organization_id)
        conversation = self._conversation(client, message)
        body = self.payload(message, content)
        try:
            client.chat_postMessage(
                channel=conversation,
                text=body["text"],
                blocks=body["blocks"],
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError:
            raise
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
            if _not_sent(error):
                raise
            raise InDoubt(
                f"chat.postMessage to {conversation} got no answer ({type(error).__name__}: "
                f"{error}); it may or may not have been posted, so it was not sent again. "
                "Use 'Send again' if needed."
            ) from error

    def reset(self) -> None:
        self.clients.clear()

    def close(self) -> None:
        self.clients.clear()

    @staticmethod
    def _slack_error(error: Exception) -> str:
        if isinstance(error, SlackApiError):
            return str(error.response.get("error") or "")
        return ""

    def retry_after(self, error: Exception) -> timedelta | None:
        if not isinstance(error, SlackApiError):
            return None
        response = error.response
        if response.status_code != 429 and response.get("error") != "ratelimited":
            return None
        value = (response.headers or {}).get("Retry-After") or (response.headers or {}).get(
            "retry-after"
        )
        if isinstance(value, list):
            value = value[0] if value else None
        try:
            seconds = max(1, int(str(value)))
        except (TypeError, ValueError):
            seconds = 60  # Slack always sends it; a minute if it ever does not
        return timedelta(seconds=seconds)

    def unreachable(self, error: Exception) -> bool:
        """A rate limit applies to the rest of the batch too; so does a refused connection."""
        if self.retry_after(error) is not None:
            return True
        if isinstance(error, SlackApiError):
            return self._slack_error(error) in SERVER_ERRORS
        return isinstance(error, urllib.error.URLError | OSError) and not isinstance(error, InDoubt)

    def permanent(self, error: Exception) -> bool:
        if isinstance(error, InDoubt | NobodyLinked):
            return True
        if isinstance(error, SlackApiError) and self.retry_after(error) is None:
            code = self._slack_error(error)
            return code not in AUTH_ERRORS and code not in SERVER_ERRORS
        return False
