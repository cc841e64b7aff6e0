"""manage.py insights_backfill: the nightly job and the first-time backfill."""

import pytest
from django.core.management import CommandError, call_command

from crosspaths.insights.models import Connection, RoundFigures


def test_it_aggregates_every_round_and_says_how_many(net, capsys):
    call_command("insights_backfill", "--org", "known")
    assert "Aggregated 3 round(s)" in capsys.readouterr().out
    assert RoundFigures.objects.filter(location__isnull=True).count() == 3
    assert Connection.objects.count() == 10


def test_rebuild_starts_from_nothing_and_ends_the_same(net):
    call_command("insights_backfill")
    Connection.objects.all().delete()  # damage the working table
    call_command("insights_backfill", "--rebuild")
    assert Connection.objects.count() == 10


def test_an_unknown_organization_or_negative_days_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No organization with the slug 'nope'"):
        call_command("insights_backfill", "--org", "nope")
    with pytest.raises(CommandError, match="--days must be 0 or more"):
        call_command("insights_backfill", "--days", "-1")
