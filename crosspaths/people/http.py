"""The request types of Crosspaths' views, for the type checker only.

``CurrentPersonMiddleware`` sets ``person``, ``organization`` and ``memberships`` on every
request, django-htmx's middleware ``htmx``. A view behind ``person_required`` (or
``admin_required``, ``manager_required``, ``insights_required``) always has a person, so
it takes a ``PersonRequest``; a view that also serves signed-out visitors takes a
``VisitorRequest`` and checks for None itself.
Nothing constructs these classes: they only tell mypy what the middleware guarantees.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from .models import Organization, Person


class VisitorRequest(HttpRequest):
    """Any request after the middleware: ``person`` is None when signed out, when the
    person left, or when no membership is chosen yet."""

    person: Person | None
    organization: Organization | None
    memberships: list[Person]
    htmx: HtmxDetails


class PersonRequest(HttpRequest):
    """A request of a signed-in person of an organization (``person_required`` passed)."""

    person: Person
    organization: Organization
    memberships: list[Person]
    htmx: HtmxDetails
