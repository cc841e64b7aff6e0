"""The Crosspaths tab of the Slack app (App Home): a person's matches and programs.

Slack sends ``app_home_opened`` when someone opens the tab; we answer with
``views.publish``: their current matches (with the check-in buttons of the
introductions), their programs (join, pause until a date, resume) and a pause for
everything. A button in the tab arrives as a ``block_actions`` payload from a view
(no channel); it goes through the services the programs page uses
(``enrollment_join``, ``enrollment_pause_until``, ``person_pause``) and the check-in
service, then the tab is published again with a line saying what happened.

Every action names a program or a match by id; it is looked up among the
organization of the workspace only, and a match only among the clicker's own.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import formats, translation
from django.utils.translation import gettext as _

from crosspaths import clock
from crosspaths.notify.channels.slack import cut, escape
from crosspaths.notify.chat_commands import current_matches, other_names
from crosspaths.notify.models import Channel, Message
from crosspaths.people.models import Person
from crosspaths.programs.enrollments import (
    enrollment_join,
    enrollment_pause_until,
    enrollments_of,
    person_pause,
    programs_open_to,
)
from crosspaths.programs.models import Enrollment, Program
from crosspaths.programs.wording import when
from crosspaths.request_numbers import whole_number

from .client import web_client
from .models import SlackInstallation
from .tokens import token_decrypt

logger = logging.getLogger(__name__)

# action_id prefixes of the tab's own elements; the value (or the suffix) is an id.
JOIN, PAUSE_ONE, RESUME_ONE = "home_join", "home_pause_program", "home_resume_program"
PAUSE_ALL, RESUME_ALL = "home_pause", "home_resume"
HOME_ACTIONS = (JOIN, PAUSE_ONE, RESUME_ONE, PAUSE_ALL, RESUME_ALL)
MATCHES_SHOWN = 3


def _plain(text: str, limit: int = 75) -> dict[str, Any]:
    return {"type": "plain_text", "text": cut(text, limit), "emoji": False}


def _md(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": cut(text, 3000)}


def _button(action_id: str, label: str, value: int | str, style: str = "") -> dict[str, Any]:
    button = {"type": "button", "action_id": action_id, "text": _plain(label), "value": str(value)}
    return button | ({"style": style} if style else {})


def _datepicker(action_id: str, label: str) -> dict[str, Any]:
    return {"type": "datepicker", "action_id": action_id, "placeholder": _plain(label, 150)}


def home_view(*, person: Person, note: str = "") -> dict[str, Any]:
    """The tab for ``person`` in the active language: a ``home`` view."""
    blocks: list[dict[str, Any]] = [{"type": "header", "text": _plain("Crosspaths", 150)}]
    if note:
        blocks.append({"type": "section", "text": _md(escape(note))})
    blocks.extend(_match_blocks(person))
    blocks.extend(_program_blocks(person))
    return {"type": "home", "blocks": blocks[:100]}


def _match_blocks(person: Person) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [
        {"type": "divider"},
        {"type": "section", "text": _md("*{}*".format(escape(_("Your current matches"))))},
    ]
    members = current_matches(person=person, limit=MATCHES_SHOWN)
    if not members:
        blocks.append({"type": "context", "elements": [_md(escape(_("No match yet.")))]})
    for member in members:
        match = member.match
        lines = [
            "*{}* · {}".format(
                escape(match.round.program.name),
                formats.date_format(match.round.date, "DATE_FORMAT"),
            ),
            escape(_("With: %(names)s") % {"names": other_names(member)}),
        ]
        if match.suggested_start:
            zone = person.effective_timezone
            lines.append(
                escape(
                    _("Suggested time: %(slot)s (%(zone)s)")
                    % {"slot": when(match.suggested_start, zone), "zone": zone}
                )
            )
        blocks.append({"type": "section", "text": _md("\n".join(lines))})
        blocks.append(
            {
                "type": "actions",
                "block_id": f"match_{match.pk}",
                "elements": [
                    _button(f"checkin_met:{match.pk}", _("We met"), match.pk, "primary"),
                    _button(f"checkin_missed:{match.pk}", _("It did not happen"), match.pk),
                    _button(f"checkin_skip:{match.pk}", _("Skip this round"), match.pk),
                ],
            }
        )
    return blocks


def _program_blocks(person: Person) -> list[dict[str, Any]]:
    today = clock.today()
    enrollments = enrollments_of(person=person)
    current = {pid: e for pid, e in enrollments.items() if e.left_at is None}
    programs = {p.pk: p for p in programs_open_to(person=person, on=today)}
    programs.update({e.program_id: e.program for e in current.values() if e.program.active})
    blocks: list[dict[str, Any]] = [
        {"type": "divider"},
        {"type": "section", "text": _md("*{}*".format(escape(_("Your programs"))))},
    ]
    if not programs:
        blocks.append(
            {"type": "context", "elements": [_md(escape(_("No program is open to you yet.")))]}
        )
    for program in sorted(programs.values(), key=lambda p: (p.name.lower(), p.pk))[:40]:
        blocks.append(_program_block(program, current.get(program.pk), today))
    if current:
        elements = [_datepicker(PAUSE_ALL, _("Pause everything until…"))]
        if any(e.is_paused_on(today) for e in current.values()):
            elements.append(_button(RESUME_ALL, _("Resume everything"), "all"))
        blocks.append({"type": "actions", "block_id": "pause_all", "elements": elements})
    return blocks


def _program_block(program: Program, enrollment: Enrollment | None, today: date) -> dict:
    name = f"*{escape(program.name)}* · {escape(str(program.get_format_display()))}"
    if enrollment is None:
        state = _("Not taking part.")
        accessory = _button(f"{JOIN}:{program.pk}", _("Join"), program.pk, "primary")
    elif enrollment.is_paused_on(today) and enrollment.paused_until:
        state = _("Paused until %(date)s.") % {
            "date": formats.date_format(enrollment.paused_until, "DATE_FORMAT")
        }
        accessory = _button(f"{RESUME_ONE}:{program.pk}", _("Resume"), program.pk)
    else:
        state = _("Taking part.")
        accessory = _datepicker(f"{PAUSE_ONE}:{program.pk}", _("Pause until…"))
    return {
        "type": "section",
        "block_id": f"program_{program.pk}",
        "text": _md(f"{name}\n{escape(state)}"),
        "accessory": accessory,
    }


# --- what the tab's elements do ------------------------------------------------------


def home_action(*, person: Person, action: dict[str, Any]) -> str | None:
    """Do what a tab element asks, through the programs page's services; the line to
    show at the top of the tab. None when the element is not one of the tab's."""
    code, _sep, suffix = str(action.get("action_id") or "").partition(":")
    if code not in HOME_ACTIONS:
        return None
    chosen = _chosen_date(action)
    try:
        if code == PAUSE_ALL:
            if chosen is None:
                return _("Choose a date.")
            person_pause(person=person, until=chosen)
            return _pause_note(chosen)
        if code == RESUME_ALL:
            person_pause(person=person, until=None)
            return _("Welcome back: you are in the next rounds again.")
        program = Program.objects.filter(
            organization_id=person.organization_id, pk=whole_number(suffix, digits=18) or -1
        ).first()
        if program is None:
            return _("This program no longer exists.")
        if code == JOIN:
            enrollment_join(person=person, program=program)
            return _("You joined %(program)s.") % {"program": program.name}
        if code == RESUME_ONE:
            enrollment_pause_until(person=person, program=program, until=None)
            return _("%(program)s: you are in the next rounds again.") % {"program": program.name}
        if chosen is None:
            return _("Choose a date.")
        enrollment_pause_until(person=person, program=program, until=chosen)
        return _("%(program)s: paused until %(date)s.") % {
            "program": program.name,
            "date": formats.date_format(chosen, "DATE_FORMAT"),
        }
    except ValidationError as error:
        return " ".join(error.messages)


