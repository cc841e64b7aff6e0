"""Tenant isolation sweep: every URL of the project, requested with another organization's
ids, as every role, answers 403/404 (anonymous: the sign-in page) and never shows or
changes the other organization's data.

The sweep walks the project's URL resolver, so a new URL is swept as soon as it exists;
a URL missing from ``REGISTRY`` fails ``test_every_url_pattern_is_in_the_registry`` with
a message saying what to add. To cover a new URL, add an entry:

    "console:round": Case(kwargs=lambda w: {"pk": w.their_round.pk}, methods=("get",)),

``kwargs`` builds the URL from the other organization's objects (``World``, below: add a
field there if your URL needs an object it lacks). Methods the view accepts are listed
in ``methods``; ``data`` builds a POST body (a form the view would accept, but pointing
at the other organization). ``own`` is for URLs of our own organization whose *body or
query* carries another organization's ids: the answer may be anything but a server
error, and must neither show nor change the other organization's data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from crosspaths import clock
from crosspaths.console.models import AuditLog, RosterUpload, RoundJob
from crosspaths.events.models import Event, Seat
from crosspaths.housekeeping.heartbeats import SCHEDULER, heartbeat_beat
from crosspaths.intranet.models import EmbedSettings
from crosspaths.meetings.models import CheckIn
from crosspaths.notify.models import ChatAccount
from crosspaths.people.models import BlockedPair, Department, Location, Person
from crosspaths.perspective.models import Ask, PerspectiveRequest
from crosspaths.programs.models import Enrollment, LeftOut, Match, MatchMember, Program, Round
from crosspaths.slack.models import SlackInstallation
from crosspaths.slack.tokens import token_encrypt
from crosspaths.teams.models import TeamsInstallation, TeamsUser

from .cast import Cast, make_cast, make_person

# URL prefixes the sweep leaves out, each with the reason.
SKIPPED = {
    "admin/": "the Django admin: staff superusers only, operators' tool, not tenant-scoped",
    "i18n/": "the language switcher: sets a cookie, reads no data",
    "static/": "static files: no data",
}


def their_scim_token(w: World) -> dict[str, Any]:
    """A SCIM token of the other organization (made on demand: only one URL needs it)."""
    from crosspaths.scim.models import ScimToken

    token, _ = ScimToken.objects.get_or_create(
        organization=w.cast.other_org, name="globex audit secret", token_hash="0" * 64
    )
    return {"pk": token.pk}


def their_api_key(w: World) -> dict[str, Any]:
    """An API key of the other organization (made on demand: only one URL needs it)."""
    from crosspaths.api.models import ApiKey

    key, _ = ApiKey.objects.get_or_create(
        organization=w.cast.other_org, name="globex audit secret", key_hash="0" * 64
    )
    return {"pk": key.pk}


def their_webhook(w: World) -> dict[str, Any]:
    """A webhook endpoint of the other organization (made on demand)."""
    from crosspaths.webhooks.models import Endpoint

    endpoint, _ = Endpoint.objects.get_or_create(
        organization=w.cast.other_org,
        url="https://globex.example/hook",
        description="globex audit secret",
        event_types=["person.paused"],
        secret_encrypted="x",
        secret_prefix="whsec_globex",
    )
    return {"pk": endpoint.pk}


def their_webhook_id(w: World) -> dict[str, Any]:
    return {"endpoint_id": their_webhook(w)["pk"]}


def their_message(w: World) -> dict[str, Any]:
    """A message of the other organization (made on demand: only one URL needs it)."""
    from crosspaths.notify.models import Message

    message, _ = Message.objects.get_or_create(
        organization=w.cast.other_org,
        dedupe_key="intro:globex-audit",
        defaults={
            "kind": "intro",
            "person": w.their_person,
            "match": w.their_match,
            "next_attempt_at": clock.now(),
            "last_error": "globex audit secret",
        },
    )
    return {"message_id": message.pk}


# Words that only the other organization's data contains: none may appear in any answer.
SECRETS = (
    "Globex",
    "Zebulon Quarrington",
    "zebulon@globex.test",
    "Dana Duarte",
    "Quasar Coffee",
    "Skunkworks Division",
    "Area 51 Office",
    "quasar-secret-reason",
    "globex-secret-roster.csv",
    "globex audit secret",
)


@dataclass
class World:
    """Our organization (the cast's Acme, where the requests come from) and the other
    one (Globex), each with a program, a round, groups, check-ins, uploads and log."""

    cast: Cast
    their_program: Program
    their_round: Round
    their_draft: Round
    their_match: Match
    their_member: MatchMember
    their_person: Person
    their_department: Department
    their_location: Location
    their_upload: RosterUpload
    their_audit: AuditLog
    their_job: RoundJob
    our_program: Program
    our_draft: Round
    our_match: Match
    our_member: MatchMember
    their_event: Event
    their_request: PerspectiveRequest
    their_ask: Ask


@dataclass
class Case:
    kwargs: Callable[[World], dict[str, Any]] | None = None
    methods: tuple[str, ...] = ("get",)
    data: Callable[[World], dict[str, Any]] | None = None
    query: Callable[[World], dict[str, Any]] | None = None
    own: list[tuple[Callable[[World], dict[str, Any]], Callable[[World], dict[str, Any]]]] = field(
        default_factory=list
    )  # (our kwargs, body/query with their ids)
    # Answers that count as "refused" (a link page says "invalid link" with 400/410).
    denied: tuple[int, ...] = (403, 404)


def forged_token(member_id: int) -> str:
    """A check-in token for ``member_id`` signed with a key that is not the site's."""
    from django.core import signing

    from crosspaths.meetings.tokens import SALT

    return signing.dumps({"m": member_id}, key="not-the-site-secret", salt=SALT, compress=True)


def their_slack_click(w: World) -> dict[str, Any]:
    """A "We met" click naming their workspace, their person and their match."""
    import json

    payload = {
        "type": "block_actions",
        "team": {"id": "T0GLOBEX"},
        "user": {"id": "UZEBULON"},
        "actions": [{"action_id": "checkin_met", "value": str(w.their_match.pk)}],
    }
    return {"payload": json.dumps(payload)}


def their_slack_home_click(w: World) -> dict[str, Any]:
    """A "Join" in their person's App Home tab naming their program."""
    import json

    payload = {
        "type": "block_actions",
        "team": {"id": "T0GLOBEX"},
        "user": {"id": "UZEBULON"},
        "view": {"id": "V1", "type": "home"},
        "actions": [
            {"action_id": f"home_join:{w.their_program.pk}", "value": str(w.their_program.pk)}
        ],
    }
    return {"payload": json.dumps(payload)}


THEIR_TENANT = "22222222-2222-4222-8222-222222222222"


def their_teams_click(w: World) -> dict[str, Any]:
    """A "We met" click naming their tenant, their person and their match."""
    return {
        "type": "invoke",
        "name": "adaptiveCard/action",
        "serviceUrl": "http://127.0.0.1:1/",
        "from": {"id": "29:zebulon"},
        "conversation": {"id": "a:zeb", "conversationType": "personal"},
        "channelData": {"tenant": {"id": THEIR_TENANT}},
        "value": {"action": {"verb": "checkin_met", "data": {"match": w.their_match.pk}}},
    }


def cross_unsubscribe_token(w: World) -> str:
    from crosspaths.notify.unsubscribe import unsubscribe_token

    return unsubscribe_token(person_id=w.cast.bob.pk, program_id=w.their_program.pk)


def their_edit(w: World) -> dict[str, Any]:
    """A hand edit of our round that names their person."""
    return {"person": w.their_person.email, "action": "swap", "other": w.cast.bob.email}


def their_idp_key(w: World) -> str:
    """The URL key of the other organization's identity provider (OpenID Connect)."""
    from crosspaths.sso.models import IdentityProvider

    idp, _ = IdentityProvider.objects.get_or_create(
        organization=w.cast.other_org,
        defaults={"protocol": "oidc", "oidc_issuer": "http://127.0.0.1:9/", "enabled": True},
    )
    return idp.key


def their_domain(w: World) -> dict[str, Any]:
    from crosspaths.sso.models import EmailDomain

    domain, _ = EmailDomain.objects.get_or_create(
        organization=w.cast.other_org, domain="globex.test"
    )
    return {"pk": domain.pk}


def cross_card_token(w: World) -> str:
    """A card token signed by us naming our organization and their person."""
    from django.core import signing

    from crosspaths.intranet.tokens import SALT

    return signing.dumps({"o": w.cast.org.pk, "p": w.their_person.pk}, salt=SALT)


def our_card_token(w: World) -> str:
    from crosspaths.intranet.tokens import card_token_mint

    return card_token_mint(person=w.cast.bob)[0]


def their(w: World) -> dict[str, Any]:
    return {"pk": w.their_program.pk}


def their_event(w: World) -> dict[str, Any]:
    return {"pk": w.their_event.pk}


def their_request(w: World) -> dict[str, Any]:
    return {"pk": w.their_request.pk}


def their_perspective_form(w: World) -> dict[str, Any]:
    """A request naming nothing of theirs but typed in our organization: must not reach
    their givers (the form carries no ids; the service reads our roster only)."""
    return {"topic": "Sneaky", "people_wanted": "1", "needed_by": "2026-12-10"}


def their_event_form(w: World) -> dict[str, Any]:
    """An event form naming the other organization's program, department and location."""
    return {
        "name": "Sneaky",
        "date": "2026-12-14",
        "attendees": "department",
        "program": w.their_program.pk,
        "department": w.their_department.pk,
        "location": w.their_location.pk,
        "table_size": "4",
        "rotations": "2",
    }


def their_bridge(w: World) -> dict[str, Any]:
    """A team bridge of the other organization (made on demand, and by ``snapshot``
    before it reads anything, so making it never shows up as a change)."""
    from crosspaths.bridges.models import Bridge
    from crosspaths.people.models import Team

    org = w.cast.other_org
    bridge = Bridge.objects.filter(organization=org).first()
    if bridge is None:
        east = Team.objects.get_or_create(organization=org, name="Globex East")[0]
        west = Team.objects.get_or_create(organization=org, name="Globex West")[0]
        program = Program.objects.create(
            organization=org, name="Globex bridge", format=Program.Format.TEAM_BRIDGE
        )
        bridge = Bridge.objects.create(organization=org, program=program)
        bridge.teams.set([east, west])
    return {"pk": bridge.pk}


def their_bridge_form(w: World) -> dict[str, Any]:
    """A bridge form naming the other organization's teams."""
    their_bridge(w)
    from crosspaths.people.models import Team

    teams = Team.objects.filter(organization=w.cast.other_org).values_list("pk", flat=True)
    return {
        "name": "Sneaky bridge",
        "teams": [str(pk) for pk in teams],
        "cadence": "weekly",
        "weekday": "0",
        "starts_on": "2026-12-14",
    }


def their_filters(w: World) -> dict[str, Any]:
    """Insights filters naming the other organization's program and location."""
    return {"program": w.their_program.pk, "location": w.their_location.pk, "period": "all"}


# The REST API (crosspaths.api) with a session: /api/v1/ takes API keys only, so every
# route answers 401 (tests/api/test_isolation.py sweeps it with their key); /api/me/
# acts as the session's own person, so their program is a 404.
_API_KEY_ONLY = (401,)
API_V1 = {
    "api:people_list": Case(),
    "api:person_read": Case(
        kwargs=lambda w: {"person_id": w.their_person.pk}, denied=_API_KEY_ONLY
    ),
    "api:person_pause_set": Case(
        kwargs=lambda w: {"person_id": w.their_person.pk},
        methods=("post",),
        data=lambda w: {"until": "2026-12-31"},
        denied=_API_KEY_ONLY,
    ),
    "api:departments_list": Case(),
    "api:teams_list": Case(),
    "api:locations_list": Case(),
    "api:programs_list": Case(),
    "api:program_create": Case(methods=("post",), data=lambda w: {"name": "x", "format": "lunch"}),
    "api:program_read": Case(
        kwargs=lambda w: {"program_id": w.their_program.pk}, denied=_API_KEY_ONLY
    ),
    "api:program_update": Case(
        kwargs=lambda w: {"program_id": w.their_program.pk},
        methods=("patch",),
        denied=_API_KEY_ONLY,
    ),
    "api:enrollments_list": Case(
        kwargs=lambda w: {"program_id": w.their_program.pk}, denied=_API_KEY_ONLY
    ),
    "api:enrollment_create": Case(
        kwargs=lambda w: {"program_id": w.their_program.pk},
        methods=("post",),
        data=lambda w: {"person_id": w.their_person.pk},
        denied=_API_KEY_ONLY,
    ),
    "api:enrollment_delete": Case(
        kwargs=lambda w: {"program_id": w.their_program.pk, "person_id": w.their_person.pk},
        methods=("delete",),
        denied=_API_KEY_ONLY,
    ),
    "api:webhooks_list": Case(),
    "api:webhook_create": Case(
        methods=("post",),
        data=lambda w: {"url": "https://example.com/", "event_types": ["person.paused"]},
    ),
    "api:webhook_read": Case(kwargs=their_webhook_id, denied=_API_KEY_ONLY),
    "api:webhook_update": Case(kwargs=their_webhook_id, methods=("patch",), denied=_API_KEY_ONLY),
    "api:webhook_delete": Case(kwargs=their_webhook_id, methods=("delete",), denied=_API_KEY_ONLY),
    "api:webhook_test": Case(kwargs=their_webhook_id, methods=("post",), denied=_API_KEY_ONLY),
    "api:webhook_deliveries": Case(kwargs=their_webhook_id, denied=_API_KEY_ONLY),
    "api:rounds_list": Case(),
    "api:round_read": Case(kwargs=lambda w: {"round_id": w.their_round.pk}, denied=_API_KEY_ONLY),
    "api:round_preview": Case(
        kwargs=lambda w: {"program_id": w.their_program.pk},
        methods=("post",),
        data=lambda w: {"date": "2026-12-07"},
        denied=_API_KEY_ONLY,
    ),
    "api:round_publish": Case(
        kwargs=lambda w: {"round_id": w.their_draft.pk}, methods=("post",), denied=_API_KEY_ONLY
    ),
    "api:round_close_now": Case(
        kwargs=lambda w: {"round_id": w.their_round.pk}, methods=("post",), denied=_API_KEY_ONLY
    ),
    "api:job_read": Case(kwargs=lambda w: {"job_id": w.their_job.pk}, denied=_API_KEY_ONLY),
    "api:matches_list": Case(kwargs=lambda w: {"round_id": w.their_round.pk}, denied=_API_KEY_ONLY),
    "api:match_read": Case(kwargs=lambda w: {"match_id": w.their_match.pk}, denied=_API_KEY_ONLY),
    "api:embed_token_create": Case(
        methods=("post",), data=lambda w: {"person_id": w.their_person.pk}
    ),
    # Added by the i15 API lane: people writes, one enrollment's pause, check-in
    # aggregates, insights figures, the audit log and message delivery.
    "api:person_create": Case(
        methods=("post",), data=lambda w: {"email": "x@acme.test", "manager_id": w.their_person.pk}
    ),
    "api:person_update": Case(
        kwargs=lambda w: {"person_id": w.their_person.pk},
        methods=("patch",),
        denied=_API_KEY_ONLY,
    ),
    "api:enrollment_pause": Case(
        kwargs=lambda w: {"program_id": w.their_program.pk, "person_id": w.their_person.pk},
        methods=("post",),
        data=lambda w: {"until": "2026-12-31"},
        denied=_API_KEY_ONLY,
    ),
    "api:round_checkins": Case(
        kwargs=lambda w: {"round_id": w.their_round.pk}, denied=_API_KEY_ONLY
    ),
    "api:program_checkins": Case(
        kwargs=lambda w: {"program_id": w.their_program.pk}, denied=_API_KEY_ONLY
    ),
    "api:insights_read": Case(query=lambda w: {"program_id": w.their_program.pk}),
    "api:insight_read": Case(kwargs=lambda w: {"slug": "waiting"}, denied=_API_KEY_ONLY),
    "api:audit_list": Case(query=lambda w: {"actor_id": w.cast.dana.pk}),
    "api:round_delivery": Case(
        kwargs=lambda w: {"round_id": w.their_round.pk}, denied=_API_KEY_ONLY
    ),
    "api:round_messages": Case(
        kwargs=lambda w: {"round_id": w.their_round.pk}, denied=_API_KEY_ONLY
    ),
    "api:message_read": Case(kwargs=their_message, denied=_API_KEY_ONLY),
    "api:my_matches": Case(),
    "api:my_programs": Case(),
    "api:my_join": Case(
        kwargs=lambda w: {"program_id": w.their_program.pk},
        methods=("post",),
        denied=(401, 403, 404),
    ),
    "api:my_leave": Case(
        kwargs=lambda w: {"program_id": w.their_program.pk},
        methods=("post",),
        denied=(401, 403, 404),
    ),
    "api:my_pause": Case(methods=("post",), data=lambda w: {"until": "2026-12-31"}),
    # Collaboration counts: a session is not an API key (401); their key naming our
    # people is swept in tests/api/test_isolation.py and tests/api/test_interactions.py.
    "api:interactions_post": Case(
        methods=("post",),
        data=lambda w: {
            "rows": [
                {
                    "period_start": "2026-11-16",
                    "person_a": w.their_person.external_id,
                    "person_b": w.their_person.external_id,
                    "channel": "chat",
                    "count": 1,
                }
            ]
        },
    ),
}


# How to request each URL with the other organization's ids. Keys are URL names
# ("namespace:name"); an unnamed pattern is keyed by its route.
REGISTRY: dict[str, Case] = {
    # Participant pages (crosspaths.web)
    "home": Case(),
    "login": Case(
        methods=("get", "post"), data=lambda w: {"username": "nobody@example.test", "password": "x"}
    ),
    "logout": Case(methods=("post",)),
    # Choosing another organization: theirs is not one of ours (404), nothing is mailed.
    "organizations": Case(
        methods=("get",), own=[(lambda w: {}, lambda w: {"organization": w.cast.other_org.pk})]
    ),
    "sign_in_sent": Case(),
    # Exists only on an instance without organizations: here, refused for everyone.
    "first_run": Case(methods=("get", "post")),
    # A sign-in link carries its own credential: "theirs" is a token we never issued.
    "sign_in_link": Case(
        kwargs=lambda w: {"token": "a-token-this-site-never-issued"},
        methods=("get", "post"),
        denied=(400, 403, 404, 410),
    ),
    "password_login": Case(
        methods=("get", "post"),
        data=lambda w: {"username": "nobody@example.test", "password": "x"},
    ),
    "onboarding": Case(
        methods=("get",),
        own=[(lambda w: {}, lambda w: {"programs": [w.their_program.pk], "languages": ["en"]})],
    ),
    "preferences": Case(
        methods=("get",),
        own=[(lambda w: {}, lambda w: {"department": w.their_department.pk, "languages": ["en"]})],
    ),
    "blocked": Case(own=[(lambda w: {}, lambda w: {"q": "Zebulon"})]),
    "block": Case(methods=("post",), own=[(lambda w: {}, lambda w: {"person": w.their_person.pk})]),
    "unblock": Case(kwargs=lambda w: {"pk": w.their_person.pk}, methods=("post",)),
    "programs": Case(),
    "program_join": Case(kwargs=their, methods=("post",)),
    "program_leave": Case(kwargs=their, methods=("post",)),
    "pause": Case(methods=("post",), own=[(lambda w: {}, lambda w: {"until": "2026-12-31"})]),
    "resume": Case(methods=("post",)),
    "match_ics": Case(kwargs=lambda w: {"pk": w.their_match.pk}),
    "match": Case(kwargs=lambda w: {"pk": w.their_match.pk}),
    "match_confirm": Case(kwargs=lambda w: {"pk": w.their_match.pk}, methods=("post",)),
    "match_propose": Case(
        kwargs=lambda w: {"pk": w.their_match.pk},
        methods=("post",),
        data=lambda w: {"day": "2026-11-27", "at": "10:00"},
    ),
    "match_withdraw": Case(kwargs=lambda w: {"pk": w.their_match.pk}, methods=("post",)),
    "match_checkin": Case(
        kwargs=lambda w: {"pk": w.their_match.pk},
        methods=("post",),
        data=lambda w: {"met": "1", "rating": "5"},
    ),
    "keep_in_touch": Case(kwargs=lambda w: {"pk": w.their_person.pk}, methods=("post",)),
    # API (crosspaths.api)
    "api:api-root": Case(),
    "api:openapi-json": Case(),
    "api:openapi-view": Case(),
    "api:health": Case(),
    "api:ready": Case(),
    # Prometheus metrics: instance-wide counts without organizations, behind a token.
    "metrics": Case(),
    # Check-in links from e-mails (crosspaths.meetings): the signed token is the
    # credential, so "their id" is a token naming their member but not signed by us.
    "meetings:checkin": Case(
        kwargs=lambda w: {"token": forged_token(w.their_member.pk), "answer": "met"},
        methods=("get", "post"),
        data=lambda w: {"rating": "1", "comment": "hijacked"},
        denied=(400, 403, 404, 410),
    ),
    # One-click unsubscribe: even a genuinely signed token naming our person and their
    # program (never issued, but the pairing is what is checked) changes nothing.
    "mail:unsubscribe": Case(
        kwargs=lambda w: {"token": cross_unsubscribe_token(w)},
        methods=("get", "post"),
        data=lambda w: {"List-Unsubscribe": "One-Click"},
        denied=(400, 403, 404, 410),
    ),
    # The development mailbox (crosspaths.notify): DEBUG only, a 404 otherwise.
    "notify:dev_mailbox": Case(),
    "notify:dev_letter": Case(kwargs=lambda w: {"letter_id": "20261125-other-org-letter"}),
    "notify:dev_attachment": Case(
        kwargs=lambda w: {"letter_id": "20261125-other-org-letter", "index": 0}
    ),
    # HR console (crosspaths.console)
    "console:dashboard": Case(),
    "console:roster": Case(methods=("get",)),
    "console:roster_export": Case(),
    "console:roster_mapping": Case(
        kwargs=lambda w: {"pk": w.their_upload.pk},
        methods=("get", "post"),
        data=lambda w: {"id": "id"},
    ),
    "console:roster_preview": Case(
        kwargs=lambda w: {"pk": w.their_upload.pk}, query=lambda w: {"deactivate_missing": "1"}
    ),
    "console:roster_apply": Case(
        kwargs=lambda w: {"pk": w.their_upload.pk},
        methods=("post",),
        data=lambda w: {"new": 1, "updated": 0, "unchanged": 0, "deactivated": 0},
    ),
    "console:people": Case(
        own=[(lambda w: {}, lambda w: {"department": w.their_department.pk, "q": "Zebulon"})]
    ),
    "console:people_invite": Case(
        methods=("post",),
        own=[
            (lambda w: {}, lambda w: {"person": [w.their_person.pk]}),
            (lambda w: {}, lambda w: {"person": [w.their_person.pk, w.cast.bob.pk]}),
        ],
    ),
    # Personal data (crosspaths.privacy): one's own, and an admin's for their people.
    "my_data": Case(),
    "my_data_json": Case(),
    "person_data": Case(kwargs=lambda w: {"pk": w.their_person.pk}),
    "person_erase": Case(
        kwargs=lambda w: {"pk": w.their_person.pk},
        methods=("post",),
        data=lambda w: {"confirm": "erase"},
    ),
    "console:person": Case(
        kwargs=lambda w: {"pk": w.their_person.pk},
        methods=("get", "post"),
        data=lambda w: {"role": "participant"},
    ),
    "console:programs": Case(),
    "console:program_new": Case(
        methods=("get",),
        own=[
            (
                lambda w: {},
                lambda w: {
                    "name": "Sneaky",
                    "format": "lunch",
                    "cadence": "weekly",
                    "weekday": "0",
                    "time": "09:00",
                    "starts_on": "2026-12-01",
                    "group_size": "2",
                    "cooldown_weeks": "4",
                    "requires_review": "0",
                    "audience_departments": [w.their_department.pk],
                    "audience_locations": [w.their_location.pk],
                    "managers": [w.their_person.pk],
                },
            )
        ],
    ),
    "console:program": Case(kwargs=their),
    "console:program_edit": Case(
        kwargs=their,
        methods=("get", "post"),
        data=lambda w: {"name": "Hijacked", "format": "lunch", "group_size": "2"},
    ),
    "console:program_enroll": Case(
        kwargs=their,
        methods=("get", "post"),
        data=lambda w: {"expected": "1"},
        # Our program with their department or location: refused, nobody enrolled.
        own=[
            (lambda w: {"pk": w.our_program.pk}, lambda w: {"department": w.their_department.pk}),
            (lambda w: {"pk": w.our_program.pk}, lambda w: {"location": w.their_location.pk}),
        ],
    ),
    "console:program_auto_enroll": Case(
        kwargs=their, methods=("post",), data=lambda w: {"on": "1"}
    ),
    "console:round": Case(kwargs=lambda w: {"pk": w.their_round.pk}),
    "console:round_comments": Case(kwargs=lambda w: {"pk": w.their_round.pk}),
    "console:round_new": Case(kwargs=their, methods=("post",), data=lambda w: {"on": "2026-12-07"}),
    "console:round_check": Case(
        kwargs=lambda w: {"pk": w.their_draft.pk},
        methods=("post",),
        data=lambda w: {"person": w.their_person.email, "action": "out"},
        own=[(lambda w: {"pk": w.our_draft.pk}, lambda w: their_edit(w))],
    ),
    "console:round_edit": Case(
        kwargs=lambda w: {"pk": w.their_draft.pk},
        methods=("post",),
        data=lambda w: {"person": w.their_person.email, "action": "out"},
        own=[
            (lambda w: {"pk": w.our_draft.pk}, lambda w: their_edit(w)),
            (
                lambda w: {"pk": w.our_draft.pk},
                lambda w: {"person": w.cast.bob.email, "action": "move", "group": w.their_match.pk},
            ),
        ],
    ),
    "console:round_job": Case(kwargs=lambda w: {"pk": w.their_job.pk}, methods=("get",)),
    "console:round_publish": Case(kwargs=lambda w: {"pk": w.their_draft.pk}, methods=("post",)),
    "console:round_rerun": Case(kwargs=lambda w: {"pk": w.their_draft.pk}, methods=("post",)),
    "console:round_discard": Case(kwargs=lambda w: {"pk": w.their_draft.pk}, methods=("post",)),
    "console:retention": Case(
        methods=("get", "post"), data=lambda w: {"checkin_comment_months": "1"}
    ),
    "console:audit": Case(own=[(lambda w: {}, lambda w: {"actor": w.their_person.pk})]),
    "console:audit_export": Case(own=[(lambda w: {}, lambda w: {"actor": w.cast.dana.pk})]),
    # Events (crosspaths.events): admins only; their event is a 404, forms that name
    # their program, department or location are refused by the form.
    # Outside perspective (crosspaths/perspective): their request and ask by id, and
    # one-click links for them signed with another key (a genuine link is a bearer
    # token, as the check-in links are).
    "perspective:index": Case(),
    "perspective:new": Case(methods=("get", "post"), own=[(lambda w: {}, their_perspective_form)]),
    "perspective:giving": Case(
        methods=("post",), own=[(lambda w: {}, lambda w: {"active": "on", "monthly_cap": "3"})]
    ),
    "perspective:request": Case(kwargs=their_request),
    "perspective:cancel": Case(kwargs=their_request, methods=("post",)),
    "perspective:helped": Case(
        kwargs=their_request, methods=("post",), data=lambda w: {"helped": "yes"}
    ),
    "perspective:answer": Case(
        kwargs=lambda w: {"pk": w.their_ask.pk}, methods=("post",), data=lambda w: {"answer": "yes"}
    ),
    "perspective:ask_link": Case(
        kwargs=lambda w: {"token": forged_token(w.their_ask.pk), "answer": "yes"},
        methods=("get", "post"),
        denied=(400, 403, 404, 410),
    ),
    "perspective:follow_up": Case(
        kwargs=lambda w: {"token": forged_token(w.their_request.pk), "answer": "yes"},
        methods=("get", "post"),
        denied=(400, 403, 404, 410),
    ),
    "perspective:console": Case(
        methods=("get", "post"),
        own=[(lambda w: {}, lambda w: {"default_monthly_cap": "3", "answer_hours": "24"})],
    ),
    "events:list": Case(),
    "events:new": Case(methods=("get",), own=[(lambda w: {}, their_event_form)]),
    "events:detail": Case(kwargs=their_event),
    "events:edit": Case(kwargs=their_event, methods=("get", "post"), data=their_event_form),
    "events:seat": Case(kwargs=their_event, methods=("post",), data=lambda w: {"again": "1"}),
    "events:pdf": Case(kwargs=their_event),
    "events:cards_csv": Case(kwargs=their_event),
    # Team bridges (crosspaths.bridges): their bridge is a 404; forms naming their teams
    # are refused by the form (the teams are not among the choices).
    "bridges:list": Case(),
    "bridges:new": Case(methods=("get",), own=[(lambda w: {}, their_bridge_form)]),
    "bridges:detail": Case(kwargs=their_bridge),
    "bridges:teams": Case(kwargs=their_bridge, methods=("get", "post"), data=their_bridge_form),
    # Single sign-on (crosspaths.sso): the console page, its domains and the trial; the
    # company sign-in; allauth's protocol endpoints for their identity provider, which
    # answer a request without our own flow's state with the refusal page (400) or 404.
    "sso:settings": Case(methods=("get", "post")),
    "sso:domain_add": Case(methods=("post",), data=lambda w: {"domain": "example.test"}),
    "sso:domain_remove": Case(kwargs=their_domain, methods=("post",)),
    "sso:try": Case(methods=("post",)),
    "sso:try_result": Case(),
    "sso:company_sign_in": Case(
        methods=("get", "post"), data=lambda w: {"email": "nobody@example.test"}
    ),
    "openid_connect_callback": Case(
        kwargs=lambda w: {"provider_id": their_idp_key(w)}, denied=(400, 403, 404)
    ),
    "saml_acs": Case(
        kwargs=lambda w: {"organization_slug": their_idp_key(w)},
        methods=("get", "post"),
        denied=(400, 403, 404),
    ),
    "saml_finish_acs": Case(
        kwargs=lambda w: {"organization_slug": their_idp_key(w)}, denied=(400, 403, 404)
    ),
    "saml_sls": Case(
        kwargs=lambda w: {"organization_slug": their_idp_key(w)}, denied=(400, 403, 404)
    ),
    "saml_metadata": Case(
        kwargs=lambda w: {"organization_slug": their_idp_key(w)}, denied=(400, 403, 404)
    ),
    # Provisioning (crosspaths.scim): the token pages are our organization's; revoking
    # their token is a 404. The SCIM API itself answers a session with 401 (it takes
    # bearer tokens only); tests/scim/test_isolation.py sweeps it with their token.
    "scim_console:tokens": Case(),
    "scim_console:token_new": Case(methods=("post",), data=lambda w: {"name": "ours"}),
    "scim_console:token_revoke": Case(kwargs=their_scim_token, methods=("post",)),
    "scim_console:resume": Case(methods=("post",)),
    "scim": Case(
        kwargs=lambda w: {"path": f"/Users/{w.their_person.pk}"},
        methods=("get", "post"),
        denied=(401,),
    ),
    # Slack (crosspaths.slack): Slack's endpoints take no session; without Slack's
    # signature every role gets 403 (tests/slack/test_inbound.py drives them signed,
    # one workspace naming another organization's match and people). The console pages
    # act on our organization only; their workspace stays connected.
    "slack:interactions": Case(
        methods=("post",),
        own=[
            (lambda w: {}, lambda w: their_slack_click(w)),
            (lambda w: {}, lambda w: their_slack_home_click(w)),
        ],
    ),
    "slack:commands": Case(
        methods=("post",),
        own=[(lambda w: {}, lambda w: {"team_id": "T0GLOBEX", "text": "pause until 2026-12-31"})],
    ),
    "slack:events": Case(methods=("post",)),
    "slack:oauth_callback": Case(own=[(lambda w: {}, lambda w: {"state": "x", "code": "c"})]),
    "slack:settings": Case(),
    "slack:connect": Case(methods=("post",)),
    "slack:link": Case(methods=("post",)),
    "slack:disconnect": Case(methods=("post",)),
    "slack:test_message": Case(methods=("post",)),
    # Microsoft Teams (crosspaths.teams): the bot's endpoint takes no session; without
    # the Bot Framework's JWT every role gets 401 (tests/teams/test_auth.py and
    # test_inbound.py drive it signed, one tenant naming another organization's match
    # and people). Connecting their tenant is refused; the other pages act on ours.
    "teams:messages": Case(
        methods=("post",),
        denied=(401,),
        own=[(lambda w: {}, lambda w: their_teams_click(w))],
    ),
    "teams:settings": Case(),
    "teams:connect": Case(
        methods=("post",), own=[(lambda w: {}, lambda w: {"tenant_id": THEIR_TENANT})]
    ),
    "teams:package": Case(),
    "teams:test_message": Case(methods=("post",)),
    "teams:disconnect": Case(methods=("post",)),
    # API keys (crosspaths.api): our organization's page; revoking their key is a 404.
    "api_console:keys": Case(),
    "api_console:key_new": Case(methods=("post",), data=lambda w: {"name": "ours"}),
    "api_console:key_revoke": Case(kwargs=their_api_key, methods=("post",)),
    # Webhooks (crosspaths.webhooks): our organization's list and form; every page of
    # their endpoint is a 404.
    "webhooks_console:endpoints": Case(),
    "webhooks_console:endpoint_new": Case(
        methods=("post",),
        data=lambda w: {"url": "http://127.0.0.1:8650/", "event_types": ["person.paused"]},
    ),
    "webhooks_console:endpoint": Case(kwargs=their_webhook, methods=("get", "post")),
    "webhooks_console:endpoint_enable": Case(kwargs=their_webhook, methods=("post",)),
    "webhooks_console:endpoint_disable": Case(kwargs=their_webhook, methods=("post",)),
    "webhooks_console:endpoint_delete": Case(kwargs=their_webhook, methods=("post",)),
    "webhooks_console:endpoint_test": Case(kwargs=their_webhook, methods=("post",)),
    **API_V1,
    # The intranet cards (crosspaths.intranet): the card token is the credential, so
    # "theirs" is a token we signed naming our organization and their person (never
    # issued: the pair is what is checked), or our Bob's genuine token with their
    # program; the organization card's key is one we never issued.
    "intranet:card": Case(query=lambda w: {"t": cross_card_token(w)}),
    "intranet:card_join": Case(
        kwargs=their,
        methods=("post",),
        data=lambda w: {"t": our_card_token(w)},
        denied=(400, 403, 404, 410),
    ),
    "intranet:card_pause": Case(
        methods=("post",),
        own=[
            (lambda w: {}, lambda w: {"t": cross_card_token(w), "until": "2026-12-31"}),
            (lambda w: {}, lambda w: {"t": cross_card_token(w), "resume": "1"}),
        ],
    ),
    "intranet:organization_card": Case(
        kwargs=lambda w: {"key": "a-key-this-site-never-issued"}, denied=(404,)
    ),
    "intranet_console:settings": Case(
        methods=("get",), own=[(lambda w: {}, lambda w: {"origins": "https://intranet.acme.test"})]
    ),
    "intranet_console:card_key_renew": Case(methods=("post",)),
    # Insights (crosspaths.insights): filters that name their program or location are
    # refused by the filter form; a figure or quarter that does not exist is a 404.
    "insights:dashboard": Case(own=[(lambda w: {}, their_filters)]),
    "insights:csv": Case(
        kwargs=lambda w: {"slug": "their-figure"},
        own=[(lambda w, s=slug: {"slug": s}, their_filters) for slug in ("waiting", "departments")],
    ),
    "insights:report": Case(
        kwargs=lambda w: {"quarter": "2026-q5"},
        own=[(lambda w: {"quarter": "2026-q4"}, their_filters)],
    ),
    # "Does it pay off?" and collaboration counts (crosspaths.collaboration): no ids in
    # the URL; each reads and changes the requester's own organization only (their
    # estimate names "Skunkworks Division", their counts are in the snapshot).
    "insights:payoff": Case(methods=("get", "post")),
    "insights:recount": Case(methods=("post",)),
    "insights:payoff_csv": Case(),
    "collaboration:about": Case(),
    "collaboration:opt_out": Case(methods=("post",), data=lambda w: {"choice": "out"}),
    "collaboration:settings": Case(methods=("post",), data=lambda w: {"confirm": "off"}),
    # Onboarding journeys (crosspaths.journeys): the console lists our plans' journeys
    # only; their program's journey settings are a 404; the new hire sees their own.
    "journeys:console": Case(),
    "journeys:plan_save": Case(
        kwargs=their,
        methods=("post",),
        data=lambda w: {f"p{w.their_program.pk}-weeks": "3", f"p{w.their_program.pk}-active": "on"},
    ),
    "journeys:mine": Case(),
}


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    """(route, key) for every URL pattern, descending into includes."""
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace + (f"{p.namespace}:" if p.namespace else "")
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            yield route, (namespace + p.name) if p.name else route


def swept_patterns() -> list[tuple[str, str]]:
    return [
        (route, key)
        for route, key in walk(get_resolver().url_patterns)
        if not any(route.startswith(prefix) for prefix in SKIPPED)
    ]


def test_every_url_pattern_is_in_the_registry():
    missing = [f"{key!r} ({route})" for route, key in swept_patterns() if key not in REGISTRY]
    assert not missing, (
        "These URLs are not covered by the tenant isolation sweep; add an entry for each "
        "to REGISTRY in tests/test_isolation.py (see its docstring): " + ", ".join(missing)
    )


def test_the_registry_names_no_url_that_does_not_exist():
    known = {key for _, key in swept_patterns()}
    assert set(REGISTRY) <= known, sorted(set(REGISTRY) - known)


def build_world() -> World:
    cast = make_cast()
    # A live scheduler, so /api/ready answers 200 rather than 503 (not ready).
    heartbeat_beat(name=SCHEDULER, now=clock.now())
    other = cast.other_org
    other.name = "Globex Corporation"
    other.save()
    dept = Department.objects.create(organization=other, name="Skunkworks Division")
    loc = Location.objects.create(organization=other, name="Area 51 Office", timezone="UTC")
    zeb = make_person(
        other,
        "zebulon@globex.test",
        "Zebulon Quarrington",
        external_id="Z9",
        department=dept,
        location=loc,
        manager=cast.dana,
    )
    BlockedPair.objects.create(organization=other, person=zeb, other=cast.dana)
    program = Program.objects.create(organization=other, name="Quasar Coffee", format="lunch")
    program.managers.add(cast.dana)
    rnd = Round.objects.create(
        organization=other, program=program, date=date(2026, 11, 2), status="published"
    )
    draft = Round.objects.create(organization=other, program=program, date=date(2026, 11, 9))
    match = Match.objects.create(
        organization=other,
        round=rnd,
        organizer=zeb,
        reasons=[{"code": "custom", "text": "quasar-secret-reason", "params": {}}],
    )
    member = MatchMember.objects.create(organization=other, match=match, round=rnd, person=zeb)
    MatchMember.objects.create(organization=other, match=match, round=rnd, person=cast.dana)
    CheckIn.objects.create(organization=other, member=member, met=True, rating=5)
    draft_match = Match.objects.create(organization=other, round=draft)
    for p in (zeb, cast.dana):
        MatchMember.objects.create(organization=other, match=draft_match, round=draft, person=p)
        Enrollment.objects.create(organization=other, program=program, person=p)
    upload = RosterUpload.objects.create(
        organization=other,
        uploaded_by=cast.dana,
        file_name="globex-secret-roster.csv",
        text="id,name,email\nZ9,Zebulon Quarrington,zebulon@globex.test\n",
        headers=["id", "name", "email"],
        mapping={"id": "id", "name": "name", "email": "email"},
        rows=1,
    )
    audit = AuditLog.objects.create(
        organization=other,
        actor=cast.dana,
        actor_name="Dana Duarte",
        action="program.create",
        summary="globex audit secret",
    )

    # Their Slack workspace, with Zebulon linked.
    SlackInstallation.objects.create(
        organization=other,
        team_id="T0GLOBEX",
        team_name="Globex Corporation Slack",
        bot_token_encrypted=token_encrypt("xoxb-globex"),
        installed_at=timezone.now(),
    )
    ChatAccount.objects.create(
        organization=other,
        person=zeb,
        channel="slack",
        external_id="UZEBULON",
        linked_at=timezone.now(),
    )
    # Their Teams tenant, with Zebulon's conversation reference.
    TeamsInstallation.objects.create(
        organization=other, tenant_id=THEIR_TENANT, connected_at=timezone.now()
    )
    TeamsUser.objects.create(
        organization=other,
        person=zeb,
        user_id="29:zebulon",
        service_url="http://127.0.0.1:1/",
        conversation_id="a:zeb",
        linked_at=timezone.now(),
    )
    ChatAccount.objects.create(
        organization=other,
        person=zeb,
        channel="teams",
        external_id="29:zebulon",
        linked_at=timezone.now(),
    )
    their_collaboration(other, zeb, cast.dana, dept)
    EmbedSettings.objects.create(
        organization=other, origins=["https://globex-intranet.test"], card_key="globex-card-key"
    )

    # Our side: Chidi manages our coffee program, which has a draft round.
    cast.chidi.role = Person.Role.PROGRAM_MANAGER
    cast.chidi.save()
    ours = Program.objects.create(organization=cast.org, name="Coffee", format="virtual_coffee")
    ours.managers.add(cast.chidi)
    our_draft = Round.objects.create(organization=cast.org, program=ours, date=date(2026, 11, 9))
    our_match = Match.objects.create(organization=cast.org, round=our_draft)
    our_member = MatchMember.objects.create(
        organization=cast.org, match=our_match, round=our_draft, person=cast.bob
    )
    MatchMember.objects.create(
        organization=cast.org, match=our_match, round=our_draft, person=cast.chidi
    )
    LeftOut.objects.create(
        organization=cast.org, round=our_draft, person=cast.alice, code="alone", reason="alone"
    )
    event = Event.objects.create(
        organization=other, name="Quasar Coffee townhall", date=date(2026, 12, 10), program=program
    )
    for p in (zeb, cast.dana):
        Seat.objects.create(organization=other, event=event, person=p, rotation=1, table=1)
    their_req = PerspectiveRequest.objects.create(
        organization=other,
        requester=cast.dana,
        topic="quasar-secret-reason",
        needed_by=date(2026, 12, 10),
        status="scheduled",
        match=match,
    )
    their_ask = Ask.objects.create(
        organization=other,
        request=their_req,
        person=zeb,
        asked_at=timezone.now(),
        expires_at=timezone.now(),
    )
    return World(
        their_request=their_req,
        their_ask=their_ask,
        cast=cast,
        their_program=program,
        their_round=rnd,
        their_draft=draft,
        their_match=match,
        their_member=member,
        their_person=zeb,
        their_department=dept,
        their_location=loc,
        their_upload=upload,
        their_audit=audit,
        their_job=RoundJob.objects.create(
            organization=other,
            program=program,
            on=draft.date,
            round=draft,
            kind=RoundJob.Kind.PUBLISH,
            status=RoundJob.Status.FAILED,
            error="quasar-secret-reason",
            actor=cast.dana,
        ),
        our_program=ours,
        our_draft=our_draft,
        our_match=our_match,
        our_member=our_member,
        their_event=event,
    )


def their_collaboration(other: Any, zeb: Person, dana: Person, dept: Department) -> None:
    """The other organization collects interaction counts and has an estimate."""
    from crosspaths.clock import now
    from crosspaths.collaboration.models import Interaction, PayoffEstimate
    from crosspaths.collaboration.services import collaboration_configure

    collaboration_configure(organization=other, enabled=True)
    a, b = sorted((zeb.pk, dana.pk))
    Interaction.objects.create(
        organization=other,
        period_start=date(2026, 11, 16),
        person_a_id=a,
        person_b_id=b,
        channel="chat",
        count=7,
    )
    PayoffEstimate.objects.create(
        organization=other,
        computed_at=now(),
        weeks_after=8,
        pairs=40,
        shown=True,
        uplift=2.5,
        low=2.0,
        high=3.0,
        departments=[
            {"departments": [dept.name, dept.name], "pairs": 40, "uplift": 2.5, "low": 2, "high": 3}
        ],
    )


def snapshot(w: World) -> dict[str, Any]:
    """Everything of the other organization a request could change."""
    org = w.cast.other_org
    their_bridge(w)
    return {
        "mentoring": _their_mentoring_rows(w),  # first: it makes their mentoring program
        "people": list(
            Person.objects.filter(organization=org)
            .order_by("pk")
            .values_list("pk", "name", "email", "role", "active", "invited_at", "updated_at")
        ),
        "programs": list(Program.objects.filter(organization=org).order_by("pk").values()),
        "managers": list(
            Program.managers.through.objects.filter(program__organization=org)
            .order_by("pk")
            .values_list("program_id", "person_id")
        ),
        "rounds": list(Round.objects.filter(organization=org).order_by("pk").values()),
        "matches": list(Match.objects.filter(organization=org).order_by("pk").values()),
        "members": list(
            MatchMember.objects.filter(organization=org)
            .order_by("pk")
            .values_list("pk", "match_id", "person_id")
        ),
        "checkins": list(CheckIn.objects.filter(organization=org).order_by("pk").values()),
        "enrollments": list(Enrollment.objects.filter(organization=org).order_by("pk").values()),
        "uploads": list(RosterUpload.objects.filter(organization=org).order_by("pk").values()),
        "audit": AuditLog.objects.filter(organization=org).count(),
        "interactions": _their_interactions(org),
        "blocked": BlockedPair.objects.filter(organization=org).count(),
        "slack": list(
            SlackInstallation.objects.filter(organization=org).values_list(
                "team_id", "bot_token_encrypted"
            )
        ),
        "teams": list(TeamsInstallation.objects.filter(organization=org).values_list("tenant_id")),
        "teams_users": list(
            TeamsUser.objects.filter(organization=org)
            .order_by("pk")
            .values_list("person_id", "user_id", "service_url", "conversation_id")
        ),
        "chat_accounts": list(
            ChatAccount.objects.filter(organization=org)
            .order_by("pk")
            .values_list("person_id", "external_id")
        ),
        "events": list(Event.objects.filter(organization=org).order_by("pk").values()),
        "perspective": list(
            PerspectiveRequest.objects.filter(organization=org).order_by("pk").values()
        ),
        "asks": list(Ask.objects.filter(organization=org).order_by("pk").values()),
        "seats": list(Seat.objects.filter(organization=org).order_by("pk").values()),
        "embed": list(EmbedSettings.objects.filter(organization=org).values()),
        "webhooks": _their_webhooks(w),
        "bridges": _their_bridges(org),
    }


def _their_bridges(org: Any) -> list[Any]:
    from crosspaths.bridges.models import Bridge

    return [
        (b.pk, b.program_id, sorted(b.teams.values_list("pk", flat=True)))
        for b in Bridge.objects.filter(organization=org).order_by("pk")
    ]


def _their_webhooks(w: World) -> list[Any]:
    """Their endpoint (made here first, so that making it on demand changes nothing
    between two snapshots) and its deliveries."""
    from crosspaths.webhooks.models import Delivery, Endpoint

    their_webhook(w)
    org = w.cast.other_org
    return [
        list(Endpoint.objects.filter(organization=org).order_by("pk").values()),
        Delivery.objects.filter(organization=org).count(),
    ]


def roles(w: World) -> dict[str, User | None]:
    return {
        "admin": w.cast.alice.user,
        "program manager": w.cast.chidi.user,
        "participant": w.cast.bob.user,
        "anonymous": None,
    }


def body_of(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def assert_no_leak(response: Any, where: str) -> None:
    body = body_of(response)
    leaked = [s for s in SECRETS if s.lower() in body.lower()]
    assert not leaked, f"{where} shows the other organization's data: {leaked}"
    assert response.status_code < 500, f"{where} answered {response.status_code}"


def is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/login/")


def request(client: Client, method: str, path: str, data: dict[str, Any] | None) -> Any:
    if method == "get":
        return client.get(path, data or {})
    return getattr(client, method)(path, data or {})


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "key"), swept_patterns(), ids=lambda v: str(v))
def test_no_role_reaches_another_organizations_data(route: str, key: str) -> None:
    case = REGISTRY.get(key)
    if case is None:
        pytest.fail(f"{key!r} ({route}) is not in REGISTRY of tests/test_isolation.py; add it")
    world = build_world()
    from django.urls import reverse

    for role, user in roles(world).items():
        for method in case.methods:
            before = snapshot(world)
            client = Client()
            if user is not None:
                client.force_login(user)
            path = reverse(key, kwargs=case.kwargs(world) if case.kwargs else None)
            data = case.data(world) if case.data and method != "get" else None
            if method == "get" and case.query:
                data = case.query(world)
            response = request(client, method, path, data)
            where = f"{method.upper()} {path} as {role}"
            assert_no_leak(response, where)
            if case.kwargs is not None:
                if user is None:
                    assert is_login_redirect(response) or response.status_code in case.denied, (
                        f"{where} answered {response.status_code}"
                    )
                else:
                    assert response.status_code in case.denied, (
                        f"{where} answered {response.status_code}, not one of {case.denied}"
                    )
            assert snapshot(world) == before, f"{where} changed the other organization's data"
        for own_kwargs, foreign in case.own:
            for method in (*case.methods, "post") if "post" not in case.methods else case.methods:
                before = snapshot(world)
                client = Client()
                if user is not None:
                    client.force_login(user)
                path = reverse(key, kwargs=own_kwargs(world) or None)
                response = request(client, method, path, foreign(world))
                where = f"{method.upper()} {path} with their ids as {role}"
                assert_no_leak(response, where)
                assert snapshot(world) == before, f"{where} changed the other organization's data"


