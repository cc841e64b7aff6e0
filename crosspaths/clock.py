"""The one source of "now" for Crosspaths.

Services, the scheduler, the housekeeping jobs and the pages ask this module for the
time instead of the system clock directly, so a test freezes or moves one thing
(time-machine patches what these functions read) and a replayed scheduler pass
(``--now``) sees the same moment everywhere.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    """The current moment, aware, in UTC."""
    return timezone.now()


def today() -> date:
    """Today's date in the active time zone (the organization's, inside a request)."""
    return timezone.localdate(now())
