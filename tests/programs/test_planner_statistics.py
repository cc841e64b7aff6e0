"""Bulk writers refresh PostgreSQL's planner statistics of what they filled
(crosspaths/dbstats.py): ``pg_class.reltuples`` is what ANALYZE sets, and it counts the
rows of the analyzing transaction itself, so it equals the table's row count right after
the writer's ANALYZE and not before."""

from datetime import date

import pytest
from django.db import connection

from crosspaths.notify.models import Message
from crosspaths.people.models import Person
from crosspaths.people.services import roster_apply, roster_plan
from crosspaths.programs.models import Match, MatchMember
from crosspaths.programs.services import round_draft, round_publish

from .crowd import coffee, crowd, enroll

pytestmark = pytest.mark.postgres

ON = date(2026, 11, 30)


def reltuples(model) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [model._meta.db_table])
        return cursor.fetchone()[0]


def test_a_draft_and_its_introductions_analyze_the_tables_they_filled(
    cast, settings, django_capture_on_commit_callbacks
):
    settings.ANALYZE_AFTER_ROWS = 1
    program = coffee(cast.org)
    enroll(program, [cast.alice, cast.bob, cast.chidi, *crowd(cast.org, 9)])
    assert reltuples(MatchMember) != MatchMember.objects.count() + 12
    with django_capture_on_commit_callbacks(execute=True):
        rnd = round_draft(program=program, on=ON)
    assert MatchMember.objects.count() >= 12
    assert reltuples(Match) == Match.objects.count()
    assert reltuples(MatchMember) == MatchMember.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        round_publish(round=rnd)
    assert reltuples(Message) == Message.objects.count() > 0


def test_a_roster_import_analyzes_people(cast, settings, django_capture_on_commit_callbacks):
    settings.ANALYZE_AFTER_ROWS = 2
    rows = "".join(f"N{i},New {i},new{i}@acme.test,Sales,\n" for i in range(5))
    before = Person.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        roster_apply(
            plan=roster_plan(
                organization=cast.org, text="id,name,email,department,manager_id\n" + rows
            )
        )
    assert Person.objects.count() == before + 5
    assert reltuples(Person) == Person.objects.count()


def test_a_small_write_leaves_the_statistics_to_autovacuum(
    cast, settings, django_capture_on_commit_callbacks
):
    settings.ANALYZE_AFTER_ROWS = 1000
    stale = reltuples(Person)
    with django_capture_on_commit_callbacks(execute=True):
        roster_apply(
            plan=roster_plan(
                organization=cast.org,
                text="id,name,email,department,manager_id\nS1,Sam,sam@acme.test,Sales,\n",
            )
        )
    assert reltuples(Person) == stale
