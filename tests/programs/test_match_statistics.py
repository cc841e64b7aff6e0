"""programs/0010: PostgreSQL keeps no planner statistics for a match's reasons (no query
filters on them, and sampling their JSON was most of a draft's ANALYZE), and still
keeps them for the columns queries do filter on."""

from datetime import date

import pytest
from django.db import connection

from crosspaths.dbstats import _analyze
from crosspaths.programs.models import Match, Round

from .crowd import coffee, crowd

pytestmark = pytest.mark.postgres


def test_analyze_skips_the_reasons_and_keeps_the_keys(cast):
    program = coffee(cast.org)
    rnd = Round.objects.create(organization=cast.org, program=program, date=date(2026, 11, 30))
    people = crowd(cast.org, 6)
    Match.objects.bulk_create(
        Match(
            organization=cast.org,
            round=rnd,
            organizer=p,
            reasons=[{"code": "dept", "text": f"reason {k}", "params": {}}],
        )
        for k, p in enumerate(people)
    )
    _analyze([Match._meta.db_table])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_stats WHERE schemaname = current_schema() AND tablename = %s",
            [Match._meta.db_table],
        )
        columns = {row[0] for row in cursor.fetchall()}
    assert {"round_id", "organizer_id", "suggested_start"} <= columns
    assert "reasons" not in columns
