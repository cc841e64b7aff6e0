"""No planner statistics for ``programs_match.reasons`` (issue 13 item 2, PostgreSQL
only). Every draft runs ``ANALYZE`` on the tables it filled (crosspaths/dbstats.py), and
of the match table's ~0.4-0.6 s at 100,000 people (128,684 rows) most went to sampling
and comparing the reasons' JSON, a column no query filters or sorts on: 0.2 s without.
Autovacuum's ANALYZE skips it too."""

from django.db import migrations


def _statistics(target: int):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(
            f"ALTER TABLE programs_match ALTER COLUMN reasons SET STATISTICS {target}"
        )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0009_lighter_draft_writes"),
    ]

    operations = [
        migrations.RunPython(_statistics(0), _statistics(-1)),
    ]
