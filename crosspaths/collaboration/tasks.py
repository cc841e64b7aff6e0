"""Background work of the collaboration app (DEP 14 tasks: ids in, safe to run twice)."""

from __future__ import annotations

from django_tasks import task

from crosspaths.people.models import Organization

from . import services


@task()
def payoff_compute(organization_id: int) -> int:
    """Recompute an organization's stored estimate (the page's "compute now")."""
    org = Organization.objects.get(pk=organization_id)
    return services.payoff_compute(organization=org).pairs
