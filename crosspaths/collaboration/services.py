"""Writes and reads of collaboration data: the settings, opt-outs, retention, a
person's own totals and erasure, and computing the stored pay-off estimate."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Q, Sum, When

from crosspaths import clock
from crosspaths.people.models import Department, Organization, Person

from .comparison import payoff_sample
from .estimate import Estimate, did_estimate
from .models import CollaborationOptOut, CollaborationSettings, Interaction, PayoffEstimate

# A figure is shown only over at least this many pairs that met (and the organization's
# smallest group of distinct people): fewer make an interval too wide to mean anything.
MIN_PAIRS = 20
DEPARTMENT_BOOTSTRAP = 300


def collaboration_settings(organization: Organization) -> CollaborationSettings:
    """The organization's settings (off, 8 weeks, 24 months when never changed)."""
    found = CollaborationSettings.objects.filter(organization=organization).first()
    return found or CollaborationSettings(organization=organization)


@transaction.atomic
def collaboration_configure(
    *,
    organization: Organization,
    enabled: bool,
    weeks_after: int | None = None,
    retention_months: int | None = None,
) -> CollaborationSettings:
    """Turn collection on or off. Off deletes every interaction count and the estimate:
    off means nothing is held, not merely that nothing new comes in."""
    settings = collaboration_settings(organization)
    settings.enabled = enabled
    if weeks_after is not None:
        settings.weeks_after = weeks_after
    if retention_months is not None:
        settings.retention_months = retention_months
    settings.save()
    if not enabled:
        Interaction.objects.filter(organization=organization).delete()
        PayoffEstimate.objects.filter(organization=organization).delete()
    return settings


def collaboration_opted_out(person: Person) -> bool:
    return CollaborationOptOut.objects.filter(
        organization_id=person.organization_id, person=person
    ).exists()


@transaction.atomic
def collaboration_opt_out(*, person: Person) -> int:
    """Stop storing and using ``person``'s interaction counts; deletes what is stored.
    Returns how many rows were deleted. Safe to run twice."""
    CollaborationOptOut.objects.get_or_create(organization_id=person.organization_id, person=person)
    return interactions_forget(person=person)


def collaboration_opt_in(*, person: Person) -> None:
    CollaborationOptOut.objects.filter(
        organization_id=person.organization_id, person=person
    ).delete()


def interactions_forget(*, person: Person) -> int:
    """Delete every interaction row of ``person`` (opt-out and erasure)."""
    deleted, _by_model = Interaction.objects.filter(
        Q(person_a=person) | Q(person_b=person), organization_id=person.organization_id
    ).delete()
    return deleted


def person_interaction_totals(*, person: Person) -> dict[str, Any]:
    """What a data export shows: the person's own totals per channel and the weeks they
    span, never anything per colleague."""
    rows = Interaction.objects.filter(
        Q(person_a=person) | Q(person_b=person), organization_id=person.organization_id
    )
    per_channel = dict(rows.values("channel").annotate(n=Sum("count")).values_list("channel", "n"))
    weeks = sorted(set(rows.values_list("period_start", flat=True).distinct()))
    return {
        "opted_out": collaboration_opted_out(person),
        "totals_by_channel": {c: per_channel.get(c, 0) for c in Interaction.Channel.values},
        "first_week": weeks[0].isoformat() if weeks else None,
        "last_week": weeks[-1].isoformat() if weeks else None,
    }


def interactions_expire(*, now: datetime) -> int:
    """Delete interaction counts older than each organization's retention (a daily job;
    safe to run twice). Returns how many rows were deleted."""
    deleted = 0
    for org_id, months in CollaborationSettings.objects.values_list(
        "organization_id", "retention_months"
    ):
        cutoff = now.date() - timedelta(days=round(months * 30.44))
        count, _by_model = Interaction.objects.filter(
            organization_id=org_id, period_start__lt=cutoff
        ).delete()
        deleted += count
    return deleted


def payoff_estimates_refresh(*, now: datetime) -> int:
    """Recompute the stored estimate of every organization collecting interaction counts
    (the daily job). Returns how many estimates it computed (it removes nothing)."""
    count = 0
    for org in Organization.objects.filter(collaboration_settings__enabled=True):
        payoff_compute(organization=org)
        count += 1
    return count


