"""Models of the web app: what the sign-in pages need to remember."""

from __future__ import annotations

from django.db import models


class SignInAttempt(models.Model):
    """One request for a sign-in link, remembered for an hour or so to rate-limit per
    e-mail address, per e-mail and client address, and per client address. Keys are keyed hashes (HMAC with the
    secret key), so the table holds no readable e-mail or IP address; a table rather
    than the cache so every web node counts the same attempts."""

    class Scope(models.TextChoices):
        EMAIL = "email", "e-mail"
        EMAIL_IP = "email-ip", "e-mail and IP"
        IP = "ip", "IP"

    scope = models.CharField(max_length=8, choices=Scope.choices)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["scope", "key_hash", "created_at"])]

    def __str__(self) -> str:
        return f"{self.scope} {self.key_hash[:8]} {self.created_at:%Y-%m-%d %H:%M}"
