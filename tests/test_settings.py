"""Settings come from the environment: SQLite by default, PostgreSQL from DATABASE_URL,
and a production configuration that passes Django's deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "SECRET_KEY"}
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "crosspaths.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_database_url_it_uses_sqlite_in_var(tmp_path):
    result = run_python(
        "from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'])",
        CROSSPATHS_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        str(tmp_path / "crosspaths.sqlite3"),
    ]


def test_a_postgres_database_url_selects_postgresql():
    result = run_python(
        "from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['ENGINE'], d['HOST'], d['PORT'], d['NAME'], d['USER'])",
        DATABASE_URL="postgres://postgres@db.example:5433/crosspaths",
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "db.example",
        "5433",
        "crosspaths",
        "postgres",
    ]


def test_production_settings_pass_the_deployment_checks(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{
                k: v
                for k, v in os.environ.items()
                if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # set for browser tests
            },
            "DEBUG": "0",
            "SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
            "ALLOWED_HOSTS": "crosspaths.example.com",
            "CROSSPATHS_VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_python("import django; django.setup()", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG=0" in result.stderr


@pytest.mark.django_db
def test_the_suite_talks_to_the_configured_database():
    """Run once on SQLite and once on PostgreSQL (.ci/run): the vendor follows DATABASE_URL."""
    expected = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_enforces_the_case_insensitive_email_constraint(cast):
    from django.db import IntegrityError, transaction

    from crosspaths.people.models import Person

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert int(cursor.fetchone()[0].split(".")[0]) >= 13
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.bulk_create([Person(organization=cast.org, email="BOB@acme.test")])