def payoff_compute(*, organization: Organization, seed: int = 17) -> PayoffEstimate:
    """Compute and store the organization's estimate (replacing the last one)."""
    settings = collaboration_settings(organization)
    weeks = settings.weeks_after
    sample = payoff_sample(organization=organization, weeks=weeks, seed=seed)
    minimum = max(1, organization.min_cell_size)
    est = did_estimate(
        np.array(sample.t_before),
        np.array(sample.t_after),
        np.array(sample.c_before),
        np.array(sample.c_after),
        seed=seed,
    )
    shown = est is not None and est.pairs >= MIN_PAIRS and len(sample.people) >= minimum
    values: dict[str, Any] = {
        "computed_at": clock.now(),
        "weeks_after": weeks,
        "pairs": len(sample.t_after),
        "comparison_pairs": sample.comparison_pairs,
        "people": len(sample.people),
        "rounds": sample.rounds,
        "shown": shown,
        "departments": _per_department_pair(organization, sample, minimum, seed),
        "trend": cross_department_trend(organization),
        **_estimate_fields(est if shown else None),
    }
    stored, _created = PayoffEstimate.objects.update_or_create(
        organization=organization, defaults=values
    )
    return stored


def _estimate_fields(est: Estimate | None) -> dict[str, Any]:
    if est is None:
        keys = ("uplift", "low", "high", "difference", "difference_low", "difference_high")
        return {k: None for k in (*keys, "met_after", "comparison_after")}
    return {
        "uplift": est.uplift,
        "low": est.low,
        "high": est.high,
        "difference": est.difference,
        "difference_low": est.difference_low,
        "difference_high": est.difference_high,
        "met_after": est.met_after,
        "comparison_after": est.counterfactual_after,
    }


def _per_department_pair(
    organization: Organization, sample: Any, minimum: int, seed: int
) -> list[dict[str, Any]]:
    """The estimate per pair of departments, only where enough pairs and people are
    behind it (the rest are left out, not shown as zeros)."""
    names = dict(Department.objects.filter(organization=organization).values_list("pk", "name"))
    by_pair: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, key in enumerate(sample.departments):
        by_pair[key].append(i)
    arrays = [
        np.array(a) for a in (sample.t_before, sample.t_after, sample.c_before, sample.c_after)
    ]
    out = []
    for key, idx in by_pair.items():
        people = {p for i in idx for p in sample.members[i]}
        if len(idx) < MIN_PAIRS or len(people) < minimum or 0 in key:
            continue
        est = did_estimate(*(a[idx] for a in arrays), bootstrap=DEPARTMENT_BOOTSTRAP, seed=seed)
        if est is None:
            continue
        out.append(
            {
                "departments": [names.get(key[0], ""), names.get(key[1], "")],
                "pairs": est.pairs,
                "uplift": est.uplift,
                "low": est.low,
                "high": est.high,
                "difference": est.difference,
            }
        )
    return sorted(out, key=lambda r: (-r["pairs"], r["departments"]))


def cross_department_trend(organization: Organization) -> list[dict[str, Any]]:
    """Per month: interactions between two departments and within one (people without a
    department left out), and the share across. A month behind fewer than the
    organization's smallest group of distinct people has no share."""
    minimum = max(1, organization.min_cell_size)
    rows = (
        Interaction.objects.filter(
            organization=organization,
            person_a__department__isnull=False,
            person_b__department__isnull=False,
        )
        .annotate(
            cross=Case(
                When(person_a__department=F("person_b__department"), then=0),
                default=1,
                output_field=IntegerField(),
            )
        )
        .values("period_start", "cross")
        .annotate(n=Sum("count"))
        .values_list("period_start", "cross", "n")
    )
    months: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for week, cross, n in rows:
        months[week.replace(day=1)][0 if cross else 1] += n
    people = _people_per_month(organization)
    out = []
    for month in sorted(months):
        across, within = months[month]
        share = round(100 * across / (across + within), 1) if across + within else None
        ok = people.get(month, 0) >= minimum
        out.append(
            {
                "month": month.isoformat(),
                "cross": across if ok else None,
                "within": within if ok else None,
                "share": share if ok else None,
            }
        )
    return out


def _people_per_month(organization: Organization) -> dict[date, int]:
    """A lower bound of the distinct people behind each month: its busiest week's
    distinct first persons (one SQL aggregate; when unsure, a month is hidden)."""
    out: dict[date, int] = {}
    for week, people in (
        Interaction.objects.filter(organization=organization)
        .values("period_start")
        .annotate(people=Count("person_a", distinct=True))
        .values_list("period_start", "people")
    ):
        month = week.replace(day=1)
        out[month] = max(out.get(month, 0), people)
    return out
