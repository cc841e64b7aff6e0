"""What Teams sends the bot: installs and removals, and card button clicks.

The view (``views.messages``) has checked the JWT bearer first (``auth.py``). Then the
tenant (``channelData.tenant.id``) names the organization, and only that one: a Teams
user is looked up among that organization's linked people, a match among that
organization's matches. A click records a check-in through
``meetings.services.checkin_record`` (the service the e-mail links and the Slack
buttons use) or moves the meeting through ``meetings.organizing.match_propose`` (the
match page's service); a button registered in ``notify.chat_answers`` (an
outside-perspective ask, "did it help?") goes to its app.

* ``conversationUpdate``/``installationUpdate`` in a personal chat: the bot was added
  (the person is linked, the reference kept) or removed (unlinked: e-mail again).
* ``invoke`` named ``adaptiveCard/action`` (an ``Action.Execute`` button): answered in
  the HTTP response with a message for the clicker.
* ``message`` with a ``value`` (an ``Action.Submit`` from an older client): the same,
  answered with a reply in the conversation.
* ``message`` with text in the personal chat: a command ("pause until 2027-01-15",
  "resume", "status", or German), parsed and answered by ``notify.chat_commands``, the
  code behind Slack's /crosspaths.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from crosspaths.meetings.services import checkin_record
from crosspaths.notify.channels.teams import CHECKIN_VERBS, PROPOSE_VERB, escape
from crosspaths.notify.chat_answers import chat_answer, is_chat_answer
from crosspaths.notify.chat_commands import chat_command, chat_propose
from crosspaths.programs.models import MatchMember
from crosspaths.request_numbers import whole_number

from . import connector
from .models import TeamsInstallation, TeamsUser
from .services import installation_of, teams_link, teams_unlink

logger = logging.getLogger(__name__)
ANSWERS = {"checkin_met": True, "checkin_missed": False, "checkin_skip": False}


def _get(data: Any, *path: str) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def tenant_of(activity: dict[str, Any]) -> str:
    return str(
        _get(activity, "channelData", "tenant", "id")
        or _get(activity, "conversation", "tenantId")
        or ""
    )


def _bot_added(activity: dict[str, Any], key: str) -> bool:
    bot = str(_get(activity, "recipient", "id") or "")
    members = activity.get(key) or []
    return any(isinstance(m, dict) and m.get("id") == bot for m in members)


def _link_sender(installation: TeamsInstallation, activity: dict[str, Any]):  # -> Person | None
    return teams_link(
        installation=installation,
        user_id=str(_get(activity, "from", "id") or ""),
        aad_object_id=str(_get(activity, "from", "aadObjectId") or ""),
        service_url=str(activity.get("serviceUrl") or ""),
        conversation_id=(
            str(_get(activity, "conversation", "id") or "")
            if _get(activity, "conversation", "conversationType") in (None, "personal")
            else ""
        ),
    )


def activity_handle(activity: dict[str, Any]) -> dict[str, Any] | None:
    """Act on one verified activity; the body of an invoke's response, if any."""
    installation = installation_of(tenant_of(activity))
    if installation is None or not _get(activity, "from", "id"):
        return None
    kind = activity.get("type")
    personal = _get(activity, "conversation", "conversationType") in (None, "personal")
    if kind == "conversationUpdate" and personal:
        if _bot_added(activity, "membersAdded"):
            _link_sender(installation, activity)
        elif _bot_added(activity, "membersRemoved"):
            teams_unlink(installation=installation, user_id=str(_get(activity, "from", "id")))
        return None
    if kind == "installationUpdate" and personal:
        action = str(activity.get("action") or "")
        if action.startswith("add"):
            _link_sender(installation, activity)
        elif action.startswith("remove"):
            teams_unlink(installation=installation, user_id=str(_get(activity, "from", "id")))
        return None
    if kind == "invoke" and activity.get("name") == "adaptiveCard/action":
        card_action = _get(activity, "value", "action") or {}
        data = card_action.get("data")
        if not isinstance(data, dict):
            data = {}
        text = click(installation, activity, str(card_action.get("verb") or ""), data)
        if text is None:
            return {
                "statusCode": 400,
                "type": "application/vnd.microsoft.error",
                "value": {"code": "BadRequest", "message": "unknown action"},
            }
        return {
            "statusCode": 200,
            "type": "application/vnd.microsoft.activity.message",
            "value": text,
        }
    if kind == "message" and isinstance(activity.get("value"), dict):
        data = activity["value"]
        text = click(installation, activity, str(data.get("crosspaths") or ""), data)
        if text is not None:
            _reply(activity, text)
    elif kind == "message" and personal and isinstance(activity.get("text"), str):
        _reply(activity, typed(installation, activity))
    return None


