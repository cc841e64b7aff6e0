#!/usr/bin/env bash
# The production stack on loopback, set up with docs/operations.md's commands and run
# from the production Procfile, then walked through by tests/smoke/journey.py.
# .ci/run calls it; it needs PostgreSQL and Redis on their usual ports and uses a
# fresh database crosspaths_smoke, Redis database 7 and ports 8170 (gunicorn) and 8171
# (the SMTP sink).
set -euo pipefail
cd "$(dirname "$0")/../.."

port=${SMOKE_PORT:-8170}
smtp_port=${SMOKE_SMTP_PORT:-8171}
pg=${SMOKE_POSTGRES:-postgres://postgres@127.0.0.1:5432}
var_dir=$(mktemp -d)
trap 'rm -rf "$var_dir"' EXIT

psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS crosspaths_smoke WITH (FORCE)" \
  -c "CREATE DATABASE crosspaths_smoke"

# docs/operations.md, "Production on one machine", with loopback values.
export DEBUG=0 SECRET_KEY="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')"
export ALLOWED_HOSTS=127.0.0.1 CSRF_TRUSTED_ORIGINS="https://127.0.0.1:$port"
export SITE_URL="https://127.0.0.1:$port" DATABASE_URL="$pg/crosspaths_smoke"
export TASKS_BACKEND=rq REDIS_URL=${SMOKE_REDIS_URL:-redis://127.0.0.1:6379/7}
export EMAIL_HOST=127.0.0.1 EMAIL_PORT="$smtp_port"
export PROXY_SETS_X_FORWARDED_PROTO=1 TRUSTED_PROXY_COUNT=1
export METRICS_TOKEN="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')"
# Not in the docs: the files of this run in a temporary folder, two web workers on the
# shared machine, a scheduler pass every second.
export CROSSPATHS_VAR_DIR="$var_dir" WEB_CONCURRENCY=2 SCHEDULER_INTERVAL_SECONDS=1

redis-cli -u "$REDIS_URL" flushdb >/dev/null   # no jobs of an earlier run
.venv/bin/python manage.py check --deploy --fail-level WARNING
.venv/bin/python manage.py migrate --no-input -v 0
.venv/bin/python manage.py collectstatic --no-input -v 0
.venv/bin/python manage.py demo --people 200 >/dev/null
.venv/bin/python tests/smoke/journey.py --port "$port" --smtp-port "$smtp_port"
