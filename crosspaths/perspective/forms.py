from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from crosspaths import clock

from .models import MAX_CAP, MAX_PEOPLE


class RequestForm(forms.Form):
    topic = forms.CharField(
        label=_("What would you like feedback on?"),
        max_length=200,
        help_text=_("A short topic, e.g. “Onboarding checklist for the new warehouse”."),
    )
    details = forms.CharField(
        label=_("What kind of outside view helps? (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    tags = forms.CharField(
        label=_("Interests or skills that fit (optional)"),
        max_length=400,
        required=False,
        help_text=_("Separated by commas, e.g. design, data, customers. Empty: anyone."),
    )
    other_location = forms.BooleanField(
        label=_("Only people from another location"), required=False
    )
    people_wanted = forms.TypedChoiceField(
        label=_("How many people?"),
        choices=[(n, str(n)) for n in range(1, MAX_PEOPLE + 1)],
        coerce=int,
        initial=2,
    )
    needed_by = forms.DateField(label=_("By when?"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["needed_by"].initial = clock.today() + timedelta(days=10)


class GiverForm(forms.Form):
    active = forms.BooleanField(label=_("I give outside perspectives"), required=False)
    monthly_cap = forms.IntegerField(
        label=_("Ask me at most this many times a month"), min_value=1, max_value=MAX_CAP
    )


class SettingsForm(forms.Form):
    default_monthly_cap = forms.IntegerField(
        label=_("Asks a month for someone who just opted in"), min_value=1, max_value=MAX_CAP
    )
    answer_hours = forms.IntegerField(
        label=_("Hours a colleague has to answer before the next one is asked"),
        min_value=4,
        max_value=24 * 14,
    )
