"""Forms of the single sign-on pages: they validate and shape input, the services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import IdentityProvider
from .services import domain_clean, saml_metadata_read


class IdentityProviderForm(forms.ModelForm):
    """The organization's identity provider. The client secret is never shown back:
    left empty, the stored one stays."""

    class Meta:
        model = IdentityProvider
        fields = [
            "protocol",
            "oidc_issuer",
            "oidc_client_id",
            "oidc_client_secret",
            "saml_metadata_url",
            "saml_metadata_xml",
            "enabled",
            "sso_required",
        ]
        widgets = {
            "protocol": forms.RadioSelect,
            "oidc_client_secret": forms.PasswordInput(
                render_value=False, attrs={"autocomplete": "off"}
            ),
            "saml_metadata_xml": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["oidc_client_secret"].help_text = _("Leave empty to keep the one saved.")
        self.fields["saml_metadata_xml"].help_text = _(
            "Paste the XML, or give the metadata URL above."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        protocol = data.get("protocol")
        if protocol == IdentityProvider.Protocol.OIDC:
            for field in ("oidc_issuer", "oidc_client_id"):
                if not data.get(field):
                    self.add_error(field, _("Needed for OpenID Connect."))
            if not data.get("oidc_client_secret"):
                data["oidc_client_secret"] = (
                    self.instance.oidc_client_secret if self.instance.pk else ""
                )
            if not data["oidc_client_secret"]:
                self.add_error("oidc_client_secret", _("Needed for OpenID Connect."))
        elif protocol == IdentityProvider.Protocol.SAML:
            url, xml = data.get("saml_metadata_url", ""), data.get("saml_metadata_xml", "")
            if not url and not xml:
                self.add_error(
                    "saml_metadata_url", _("Give the metadata URL or paste the metadata XML.")
                )
            else:
                try:
                    self.saml = saml_metadata_read(url=url, xml=xml)
                except ValidationError as exc:
                    self.add_error(
                        "saml_metadata_xml" if xml and not url else "saml_metadata_url", exc
                    )
        return data

    def save(self, commit: bool = True) -> IdentityProvider:
        idp = super().save(commit=False)
        saml = getattr(self, "saml", None)
        if saml:
            idp.saml_entity_id = saml["entity_id"]
            idp.saml_sso_url = saml["sso_url"]
            idp.saml_x509cert = saml["x509cert"]
        if commit:
            idp.save()
        return idp


class DomainForm(forms.Form):
    domain = forms.CharField(
        label=_("E-mail domain"),
        max_length=253,
        help_text=_("The part after the @ of your people's addresses, for example example.com."),
    )

    def clean_domain(self) -> str:
        return domain_clean(self.cleaned_data["domain"])


class CompanySignInForm(forms.Form):
    email = forms.EmailField(
        label=_("Your work e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        error_messages={
            "required": _("Enter the e-mail address you use at work."),
            "invalid": _("This does not look like an e-mail address (name@company.com)."),
        },
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()