def _their_interactions(org: Any) -> list[Any]:
    from crosspaths.collaboration.models import CollaborationSettings, Interaction

    return [
        list(Interaction.objects.filter(organization=org).order_by("pk").values()),
        list(CollaborationSettings.objects.filter(organization=org).values("enabled")),
    ]


# Mentoring (crosspaths.mentoring): their mentoring program is a 404 to everyone of ours,
# and our program's answer form refuses their match.
def their_mentoring(w: World) -> Program:
    """A mentoring program of the other organization with its settings (made on demand)."""
    from crosspaths.mentoring.models import MentoringSettings

    program, _ = Program.objects.get_or_create(
        organization=w.cast.other_org, name="Globex mentoring", format="mentoring"
    )
    MentoringSettings.objects.get_or_create(organization=w.cast.other_org, program=program)
    return program


def our_mentoring(w: World) -> Program:
    program, _ = Program.objects.get_or_create(
        organization=w.cast.org, name="Acme mentoring", format="mentoring"
    )
    return program


def _their_mentoring_rows(w: World) -> list[Any]:
    from crosspaths.mentoring.models import Cycle, MentoringRole, MentoringSettings, NudgeAnswer

    their_mentoring(w)
    org = w.cast.other_org
    return [
        list(model.objects.filter(organization=org).order_by("pk").values())
        for model in (MentoringSettings, MentoringRole, Cycle, NudgeAnswer)
    ]


def _their_mentoring_pk(w: World) -> dict[str, Any]:
    return {"pk": their_mentoring(w).pk}


REGISTRY.update(
    {
        "mentoring:mine": Case(kwargs=_their_mentoring_pk),
        "mentoring:join": Case(
            kwargs=_their_mentoring_pk, methods=("post",), data=lambda w: {"role": "mentee"}
        ),
        "mentoring:answer": Case(
            kwargs=lambda w: {"pk": their_mentoring(w).pk, "match_pk": w.their_match.pk},
            methods=("post",),
            data=lambda w: {"month": 1, "met": "1"},
            own=[
                (
                    lambda w: {"pk": our_mentoring(w).pk, "match_pk": w.their_match.pk},
                    lambda w: {"month": 1, "met": "1"},
                )
            ],
        ),
        "mentoring_console:program": Case(
            kwargs=_their_mentoring_pk,
            methods=("get", "post"),
            data=lambda w: {"gap_min": 0, "gap_max": 9, "capacity_default": 3, "cycle_months": 1},
        ),
        "mentoring_console:start": Case(kwargs=_their_mentoring_pk, methods=("post",)),
        "mentoring_console:end": Case(kwargs=_their_mentoring_pk, methods=("post",)),
    }
)
