"""The first-run page of a fresh instance: while no organization exists, anyone who
reaches the site may create the first one and become its admin (as on other
self-hosted tools' install pages); afterwards it is gone. Operators who would rather not
expose it run ``manage.py create_organization`` right after deploying."""

from __future__ import annotations

from smtplib import SMTPException

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from crosspaths.onboarding.invitations import person_invite
from crosspaths.people.models import LANGUAGE_CHOICES, Organization
from crosspaths.people.organizations import organization_create


class FirstRunForm(forms.Form):
    name = forms.CharField(label=_("Organization name"), max_length=200)
    slug = forms.SlugField(
        label=_("Short name"), max_length=64, help_text=_("Lower-case letters, digits, hyphens.")
    )
    timezone = forms.CharField(label=_("Time zone"), max_length=64, initial="Europe/Berlin")
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    admin_name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    admin_email = forms.EmailField(label=_("Your work e-mail"), max_length=254)


@never_cache
def first_run(request: HttpRequest) -> HttpResponse:
    """Create the first organization and its admin, then mail the admin a sign-in link."""
    if Organization.objects.exists():
        raise Http404(_("This instance is already set up."))
    form = FirstRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            admin = organization_create(first_run=True, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            sent = True
            try:
                person_invite(person=admin)
            except (SMTPException, OSError):
                sent = False
            return render(request, "web/first_run_done.html", {"admin": admin, "sent": sent})
    return render(request, "web/first_run.html", {"form": form}, status=400 if form.errors else 200)


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
