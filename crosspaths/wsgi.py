"""WSGI entry point (gunicorn crosspaths.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspaths.settings")
# A web process may serve requests on several threads; forking matching workers from
# it could copy a lock another thread holds. Rounds drafted in a request (the console's
# preview) match in-process; the task worker and the scheduler use every CPU.
os.environ.setdefault("CROSSPATHS_MATCH_WORKERS", "1")
application = get_wsgi_application()
