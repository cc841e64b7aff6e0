"""Template helpers of the console: role checks delegate to people/permissions.py."""

from __future__ import annotations

from django import template

from crosspaths.people.permissions import can_use_console as _can_use_console

register = template.Library()


@register.filter
def can_use_console(person: object) -> bool:
    """``{% if request.person|can_use_console %}``: show the console link."""
    return _can_use_console(person)  # type: ignore[arg-type]  # a template passes whatever request.person is
