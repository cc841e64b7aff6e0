"""One row per daily job and day: inserting it is the claim, so any number of
schedulers race for it and exactly one runs the job that day."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyJobRun(models.Model):
    job = models.CharField(_("job"), max_length=64)
    date = models.DateField(_("day"))
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    removed = models.PositiveIntegerField(_("removed"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("daily job run")
        verbose_name_plural = _("daily job runs")
        constraints = [models.UniqueConstraint(fields=["job", "date"], name="daily_job_once_a_day")]

    def __str__(self) -> str:
        return f"{self.job} {self.date}"


class Heartbeat(models.Model):
    """The last moment a long-running process (the scheduler) finished a pass, so
    ``/api/ready`` can tell a stuck or stopped one from a live one. One row per name,
    overwritten each pass; several schedulers share it (any live one keeps it fresh)."""

    name = models.CharField(_("process"), max_length=64, unique=True)
    beat_at = models.DateTimeField(_("last beat"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}"


class Tally(models.Model):
    """A running count of rows a daily job removed, by name (``sent:email``), so a
    counter the metrics derive from live rows plus this tally never goes backwards when
    old rows are pruned."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    count = models.BigIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")

    def __str__(self) -> str:
        return f"{self.name} {self.count}"
