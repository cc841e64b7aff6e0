"""What Slack sends us: button clicks, the /crosspaths command, events.

Every request is checked first (``request_verified``): Slack signs the raw body with
the app's signing secret (``X-Slack-Signature: v0=HMAC-SHA256("v0:{timestamp}:{body}")``)
and a request older or newer than five minutes is refused, so a captured request
cannot be replayed later. Then the workspace (``team_id``) names the organization,
and only that organization: a user id is looked up among that organization's linked
people, a match among that organization's matches. A click records a check-in through
``meetings.services.checkin_record``, the same service the e-mail links use.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats, translation
from django.utils.translation import gettext as _
from slack_sdk.signature import Clock, SignatureVerifier

from crosspaths import clock
from crosspaths.meetings.services import checkin_record
from crosspaths.notify.channels.slack import escape
from crosspaths.people.models import Person
from crosspaths.programs.enrollments import enrollments_of, paused_until, person_pause
from crosspaths.programs.models import MatchMember, Round
from crosspaths.request_numbers import whole_number

from .client import web_client
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
    """A check-in button: the clicking person's answer for the match named by the
    button, if they are a member of it in this workspace's organization. None when the
    action is not ours (a link button: Slack reports those clicks too)."""
    action_id = str(action.get("action_id") or "")
    if action_id not in ANSWERS:
        return None
    person = slack_person(installation=installation, user_id=user_id)
    if person is None:
        return Reply(_not_linked())
    value = str(action.get("value") or "")
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


def _not_linked() -> str:
    return _(
        "Your Slack account is not linked to Crosspaths: your Slack e-mail address must be "
        "the one your organization knows."
    )


def interaction(*, payload: dict) -> None:
    """A block_actions payload: record the answer, then tell the person (ephemeral)
    and, for a skip, the group. Other payload types are acknowledged and ignored."""
    if payload.get("type") != "block_actions":
        return
    installation = installation_of(str((payload.get("team") or {}).get("id") or ""))
    if installation is None:
        return
    user_id = str((payload.get("user") or {}).get("id") or "")
    channel = str((payload.get("channel") or {}).get("id") or "")
    for action in payload.get("actions") or []:
        reply = checkin_click(installation=installation, user_id=user_id, action=action)
        if reply is not None and channel:
            _tell(installation, channel, user_id, reply)


def _tell(installation: SlackInstallation, channel: str, user_id: str, reply: Reply) -> None:
    """Best effort: the answer is recorded whether or not Slack shows the reply."""
    try:
        client = web_client(token_decrypt(installation.bot_token_encrypted))
        client.chat_postEphemeral(channel=channel, user=user_id, text=escape(reply.to_person))
        if reply.to_group:
            client.chat_postMessage(channel=channel, text=escape(reply.to_group))
    except Exception as error:
        logger.info("could not answer a click in %s: %s", installation.team_id, error)


# --- /crosspaths ----------------------------------------------------------------------

PAUSE = re.compile(r"^pause\s+(?:until\s+)?(\d{4}-\d{2}-\d{2})$", re.IGNORECASE)


def _help() -> str:
    return _(
        "Try `/crosspaths status`, `/crosspaths pause until 2026-12-31` or `/crosspaths resume`."
    )


def command(*, team_id: str, user_id: str, text: str) -> str:
    """``/crosspaths pause until YYYY-MM-DD | resume | status``: the answer, in the
    person's language, shown only to them."""
    installation = installation_of(team_id)
    if installation is None:
        return _("Crosspaths is not connected to this Slack workspace.")
    person = slack_person(installation=installation, user_id=user_id)
    if person is None:
        return _not_linked()
    with translation.override(person.effective_language):
        return _command(person, " ".join(text.split()))


def _command(person: Person, text: str) -> str:
    words = text.lower()
    if words == "resume":
        person_pause(person=person, until=None)
        return _("Welcome back: you are in the next rounds again.")
    if words.startswith("pause"):
        found = PAUSE.match(text)
        try:
            until = date.fromisoformat(found.group(1)) if found else None
        except ValueError:
            until = None
        if until is None:
            return _(
                "Write the date as YYYY-MM-DD, for example `/crosspaths pause until %(day)s`."
            ) % {"day": (clock.today() + timedelta(days=14)).isoformat()}
        try:
            person_pause(person=person, until=until)
        except ValidationError as error:
            return " ".join(error.messages)
        return _("Paused until %(date)s. Enjoy the break!") % {
            "date": formats.date_format(until, "DATE_FORMAT")
        }
    if words in ("", "status", "help"):
        return _status(person) if words == "status" else _help()
    return _help()


def _status(person: Person) -> str:
    today = clock.today()
    enrollments = enrollments_of(person=person)
    current = [e for e in enrollments.values() if e.left_at is None]
    lines = []
    if not current:
        lines.append(_("You are not in any program yet."))
    else:
        names = ", ".join(sorted(e.program.name for e in current))
        lines.append(_("Your programs: %(names)s.") % {"names": names})
        until = paused_until(enrollments=current, today=today)
        if until:
            lines.append(
                _("Paused until %(date)s.") % {"date": formats.date_format(until, "DATE_FORMAT")}
            )
    latest = (
        MatchMember.objects.filter(
            organization_id=person.organization_id,
            person=person,
            round__status=Round.Status.PUBLISHED,
        )
        .select_related("match__round__program")
        .order_by("-round__date")
        .first()
    )
    if latest is not None:
        others = [
            m.person.name or m.person.email
            for m in latest.match.members.select_related("person").order_by("pk")
            if m.person_id != person.pk
        ]
        lines.append(
            _("Current match (%(program)s): %(names)s.")
            % {"program": latest.match.round.program.name, "names": ", ".join(others)}
        )
    return "\n".join(lines)
