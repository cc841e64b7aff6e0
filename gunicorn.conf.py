"""gunicorn's settings for Crosspaths (read from the working directory by default, so
``.venv/bin/gunicorn crosspaths.wsgi`` picks them up). Each can be changed by an
environment variable; docs/operations.md explains them."""

import os

# Behind a proxy on the same machine by default; a container sets 0.0.0.0:8000.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Synchronous workers: every page is short since long work (drafting, publishing,
# imports) runs in task workers. Two per core plus one, the usual starting point.
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1) + 1)))
# No page is meant to take long; a request past this is killed and logged rather than
# holding a worker. Generous enough for a 100,000-person export.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On SIGTERM (a deploy), requests in flight get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle a worker now and then, so a slow leak never grows into an outage. Workers
# share the load evenly, so they reach the limit together: the jitter spreads their
# restarts over half the limit, and preload_app (below) makes a restart a fork of the
# loaded master instead of a fresh import of Django and every app. With a 10 % jitter
# and no preload, all five workers restarted within five seconds under 200 reads a
# second and every request waited 6-7 s (bench/api_reads.py, docs/decisions.md).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 2
# The application is imported once, in the master; workers are forked from it. Nothing
# opens a connection at import (Django, Redis and the task queue connect on first use;
# Sentry's sender restarts its thread in a forked worker).
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
# The app logs one line per request itself (JSON, with the request id and the URL
# pattern rather than the path, which may hold a sign-in token): no access log here.
accesslog = None
errorlog = "-"
# gunicorn itself believes X-Forwarded-Proto from loopback by default. The app has one
# switch for that, PROXY_SETS_X_FORWARDED_PROTO (settings.py), so gunicorn believes none.
secure_scheme_headers: dict[str, str] = {}


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    """With PROMETHEUS_MULTIPROC_DIR, a dead worker's live gauges are dropped."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
