"""An organization's settings for the intranet encounter card (docs/intranet.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from crosspaths.people.models import Organization


class EmbedSettings(models.Model):
    """Which intranet pages may frame the organization's cards, and the public key of
    its organization card.

    ``origins`` is the frame-ancestors allow-list (``https://intranet.example.com``,
    one origin each, validated by ``crosspaths.intranet.origins``); empty, no page may
    frame the cards. ``card_key`` names the organization card in its URL: random, so
    the organization's figures are not one guessable slug away, and renewable."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="embed_settings"
    )
    origins = models.JSONField(_("intranet origins"), default=list, blank=True)
    card_key = models.CharField(max_length=32, unique=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("intranet card settings")
        verbose_name_plural = _("intranet card settings")

    def __str__(self) -> str:
        return f"{self.organization}: {', '.join(self.origins) or '-'}"
