"""The nightly insights refresh: queued by the scheduler once a day, whoever asks."""

from datetime import UTC, datetime

from crosspaths.insights.models import NightlyRun, RoundFigures
from crosspaths.insights.services import insights_nightly_due


def test_it_waits_for_the_night_hour(net, settings):
    settings.INSIGHTS_NIGHTLY_HOUR_UTC = 2
    assert not insights_nightly_due(now=datetime(2026, 11, 25, 1, 59, tzinfo=UTC))
    assert not NightlyRun.objects.exists()
    assert not RoundFigures.objects.exists()


def test_the_first_pass_after_the_hour_refreshes_and_later_passes_do_not(
    net, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert insights_nightly_due(now=datetime(2026, 11, 25, 2, 0, tzinfo=UTC))
    # The immediate task backend of the tests ran the refresh: every round is counted.
    assert RoundFigures.objects.filter(location__isnull=True).count() == 3
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert not insights_nightly_due(now=datetime(2026, 11, 25, 23, 0, tzinfo=UTC))
    assert callbacks == []
    assert insights_nightly_due(now=datetime(2026, 11, 26, 3, 0, tzinfo=UTC))
    assert list(NightlyRun.objects.values_list("date", flat=True).order_by("date")) == [
        datetime(2026, 11, 25).date(),
        datetime(2026, 11, 26).date(),
    ]
