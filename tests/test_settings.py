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


PRODUCTION = {
    "SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
    "ALLOWED_HOSTS": "crosspaths.example.com",
}


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Python with the project's settings and only the environment given (plus PATH
    and the like): no DEBUG unless asked for, as on a server."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "SITE_URL",
            "CROSSPATHS_PORT",
        }
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
        DEBUG="1",
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
        DEBUG="1",
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


def test_without_debug_in_the_environment_it_runs_as_production(tmp_path):
    result = run_python(
        "from django.conf import settings; print(settings.DEBUG, settings.SESSION_COOKIE_SECURE)",
        CROSSPATHS_VAR_DIR=str(tmp_path),
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


@pytest.mark.parametrize("hosts", ["", "*", "crosspaths.example.com,*"])
def test_production_refuses_to_start_without_named_allowed_hosts(tmp_path, hosts):
    env = {**PRODUCTION, "ALLOWED_HOSTS": hosts}
    result = run_python("import django; django.setup()", CROSSPATHS_VAR_DIR=str(tmp_path), **env)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must name this site's host names when DEBUG=0" in result.stderr


def test_the_development_mailbox_is_not_routed_in_production(tmp_path):
    code = (
        "import django; django.setup(); from django.urls import resolve, Resolver404\n"
        "for path in ('/notify/dev/mail/', '/notify/dev/mail/x/0/'):\n"
        "    try: resolve(path); print('routed')\n"
        "    except Resolver404: print('absent')"
    )
    production = run_python(code, CROSSPATHS_VAR_DIR=str(tmp_path), **PRODUCTION)
    assert production.stdout.split() == ["absent", "absent"], production.stderr
    development = run_python(code, CROSSPATHS_VAR_DIR=str(tmp_path), DEBUG="1")
    assert development.stdout.split() == ["routed", "routed"], development.stderr


def test_the_proxy_https_header_is_trusted_only_when_the_operator_says_so(tmp_path):
    code = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    plain = run_python(code, CROSSPATHS_VAR_DIR=str(tmp_path), **PRODUCTION)
    assert plain.stdout.strip() == "None", plain.stderr
    proxied = run_python(
        code, CROSSPATHS_VAR_DIR=str(tmp_path), PROXY_SETS_X_FORWARDED_PROTO="1", **PRODUCTION
    )
    assert proxied.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')", proxied.stderr


def test_the_sign_in_limits_come_from_the_environment(tmp_path):
    result = run_python(
        "from django.conf import settings; print(settings.SIGN_IN_LINK_COOLDOWN_SECONDS,"
        " settings.SIGN_IN_LINKS_PER_EMAIL, settings.SIGN_IN_LINKS_PER_IP,"
        " settings.TRUSTED_PROXY_COUNT, settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME)",
        CROSSPATHS_VAR_DIR=str(tmp_path),
        SIGN_IN_LINK_COOLDOWN_SECONDS="30",
        SIGN_IN_LINKS_PER_EMAIL="4",
        SIGN_IN_LINKS_PER_IP="200",
        TRUSTED_PROXY_COUNT="1",
        AXES_FAILURE_LIMIT="5",
        AXES_COOLOFF_MINUTES="30",
        **PRODUCTION,
    )
    assert result.stdout.split() == ["30", "4", "200", "1", "5", "0:30:00"], result.stderr


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


def test_site_url_follows_the_development_port():
    code = "from django.conf import settings; print(settings.SITE_URL)"
    result = run_python(code, DEBUG="1", CROSSPATHS_PORT="8101")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:8101"
    assert run_python(code, DEBUG="1").stdout.strip() == "http://127.0.0.1:8000"
    chosen = run_python(code, DEBUG="1", CROSSPATHS_PORT="8101", SITE_URL="https://x.example/")
    assert chosen.stdout.strip() == "https://x.example"


def test_make_run_tells_every_process_its_port():
    """The demo's banner is printed before the server starts: it needs the port too."""
    result = subprocess.run(
        ["make", "-n", "run", "PORT=8101"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    lines = [
        line for line in result.stdout.splitlines() if "manage.py demo" in line or "honcho" in line
    ]
    assert len(lines) == 2 and all("CROSSPATHS_PORT=8101" in line for line in lines)