def _chosen_date(action: dict[str, Any]) -> date | None:
    try:
        return date.fromisoformat(str(action.get("selected_date") or ""))
    except ValueError:
        return None


def _pause_note(until: date) -> str:
    return _("Paused until %(date)s. Enjoy the break!") % {
        "date": formats.date_format(until, "DATE_FORMAT")
    }


def group_conversation(*, organization_id: int, match_id: int) -> str:
    """The Slack conversation the match's introduction was posted in, if any."""
    return (
        Message.objects.filter(
            organization_id=organization_id,
            match_id=match_id,
            kind=Message.Kind.INTRO,
            channel=Channel.SLACK,
        )
        .exclude(conversation="")
        .values_list("conversation", flat=True)
        .first()
        or ""
    )


def home_publish(*, installation: SlackInstallation, user_id: str, person: Person, note: str = ""):
    """views.publish the person's tab. Best effort: Slack shows the last tab published
    until the next one, and the next opening publishes again."""
    with translation.override(person.effective_language):
        view = home_view(person=person, note=note)
    try:
        web_client(token_decrypt(installation.bot_token_encrypted)).views_publish(
            user_id=user_id, view=view
        )
    except Exception as error:
        logger.info("views.publish for %s in %s failed: %s", user_id, installation.team_id, error)
        return False
    return True
