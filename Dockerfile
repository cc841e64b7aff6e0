# Crosspaths in a container: the same commands as the Procfile and docs/operations.md.
# Not built on the development machines (no container engine there); `make lint` and CI
# check it with hadolint. Build: docker build -t crosspaths .   Run: compose.yaml.

# --- build: a virtual environment with Crosspaths, compiled messages, collected static files
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
# gettext: compilemessages (msgfmt) for the German catalogue.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY crosspaths ./crosspaths
RUN python -m venv .venv && .venv/bin/pip install .
COPY manage.py gunicorn.conf.py Procfile ./
# Settings refuse DEBUG=0 without a secret key and host names: throw-away values that
# exist only during these two commands.
WORKDIR /app/.venv/lib/python3.11/site-packages/crosspaths
RUN /app/.venv/bin/django-admin compilemessages --ignore 'matching/*'
WORKDIR /app
RUN DEBUG=0 SECRET_KEY=build-only-not-a-secret ALLOWED_HOSTS=build.invalid \
       CROSSPATHS_VAR_DIR=/app/var STATIC_ROOT=/app/static \
       .venv/bin/python manage.py collectstatic --no-input

# --- runtime: the environment and static files only, as a user without privileges
FROM python:3.11-slim-bookworm
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    CROSSPATHS_VAR_DIR=/app/var STATIC_ROOT=/app/static GUNICORN_BIND=0.0.0.0:8000
# libpq is not needed: psycopg[binary] brings its own; xmlsec and lxml wheels bundle theirs.
RUN useradd --create-home --uid 10001 --user-group crosspaths
WORKDIR /app
COPY --from=build /app /app
RUN mkdir -p /app/var && chown crosspaths:crosspaths /app/var
USER 10001:10001
EXPOSE 8000
# The web process's health check is in compose.yaml: worker and scheduler share this image.
CMD [".venv/bin/gunicorn", "crosspaths.wsgi"]
