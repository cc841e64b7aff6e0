"""What the console's navigation needs on every page: the current section and which
links the signed-in person may see. One definition for the console and the format apps
whose pages sit in it (bridges, events, journeys, mentoring, outside perspective)."""

from __future__ import annotations

from crosspaths.people.http import PersonRequest
from crosspaths.people.permissions import can_create_program, can_manage_people, can_view_audit_log


def console_context(request: PersonRequest, section: str, **extra: object) -> dict[str, object]:
    person = request.person
    return {
        "section": section,
        "can_manage_people": can_manage_people(person),
        "can_view_audit_log": can_view_audit_log(person),
        "can_create_program": can_create_program(person),
        **extra,
    }