def typed(installation: TeamsInstallation, activity: dict[str, Any]) -> str:
    """A message written to the bot in the one-to-one chat: "pause until 2027-01-15",
    "resume", "status" (or German), answered as Slack's /crosspaths answers (the
    same parser and services)."""
    person = _link_sender(installation, activity)
    if person is None:
        return escape(_not_linked())
    with translation.override(person.effective_language):
        return escape(chat_command(person=person, text=str(activity["text"])))


def _not_linked() -> str:
    return _(
        "Your Teams account is not linked to Crosspaths: your Teams e-mail address must be "
        "the one your organization knows."
    )


def _reply(activity: dict[str, Any], text: str) -> None:
    """Best effort: the answer is recorded whether or not Teams shows the reply."""
    try:
        connector.send_activity(
            service_url=str(activity["serviceUrl"]),
            conversation_id=str(_get(activity, "conversation", "id")),
            activity={"type": "message", "text": text, "replyToId": activity.get("id")},
        )
    except Exception as error:
        logger.info("could not answer a click: %s", error)


def click(
    installation: TeamsInstallation, activity: dict[str, Any], verb: str, data: dict[str, Any]
) -> str | None:
    """A check-in or "propose" button: the clicking person's answer for the match named
    by the button, if they are a member of it in this tenant's organization. None when
    the verb is not ours."""
    if is_chat_answer(verb):
        return answer_click(installation, activity, verb, data)
    if verb not in ANSWERS and verb != PROPOSE_VERB:
        return None
    person = _link_sender(installation, activity)
    if person is None:
        return _not_linked()
    member = (
        MatchMember.objects.filter(
            organization_id=installation.organization_id,
            match_id=whole_number(str(data.get("match") or ""), digits=18) or -1,
            person=person,
        )
        .select_related("match__round__program", "match__organizer", "person")
        .first()
    )
    with translation.override(person.effective_language):
        if member is None:
            return _("This introduction is not yours to answer.")
        try:
            if verb == PROPOSE_VERB:
                return chat_propose(member=member, start=str(data.get("start") or ""))
            checkin_record(member=member, met=ANSWERS[verb])
        except ValidationError as error:
            return " ".join(error.messages)
        if verb == "checkin_met":
            program = member.match.round.program.name
            return _("Thanks! We noted that you met (%(program)s).") % {"program": program}
        if verb == "checkin_missed":
            return _("Thanks for telling us. Maybe next round!")
    tell_others_skip(installation, member)
    with translation.override(person.effective_language):
        return _("You skip this round; we told the others.")


def answer_click(
    installation: TeamsInstallation, activity: dict[str, Any], verb: str, data: dict[str, Any]
) -> str:
    """A button of a message answered in the chat (an outside-perspective ask, "did it
    help?"), handed to the app that registered the verb for the person this tenant's
    user is in this tenant's organization."""
    person = _link_sender(installation, activity)
    if person is None:
        return _not_linked()
    with translation.override(person.effective_language):
        answer = str(data.get("answer") or "")
        return escape(chat_answer(person=person, code=verb, answer=answer) or "")


def tell_others_skip(installation: TeamsInstallation, member: MatchMember) -> int:
    """As on Slack, where the group's conversation is told "*name* skips this round":
    Teams has no group chat of the bot's, so each other member with the app is told in
    their one-to-one chat (in the organization's language, as a group message is).
    Best effort: the answer is recorded whether or not Teams shows this."""
    person = member.person
    with translation.override(installation.organization.language):
        text = escape(_("%(name)s skips this round.") % {"name": person.name or person.email})
    others = TeamsUser.objects.filter(
        organization_id=installation.organization_id,
        person_id__in=member.match.members.exclude(person_id=person.pk).values("person_id"),
    ).exclude(conversation_id="")
    told = 0
    for user in others:
        try:
            connector.send_activity(
                service_url=user.service_url,
                conversation_id=user.conversation_id,
                activity={"type": "message", "text": text},
            )
            told += 1
        except Exception as error:
            logger.info("could not tell %s about a skip: %s", user.user_id, error)
    return told


assert set(ANSWERS) == set(CHECKIN_VERBS)
