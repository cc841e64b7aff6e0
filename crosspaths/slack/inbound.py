"""What Slack sends us: button clicks, the /crosspaths command, events.

Every request is checked first (``request_verified``): Slack signs the raw body with
the app's signing secret (``X-Slack-Signature: v0=HMAC-SHA256("v0:{timestamp}:{body}")``)
and a request older or newer than five minutes is refused, so a captured request
cannot be replayed later. Then the workspace (``team_id``) names the organization,
and only that organization: a user id is looked up among that organization's linked
people, a match among that organization's matches. A click records a check-in through
``meetings.services.checkin_record``, the same service the e-mail links use; a button
registered in ``notify.chat_answers`` (an outside-perspective ask) goes to its app.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from slack_sdk.signature import Clock, SignatureVerifier

from crosspaths import clock
from crosspaths.meetings.services import checkin_record
from crosspaths.notify.channels.slack import PROPOSE_ACTION, escape
from crosspaths.notify.chat_answers import chat_answer, is_chat_answer
from crosspaths.notify.chat_commands import chat_command, chat_propose
from crosspaths.programs.models import MatchMember
from crosspaths.request_numbers import whole_number

from .client import web_client
from .home import group_conversation, home_action, home_publish
from .models import SlackInstallation
from .services import slack_person
from .tokens import token_decrypt

logger = logging.getLogger(__name__)


class _CrosspathsClock(Clock):
    """Slack's five-minute window measured on the project's clock (tests freeze it)."""

    def now(self) -> float:
        return clock.now().timestamp()


def request_verified(*, body: bytes, headers: Any) -> bool:
    """Slack's v0 signature over the raw body, made within five minutes of now."""
    secret = settings.SLACK_SIGNING_SECRET
    timestamp = headers.get("X-Slack-Request-Timestamp")
    signature = headers.get("X-Slack-Signature")
    if not secret or not signature or whole_number(timestamp, digits=12) is None:
        return False
    verifier = SignatureVerifier(secret, clock=_CrosspathsClock())
    return verifier.is_valid(body=body, timestamp=timestamp, signature=signature)


def installation_of(team_id: str) -> SlackInstallation | None:
    if not team_id:
        return None
    return SlackInstallation.objects.filter(team_id=team_id).select_related("organization").first()


# --- buttons ---------------------------------------------------------------------------

ANSWERS = {"checkin_met": True, "checkin_missed": False, "checkin_skip": False}


@dataclass
class Reply:
    """What to tell the person who clicked (only them), and the group (everyone)."""

    to_person: str
    to_group: str = ""


def checkin_click(*, installation: SlackInstallation, user_id: str, action: dict) -> Reply | None:
    """A check-in button, or a time picked from "Propose another time": the clicking
    person's answer for the match named by the element, if they are a member of it in
    this workspace's organization (moving the time: its organizer). None when the
    action is not ours (a link button: Slack reports those clicks too)."""
    action_id = str(action.get("action_id") or "").partition(":")[0]  # the tab adds ":<match>"
    if action_id not in ANSWERS and action_id != PROPOSE_ACTION:
        return None
    person = slack_person(installation=installation, user_id=user_id)
    if person is None:
        return Reply(_not_linked())
    value, start = str(action.get("value") or ""), ""
    if action_id == PROPOSE_ACTION:  # a time picked from the menu: "<match> <ISO start>"
        value, _sep, start = str(
            (action.get("selected_option") or {}).get("value") or ""
        ).partition(" ")
    member = (
        MatchMember.objects.filter(
            organization_id=installation.organization_id,
            match_id=whole_number(value) or -1,
            person=person,
        )
        .select_related("match__round__program")
        .first()
    )
    with translation.override(person.effective_language):
        if member is None:
            return Reply(_("This introduction is not yours to answer."))
        try:
            if action_id == PROPOSE_ACTION:
                return Reply(chat_propose(member=member, start=start))
            checkin_record(member=member, met=ANSWERS[action_id])
        except ValidationError as error:
            return Reply(" ".join(error.messages))
        program = member.match.round.program.name
        if action_id == "checkin_met":
            return Reply(_("Thanks! We noted that you met (%(program)s).") % {"program": program})
        if action_id == "checkin_missed":
            return Reply(_("Thanks for telling us. Maybe next round!"))
    with translation.override(installation.organization.language):
        group = _("%(name)s skips this round.") % {"name": person.name or person.email}
    with translation.override(person.effective_language):
        return Reply(_("You skip this round; we told the others."), to_group=group)


