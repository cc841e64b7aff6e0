"""WSGI entry point (gunicorn crosspaths.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspaths.settings")
application = get_wsgi_application()
