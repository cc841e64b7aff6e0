"""WSGI entry point (gunicorn crosspaths.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspaths.settings")
# A web process may serve requests on several threads; forking matching workers from
# it could copy a lock another thread holds. Rounds drafted in a request (the console's
# preview) match in-process; the task worker and the scheduler use every CPU.
os.environ.setdefault("CROSSPATHS_MATCH_WORKERS", "1")
application = get_wsgi_application()

# Import every view and build the URL resolver (the REST API's schemas included) now,
# not on a worker's first request: with gunicorn's preload_app the master does it once
# and every worker, including one recycled under load, is forked with it done.
get_resolver().url_patterns  # noqa: B018