def answer_click(*, installation: SlackInstallation, user_id: str, action: dict) -> Reply | None:
    """A button of a message answered in the chat (an outside-perspective ask, "did it
    help?"): handed to the app that registered its action id, for the person this
    workspace's user is in this workspace's organization. None when not such a button."""
    code = str(action.get("action_id") or "")
    if not is_chat_answer(code):
        return None
    person = slack_person(installation=installation, user_id=user_id)
    if person is None:
        return Reply(_not_linked())
    with translation.override(person.effective_language):
        return Reply(
            chat_answer(person=person, code=code, answer=str(action.get("value") or "")) or ""
        )


def _not_linked() -> str:
    return _(
        "Your Slack account is not linked to Crosspaths: your Slack e-mail address must be "
        "the one your organization knows."
    )


def interaction(*, payload: dict) -> None:
    """A block_actions payload: record the answer, then tell the person (ephemeral)
    and, for a skip, the group. A click in the app's tab (a view, no channel) is
    answered by publishing the tab again. Other payload types are acknowledged and
    ignored."""
    if payload.get("type") != "block_actions":
        return
    installation = installation_of(str((payload.get("team") or {}).get("id") or ""))
    if installation is None:
        return
    user_id = str((payload.get("user") or {}).get("id") or "")
    if (payload.get("view") or {}).get("type") == "home":
        home_click(installation=installation, user_id=user_id, actions=payload.get("actions"))
        return
    channel = str((payload.get("channel") or {}).get("id") or "")
    for action in payload.get("actions") or []:
        if not isinstance(action, dict):
            continue
        reply = answer_click(
            installation=installation, user_id=user_id, action=action
        ) or checkin_click(installation=installation, user_id=user_id, action=action)
        if reply is not None and channel:
            _tell(installation, channel, user_id, reply)


def home_click(*, installation: SlackInstallation, user_id: str, actions: Any) -> None:
    """Elements of the app's tab: a program's join/pause/resume, a pause of everything,
    a check-in of a current match; the tab is then published again, saying what
    happened (a skip is also told in the group's conversation, as from the message)."""
    person = slack_person(installation=installation, user_id=user_id)
    if person is None or not isinstance(actions, list):
        return
    notes: list[str] = []
    for action in actions:
        if not isinstance(action, dict):
            continue
        with translation.override(person.effective_language):
            note = home_action(person=person, action=action)
        if note is None:
            reply = checkin_click(installation=installation, user_id=user_id, action=action)
            if reply is None:
                continue
            note = reply.to_person
            if reply.to_group:
                match_id = whole_number(str(action.get("value") or "")) or -1
                channel = group_conversation(
                    organization_id=installation.organization_id, match_id=match_id
                )
                if channel:
                    _tell(installation, channel, user_id, Reply("", reply.to_group))
        notes.append(note)
    home_publish(installation=installation, user_id=user_id, person=person, note=" ".join(notes))


def app_home_opened(*, team_id: str, user_id: str) -> bool:
    """Someone opened the app's tab: publish it for them, if they are a person of the
    workspace's organization (anyone else sees Slack's empty tab)."""
    installation = installation_of(team_id)
    if installation is None or not user_id:
        return False
    person = slack_person(installation=installation, user_id=user_id)
    if person is None:
        return False
    return home_publish(installation=installation, user_id=user_id, person=person)


def _tell(installation: SlackInstallation, channel: str, user_id: str, reply: Reply) -> None:
    """Best effort: the answer is recorded whether or not Slack shows the reply."""
    try:
        client = web_client(token_decrypt(installation.bot_token_encrypted))
        if reply.to_person:
            client.chat_postEphemeral(channel=channel, user=user_id, text=escape(reply.to_person))
        if reply.to_group:
            client.chat_postMessage(channel=channel, text=escape(reply.to_group))
    except Exception as error:
        logger.info("could not answer a click in %s: %s", installation.team_id, error)


# --- /crosspaths ----------------------------------------------------------------------


def command(*, team_id: str, user_id: str, text: str) -> str:
    """``/crosspaths pause until YYYY-MM-DD | resume | status``: the answer, in the
    person's language, shown only to them (the parser is shared with Teams)."""
    installation = installation_of(team_id)
    if installation is None:
        return _("Crosspaths is not connected to this Slack workspace.")
    person = slack_person(installation=installation, user_id=user_id)
    if person is None:
        return _not_linked()
    with translation.override(person.effective_language):
        return chat_command(person=person, text=text, prefix="/crosspaths ")
