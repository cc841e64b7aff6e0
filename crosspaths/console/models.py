"""Models of the HR admin console: roster uploads waiting for review, and the audit log."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from crosspaths.people.models import Organization, Person


class RosterUpload(models.Model):
    """An uploaded roster file between "preview" and "apply".

    The file is kept as CSV text (an XLSX sheet is converted on upload) so the preview
    and the apply read exactly the same rows, and it belongs to one organization like
    every other customer row. ``mapping`` says which column of the file feeds which
    roster column. The text is emptied once applied: the people table holds the data
    from then on, and a copy of an HR export should not linger.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    text = models.TextField(blank=True)
    # The file's header as read (in order), and {roster column: file header}.
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    # "Deactivate people who are not in this file", stored with the upload: the preview
    # and the apply both read it from here, so they can never disagree.
    deactivate_missing = models.BooleanField(_("deactivate people not in the file"), default=False)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("roster upload")
        verbose_name_plural = _("roster uploads")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


class AuditLog(models.Model):
    """Who changed what, when: written in the same transaction as the change itself,
    so an entry exists exactly when the change does."""

    class Action(models.TextChoices):
        ROSTER_IMPORT = "roster.import", _("Roster imported")
        PERSON_ROLE = "person.role", _("Role changed")
        PERSON_ACTIVE = "person.active", _("Person deactivated or reactivated")
        PEOPLE_INVITE = "people.invite", _("People invited")
        PROGRAM_CREATE = "program.create", _("Program created")
        PROGRAM_UPDATE = "program.update", _("Program changed")
        ROUND_DRAFT = "round.draft", _("Round previewed")
        ROUND_MOVE = "round.move", _("Person moved")
        ROUND_SWAP = "round.swap", _("People swapped")
        ROUND_PUBLISH = "round.publish", _("Round published")
        SCIM_TOKEN_CREATE = "scim.token.create", _("SCIM token created")
        SCIM_TOKEN_REVOKE = "scim.token.revoke", _("SCIM token revoked")
        SCIM_USER_CREATE = "scim.user.create", _("Person provisioned (SCIM)")
        SCIM_USER_UPDATE = "scim.user.update", _("Person changed (SCIM)")
        SCIM_USER_DEACTIVATE = "scim.user.deactivate", _("Person deactivated (SCIM)")
        SCIM_PAUSE = "scim.pause", _("SCIM deactivations paused")
        SCIM_RESUME = "scim.resume", _("SCIM deactivations resumed")
        SSO_SETTINGS = "sso.settings", _("Single sign-on changed")
        PERSON_ERASED = "person.erased", _("Person erased")
        RETENTION = "organization.retention", _("Retention changed")
        API_KEY_CREATE = "api.key.create", _("API key created")
        API_KEY_REVOKE = "api.key.revoke", _("API key revoked")
        SLACK_CONNECT = "slack.connect", _("Slack connected")
        SLACK_DISCONNECT = "slack.disconnect", _("Slack disconnected")
        TEAMS_CONNECT = "teams.connect", _("Microsoft Teams connected")
        TEAMS_DISCONNECT = "teams.disconnect", _("Microsoft Teams disconnected")
        INTRANET_SETTINGS = "intranet.settings", _("Intranet card changed")
        WEBHOOK_CREATE = "webhook.create", _("Webhook added")
        WEBHOOK_UPDATE = "webhook.update", _("Webhook changed")
        WEBHOOK_DISABLE = "webhook.disable", _("Webhook disabled")
        WEBHOOK_ENABLE = "webhook.enable", _("Webhook enabled")
        WEBHOOK_DELETE = "webhook.delete", _("Webhook deleted")
        # Written here once for the format lanes (one migration instead of four):
        JOURNEY_START = "journey.start", _("Onboarding journey started")
        MENTORING_CYCLE = "mentoring.cycle", _("Mentoring cycle started")
        BRIDGE_CREATE = "bridge.create", _("Team bridge created")
        BRIDGE_UPDATE = "bridge.update", _("Team bridge changed")
        PERSPECTIVE_SETTINGS = "perspective.settings", _("Outside perspective settings changed")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    # Kept as text too, so the log still says who it was after the person is deleted.
    actor_name = models.CharField(_("who"), max_length=300, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    target_type = models.CharField(_("target type"), max_length=32, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    summary = models.CharField(_("summary"), max_length=500)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        return self.summary


class RoundJob(models.Model):
    """A request to preview (draft) or publish a round, run by a background task.

    At 100,000 people drafting or publishing takes longer than a web request may, so the
    console records the request here, a task does the work, and a progress page polls
    this row. At most one open (queued or running) job per program, date and kind: a
    double click or a second admin joins the job that is already on its way. The task
    claims the job by a conditional update, so running it twice does the work once.
    """

    class Kind(models.TextChoices):
        DRAFT = "draft", _("Preview")
        PUBLISH = "publish", _("Publish")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    OPEN = (Status.QUEUED, Status.RUNNING)

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="+", verbose_name=_("program")
    )
    on = models.DateField(_("round date"))
    round = models.ForeignKey(
        "programs.Round", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    error = models.TextField(_("error"), blank=True)
    actor = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("round job")
        verbose_name_plural = _("round jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "on", "kind"],
                condition=models.Q(status__in=["queued", "running"]),
                name="round_job_one_open_per_program_date_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.program_id} {self.on} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN
