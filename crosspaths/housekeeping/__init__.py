"""Daily housekeeping: a small registry of jobs the scheduler runs once a day.

An app adds a job with one line in its ``AppConfig.ready``::

    register_daily_job("roster_uploads", roster_uploads_forget)

This app sits below every Crosspaths app and imports none of them, so any layer can
register a job without importing a higher one (see docs/decisions.md, 2026-11-26).
"""
