"""Heartbeats and tallies (crosspaths/housekeeping/heartbeats.py)."""

from datetime import timedelta

from crosspaths import clock
from crosspaths.housekeeping.heartbeats import heartbeat_age, heartbeat_beat, tallies, tally_add
from crosspaths.housekeeping.models import Heartbeat


def test_a_heartbeat_is_one_row_per_process_overwritten_each_beat(db):
    now = clock.now()
    assert heartbeat_age(name="scheduler", now=now) is None
    heartbeat_beat(name="scheduler", now=now - timedelta(seconds=90))
    heartbeat_beat(name="scheduler", now=now - timedelta(seconds=30))
    assert Heartbeat.objects.count() == 1
    assert heartbeat_age(name="scheduler", now=now) == 30.0


def test_tallies_add_up_and_ignore_nothing_removed(db):
    tally_add(name="sent:email", count=5)
    tally_add(name="sent:email", count=7)
    tally_add(name="sent:slack", count=0)
    tally_add(name="other", count=1)
    assert tallies(prefix="sent:") == {"sent:email": 12}
