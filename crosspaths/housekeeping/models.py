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
