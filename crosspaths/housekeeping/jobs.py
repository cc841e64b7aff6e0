"""The framework's own daily jobs: expired sessions and old task results. (Each app
registers the jobs for its own data in its AppConfig.)"""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django_tasks_db.models import DBTaskResult

# Finished task results are kept this long for looking into a problem, then removed.
TASK_RESULT_KEEP = timedelta(days=14)


def sessions_forget_expired(*, now: datetime) -> int:
    """Delete expired sessions: Django's ``clearsessions``, counted and at ``now``.
    Sessions in a cache or in signed cookies expire by themselves (0 removed)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    get_model = getattr(store, "get_model_class", None)
    if get_model is None:
        with suppress(NotImplementedError):
            store.clear_expired()
        return 0
    deleted, _by_model = get_model().objects.filter(expire_date__lt=now).delete()
    return deleted


def task_results_forget(*, now: datetime) -> int:
    """Delete task results (django_tasks_db's queue) that finished more than
    ``TASK_RESULT_KEEP`` ago, succeeded or failed; queued and running ones stay."""
    old = DBTaskResult.objects.finished().filter(finished_at__lt=now - TASK_RESULT_KEEP)
    deleted, _by_model = old.delete()
    return deleted
