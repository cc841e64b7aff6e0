"""Tenant isolation of the REST API: every operation of /api/v1 in the OpenAPI schema
(so a new route is swept as soon as it exists), called with a write key of the other
organization and our organization's ids in the path and the body, answers 404 or 422,
shows nothing of ours and changes nothing of ours."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest

from crosspaths import clock
from crosspaths.api.api import api as ninja_api
from crosspaths.collaboration.models import Interaction
from crosspaths.collaboration.services import collaboration_configure
from crosspaths.console.models import AuditLog, RoundJob
from crosspaths.insights.figures import FIGURES
from crosspaths.notify.models import Message
from crosspaths.people.models import Person
from crosspaths.programs.models import Enrollment, Match, MatchMember, Program, Round
from crosspaths.webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db

# Path parameters that name no object (their key reads its own organization's figure).
NOT_IDS = {"slug"}

# Words only our organization's data contains.
OURS = ("Acme", "Alice Adler", "bob@acme.test", "Chidi", "Coffee roulette", "acme-secret-reason")


def _world(cast) -> dict[str, Any]:
    program = Program.objects.create(
        organization=cast.org, name="Coffee roulette", format="virtual_coffee"
    )
    Enrollment.objects.create(organization=cast.org, program=program, person=cast.bob)
    published = Round.objects.create(
        organization=cast.org, program=program, date=date(2026, 11, 23), status="published"
    )
    draft = Round.objects.create(organization=cast.org, program=program, date=date(2026, 11, 30))
    match = Match.objects.create(
        organization=cast.org,
        round=published,
        reasons=[{"code": "custom", "text": "acme-secret-reason", "params": {}}],
    )
    for person in (cast.bob, cast.chidi):
        MatchMember.objects.create(
            organization=cast.org, match=match, round=published, person=person
        )
    job = RoundJob.objects.create(
        organization=cast.org, program=program, on=draft.date, round=draft, kind="draft"
    )
    endpoint = Endpoint.objects.create(
        organization=cast.org,
        url="https://acme.example/hook",
        description="Acme data lake",
        event_types=["person.paused"],
        secret_encrypted="x",
        secret_prefix="whsec_acme",
    )
    message = Message.objects.create(
        organization=cast.org,
        kind="intro",
        person=cast.bob,
        match=match,
        dedupe_key=f"intro:{match.pk}:{cast.bob.pk}",
        next_attempt_at=clock.now(),
        last_error="acme-secret-reason",
    )
    # Both organizations collect interaction counts, so their key's import of rows
    # naming our people gets as far as the roster ids.
    for org in (cast.org, cast.other_org):
        collaboration_configure(organization=org, enabled=True)
    return {
        "endpoint_id": endpoint.pk,
        "message_id": message.pk,
        "slug": [slug for slug in FIGURES],
        "person_id": cast.bob.pk,
        "program_id": program.pk,
        "round_id": [published.pk, draft.pk],
        "job_id": job.pk,
        "match_id": match.pk,
        "_department": cast.engineering.pk,
        "_manager": cast.chidi.pk,
    }


def _body(world: dict[str, Any]) -> dict[str, Any]:
    """Every body field any operation takes, pointing at our objects."""
    return {
        "person_id": world["person_id"],
        "until": "2026-12-24",
        "date": "2026-12-07",
        "name": "Hijacked",
        "format": "lunch",
        "audience": {"departments": [world["_department"]]},
        "managers": [world["_manager"]],
        "url": "https://example.com/hook",
        "event_types": ["person.paused"],
        "enabled": False,
        "manager_id": world["_manager"],
        "email": "bob@acme.test",
        "rows": [
            {
                "period_start": "2026-11-16",
                "person_a": "A1",  # Alice's and Bob's roster ids
                "person_b": "B2",
                "channel": "chat",
                "count": 7,
            }
        ],
    }


def _snapshot(cast) -> dict[str, Any]:
    org = cast.org
    return {
        "people": list(Person.objects.filter(organization=org).order_by("pk").values()),
        "programs": list(Program.objects.filter(organization=org).order_by("pk").values()),
        "enrollments": list(Enrollment.objects.filter(organization=org).order_by("pk").values()),
        "rounds": list(Round.objects.filter(organization=org).order_by("pk").values()),
        "matches": list(Match.objects.filter(organization=org).order_by("pk").values()),
        "jobs": RoundJob.objects.filter(organization=org).count(),
        "audit": AuditLog.objects.filter(organization=org).count(),
        "webhooks": list(Endpoint.objects.filter(organization=org).order_by("pk").values()),
        "deliveries": Delivery.objects.filter(organization=org).count(),
        "interactions": Interaction.objects.filter(organization=org).count(),
        "any_interactions": Interaction.objects.filter(person_a__organization=org).count(),
    }


def _fields(method: str, path: str) -> set[str]:
    """The body fields the operation takes, from its schema."""
    schema = ninja_api.get_openapi_schema()
    body = schema["paths"][path][method].get("requestBody")
    if not body:
        return set()
    body_schema = body["content"]["application/json"]["schema"]
    if "$ref" not in body_schema:  # written out in the operation (it also takes CSV)
        return set(body_schema["properties"])
    ref = body_schema["$ref"].rsplit("/", 1)[1]
    return set(schema["components"]["schemas"][ref]["properties"])


def _operations() -> list[tuple[str, str]]:
    schema = ninja_api.get_openapi_schema()
    return [
        (method, path)
        for path, operations in schema["paths"].items()
        if path.startswith("/api/v1/")
        for method in operations
    ]


def _paths(path: str, world: dict[str, Any]) -> list[str]:
    """The path with our ids (every one of ours where a parameter has several)."""
    names = re.findall(r"{(\w+)}", path)
    paths = [path]
    for name in names:
        values = world[name] if isinstance(world[name], list) else [world[name]]
        paths = [p.replace("{" + name + "}", str(v)) for p in paths for v in values]
    return paths


@pytest.mark.parametrize(("method", "path"), _operations())
def test_their_key_reaches_nothing_of_ours(method, path, cast, other_api):
    world = _world(cast)
    for url in _paths(path, world):
        before = _snapshot(cast)
        fields = _fields(method, path)
        body = {k: v for k, v in _body(world).items() if k in fields} if fields else None
        if method in ("post", "patch") and body is None:
            body = {}
        answer = other_api.call(method.upper(), url.removeprefix("/api/v1"), body)
        where = f"{method.upper()} {url} with their key"
        text = answer.content.decode()
        leaked = [word for word in OURS if word.lower() in text.lower()]
        assert not leaked, f"{where} shows our data: {leaked}"
        if set(re.findall(r"{(\w+)}", path)) - NOT_IDS:
            assert answer.status_code == 404, f"{where} answered {answer.status_code}: {text}"
        else:
            assert answer.status_code in (200, 201, 422), f"{where}: {answer.status_code} {text}"
        assert _snapshot(cast) == before, f"{where} changed our data"
        if answer.status_code == 201:  # made in their organization, naming none of ours
            created = json.loads(text)
            assert world["_department"] not in created.get("audience", {}).get("departments", [])


def test_every_v1_operation_is_swept():
    assert len(_operations()) >= 32
