"""Background work of the Slack app (DEP 14 tasks: ids in, safe to run twice)."""

from __future__ import annotations

from django_tasks import task

from crosspaths.people.models import Organization

from .services import slack_link_people


@task()
def link_people(organization_id: int, refresh: bool = False) -> dict[str, int]:
    """Look the organization's people up in its Slack workspace by e-mail. Running it
    twice only looks up again (``refresh``) or keeps what is known."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return {}
    return vars(slack_link_people(organization=organization, refresh=refresh))
