from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .origins import origins_clean


class OriginsForm(forms.Form):
    origins = forms.CharField(
        label=_("Intranet pages that may show the cards"),
        help_text=_(
            "One origin a line: https:// and the host name (and a port if it has one), "
            "no path, e.g. https://intranet.example.com or https://acme.sharepoint.com. "
            "Empty: no page may show them."
        ),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false", "autocapitalize": "none"}),
    )

    def clean_origins(self) -> list[str]:
        try:
            return origins_clean(self.cleaned_data["origins"])
        except ValidationError as e:
            raise ValidationError(e.messages) from None
