"""``manage.py roi_report --json`` and the nightly jobs."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from crosspaths.collaboration.models import Interaction, PayoffEstimate
from crosspaths.collaboration.services import collaboration_configure
from crosspaths.collaboration.synthetic import synthetic_interactions
from crosspaths.housekeeping.registry import daily_jobs
from crosspaths.housekeeping.services import housekeeping_run_due

from .test_planted_effect import FIRST_ROUND, GENEROUS, WEEKS
from .world import build


@pytest.mark.django_db
def test_it_prints_the_estimate_for_automation(capsys):
    org = build(first_round=FIRST_ROUND, slug="report")
    collaboration_configure(organization=org, enabled=True, weeks_after=WEEKS)
    synthetic_interactions(
        organization=org,
        first_week=FIRST_ROUND - timedelta(weeks=WEEKS),
        last_week=FIRST_ROUND + timedelta(weeks=5 + WEEKS),
        weeks_after=WEEKS,
        uplift=2.0,
        **GENEROUS,
    )
    call_command("roi_report", org="report", json=True)
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"uplift", "low", "high", "pairs", "comparison_pairs", "weeks_after"}
    assert data["low"] < data["uplift"] < data["high"] and data["weeks_after"] == WEEKS
    assert data["pairs"] == PayoffEstimate.objects.get(organization=org).pairs
    call_command("roi_report", org="report")
    assert "uplift 2." in capsys.readouterr().out


def test_the_nightly_jobs_are_registered_and_keep_to_the_retention(cast):
    assert {"payoff_estimates", "interactions_retention"} <= set(daily_jobs())
    collaboration_configure(organization=cast.org, enabled=True, retention_months=1)
    a, b = sorted((cast.alice.pk, cast.bob.pk))
    for week in ("2026-09-07", "2026-11-16"):
        Interaction.objects.create(
            organization=cast.org,
            period_start=week,
            person_a_id=a,
            person_b_id=b,
            channel="chat",
            count=1,
        )
    outcomes = {o.job: o for o in housekeeping_run_due(now=datetime(2026, 11, 26, 8, tzinfo=UTC))}
    assert outcomes["interactions_retention"].removed == 1
    assert outcomes["payoff_estimates"].removed == 1  # one organization's estimate computed
    assert PayoffEstimate.objects.filter(organization=cast.org).exists()
    assert not PayoffEstimate.objects.filter(organization=cast.other_org).exists()
