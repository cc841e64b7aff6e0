"""Connecting an organization's Slack workspace, and linking its people.

Installation is Slack's OAuth v2: the console sends an admin to Slack's authorize page
with a one-time ``state`` kept in their session (bound to their organization); the
callback exchanges the ``code`` at oauth.v2.access. A workspace can be connected to
one organization only. People are linked by e-mail (users.lookupByEmail) within that
workspace; a found person gets a ``ChatAccount`` so the channel selection
(``notify/selection.py``) can send them messages on Slack.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from slack_sdk.errors import SlackApiError

from crosspaths import clock
from crosspaths.console.services import audit_record
from crosspaths.notify.models import Channel, ChatAccount
from crosspaths.notify.selection import organization_channels, organization_set_channels
from crosspaths.notify.services import outbox_write_test
from crosspaths.people.models import Organization, Person

from .client import web_client
from .models import SlackInstallation, SlackLink
from .tokens import token_decrypt, token_encrypt

logger = logging.getLogger(__name__)
SLACK = Channel.SLACK.value

# What the bot may do, and why (docs/slack.md and slack-manifest.yml say the same).
BOT_SCOPES = (
    "chat:write",  # post introductions, reminders and check-ins
    "im:write",  # open a direct message with one person
    "mpim:write",  # open the group conversation of an introduction
    "users:read",  # users.info: who clicked a button or typed /crosspaths
    "users:read.email",  # users.lookupByEmail: link people by their work address
    "commands",  # the /crosspaths slash command
)
STATE_KEY = "slack_oauth_state"


def slack_configured() -> bool:
    return bool(settings.SLACK_CLIENT_ID and settings.SLACK_CLIENT_SECRET)


def slack_authorize_url(*, session: dict, organization: Organization, redirect_uri: str) -> str:
    """Slack's authorize page, with a fresh state remembered in the admin's session
    for this organization: the callback accepts only that state, once."""
    state = secrets.token_urlsafe(32)
    session[STATE_KEY] = {"state": state, "organization": organization.pk}
    query = urlencode(
        {
            "client_id": settings.SLACK_CLIENT_ID,
            "scope": ",".join(BOT_SCOPES),
            "state": state,
            "redirect_uri": redirect_uri,
        }
    )
    return f"{settings.SLACK_AUTHORIZE_URL}?{query}"


def slack_state_take(*, session: dict, organization: Organization, state: str) -> bool:
    """Whether ``state`` is the one this session was given for this organization;
    it is forgotten either way, so a callback URL works once."""
    expected = session.pop(STATE_KEY, None)
    return (
        isinstance(expected, dict)
        and expected.get("organization") == organization.pk
        and isinstance(state, str)
        and secrets.compare_digest(str(expected.get("state", "")), state)
    )


def slack_install(
    *, organization: Organization, code: str, redirect_uri: str, actor: Person
) -> SlackInstallation:
    """Exchange the OAuth code for the bot token and keep it (encrypted). Refused when
    the workspace already belongs to another organization. Slack becomes the
    organization's first channel; linking people is the caller's next step."""
    try:
        answer = web_client().oauth_v2_access(
            client_id=settings.SLACK_CLIENT_ID,
            client_secret=settings.SLACK_CLIENT_SECRET,
            code=code,
            redirect_uri=redirect_uri,
        )
    except SlackApiError as error:
        raise ValidationError(
            _("Slack refused the connection (%(error)s). Please try again.")
            % {"error": error.response.get("error", "unknown")},
            code="oauth",
        ) from None
    team = answer.get("team") or {}
    team_id, token = str(team.get("id") or ""), str(answer.get("access_token") or "")
    if not team_id or not token or answer.get("token_type") != "bot":
        raise ValidationError(_("Slack sent an incomplete answer; nothing was changed."))
    with transaction.atomic():
        taken = SlackInstallation.objects.filter(team_id=team_id).exclude(organization=organization)
        if taken.exists():
            raise ValidationError(
                _("This Slack workspace is already connected to another organization."),
                code="team_taken",
            )
        previous = SlackInstallation.objects.filter(organization=organization).first()
        if previous is not None and previous.team_id != team_id:
            _forget_people(organization)
        installation, _created = SlackInstallation.objects.update_or_create(
            organization=organization,
            defaults={
                "team_id": team_id,
                "team_name": str(team.get("name") or "")[:200],
                "app_id": str(answer.get("app_id") or ""),
                "bot_user_id": str(answer.get("bot_user_id") or ""),
                "scopes": str(answer.get("scope") or ""),
                "bot_token_encrypted": token_encrypt(token),
                "installed_by": actor,
                "installed_at": clock.now(),
            },
        )
        enabled = organization_channels(organization_id=organization.pk)
        organization_set_channels(
            organization=organization, channels=[SLACK, *[c for c in enabled if c != SLACK]]
        )
        audit_record(
            organization=organization,
            actor=actor,
            action="slack.connect",
            summary=_("Connected the Slack workspace %(team)s")
            % {"team": installation.team_name or team_id},
            target=installation,
        )
    return installation


def _forget_people(organization: Organization) -> None:
    SlackLink.objects.filter(organization=organization).delete()
    ChatAccount.objects.filter(organization=organization, channel=SLACK).delete()


def slack_disconnect(*, organization: Organization, actor: Person | None) -> bool:
    """Revoke the bot token (best effort: Slack may be unreachable, or the app already
    removed), forget the installation and the linked people, and stop delivering on
    Slack: people get e-mail again. Messages already queued for Slack wait and are
    delivered if Slack is connected again, else fail after their attempts."""
    installation = SlackInstallation.objects.filter(organization=organization).first()
    if installation is None:
        return False
    try:
        web_client(token_decrypt(installation.bot_token_encrypted)).auth_revoke()
    except Exception as error:  # the token is dropped either way
        logger.info("auth.revoke for %s failed: %s", installation.team_id, error)
    with transaction.atomic():
        _uninstall(installation)
        audit_record(
            organization=organization,
            actor=actor,
            action="slack.disconnect",
            summary=_("Disconnected the Slack workspace %(team)s")
            % {"team": installation.team_name or installation.team_id},
        )
    return True


def _uninstall(installation: SlackInstallation) -> None:
    organization = installation.organization
    _forget_people(organization)
    installation.delete()
    enabled = [c for c in organization_channels(organization_id=organization.pk) if c != SLACK]
    organization_set_channels(organization=organization, channels=enabled)


def slack_uninstalled(*, team_id: str) -> bool:
    """Slack said the app was removed from a workspace (app_uninstalled,
    tokens_revoked): the same as disconnecting, without calling Slack."""
    installation = (
        SlackInstallation.objects.filter(team_id=team_id).select_related("organization").first()
    )
    if installation is None:
        return False
    with transaction.atomic():
        _uninstall(installation)
        audit_record(
            organization=installation.organization,
            actor=None,
            action="slack.disconnect",
            summary=_("Slack reported that the app was removed from %(team)s")
            % {"team": installation.team_name or team_id},
        )
    return True


# --- linking people -------------------------------------------------------------------


@dataclass
class LinkReport:
    found: int = 0
    missing: int = 0
    kept: int = 0


def _link(organization: Organization, person: Person, user_id: str) -> None:
    now = clock.now()
    with transaction.atomic():
        SlackLink.objects.update_or_create(
            person=person,
            defaults={
                "organization": organization,
                "email": person.email,
                "user_id": user_id,
                "checked_at": now,
            },
        )
        if user_id:
            ChatAccount.objects.filter(
                organization=organization, channel=SLACK, external_id=user_id
            ).exclude(person=person).delete()
            ChatAccount.objects.update_or_create(
                person=person,
                channel=SLACK,
                defaults={"organization": organization, "external_id": user_id, "linked_at": now},
            )
        else:
            ChatAccount.objects.filter(person=person, channel=SLACK).delete()


def _usable(user: dict) -> bool:
    return bool(user.get("id")) and not user.get("deleted") and not user.get("is_bot")


def slack_link_people(
    *, organization: Organization, person_ids: Iterable[int] | None = None, refresh: bool = False
) -> LinkReport:
    """Look every active person (or the given ones) up by e-mail in the organization's
    workspace. A person looked up before under the same address is kept unless
    ``refresh``; a rate limit is waited out inside the call (reads are safe to repeat)."""
    installation = SlackInstallation.objects.filter(organization=organization).first()
    report = LinkReport()
    if installation is None:
        return report
    client = web_client(token_decrypt(installation.bot_token_encrypted), reads=True)
    people = Person.objects.filter(organization=organization, active=True).exclude(email="")
    if person_ids is not None:
        people = people.filter(pk__in=list(person_ids))
    known = dict(
        SlackLink.objects.filter(organization=organization).values_list("person_id", "email")
    )
    for person in people.order_by("pk").iterator():
        if not refresh and known.get(person.pk, "").lower() == person.email.lower():
            report.kept += 1
            continue
        try:
            user = client.users_lookupByEmail(email=person.email).get("user") or {}
        except SlackApiError as error:
            if error.response.get("error") != "users_not_found":
                raise
            user = {}
        user_id = str(user["id"]) if _usable(user) else ""
        _link(organization, person, user_id)
        if user_id:
            report.found += 1
        else:
            report.missing += 1
    return report


def slack_person(*, installation: SlackInstallation, user_id: str) -> Person | None:
    """The person of the installation's organization behind a Slack user id: the
    linked one, or (first contact) the active person with the user's e-mail address,
    asked of Slack with users.info and linked from then on. Never anyone of another
    organization."""
    organization = installation.organization
    account = (
        ChatAccount.objects.filter(organization=organization, channel=SLACK, external_id=user_id)
        .select_related("person__organization")
        .first()
    )
    if account is not None:
        return account.person if account.person.active else None
    try:
        client = web_client(token_decrypt(installation.bot_token_encrypted), reads=True)
        user = client.users_info(user=user_id).get("user") or {}
    except Exception as error:
        logger.info("users.info %s in %s failed: %s", user_id, installation.team_id, error)
        return None
    email = str((user.get("profile") or {}).get("email") or "")
    if not email or not _usable(user):
        return None
    person = (
        Person.objects.filter(organization=organization, active=True, email__iexact=email)
        .select_related("organization")
        .first()
    )
    if person is not None:
        _link(organization, person, user_id)
    return person


def slack_reach(*, organization: Organization) -> dict[str, int]:
    """How many active people are reachable on Slack, not found there, not looked up."""
    active = Person.objects.filter(organization=organization, active=True)
    linked = ChatAccount.objects.filter(
        organization=organization, channel=SLACK, person__active=True
    ).count()
    missing = SlackLink.objects.filter(
        organization=organization, user_id="", person__active=True
    ).count()
    return {"linked": linked, "missing": missing, "unchecked": active.count() - linked - missing}


def slack_send_test(*, person: Person) -> int:
    """Queue a test message to the person on Slack (a direct message from the bot,
    delivered by the outbox like any other). Refused when they cannot be reached
    there."""
    if not SlackInstallation.objects.filter(organization_id=person.organization_id).exists():
        raise ValidationError(_("Slack is not connected."), code="not_connected")
    reachable = ChatAccount.objects.filter(
        organization_id=person.organization_id, person=person, channel=SLACK
    ).exists()
    if not reachable:
        raise ValidationError(
            _(
                "You are not reachable on Slack yet: nobody in the workspace has the address "
                "%(email)s. Look everybody up again once you have it, then try again."
            )
            % {"email": person.email},
            code="not_linked",
        )
    return outbox_write_test(person=person, channel=SLACK)
