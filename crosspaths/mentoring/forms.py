from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MentoringRole, MentoringSettings


class MentoringSettingsForm(forms.ModelForm):
    class Meta:
        model = MentoringSettings
        fields = ["gap_min", "gap_max", "capacity_default", "cycle_months"]


class JoinForm(forms.Form):
    role = forms.ChoiceField(
        label=_("I join as"),
        choices=[
            (MentoringRole.Role.MENTEE, _("Mentee: I would like a mentor")),
            (MentoringRole.Role.MENTOR, _("Mentor: I would like to mentor colleagues")),
        ],
        widget=forms.RadioSelect,
    )
    capacity = forms.TypedChoiceField(
        label=_("As a mentor, I take at most"),
        choices=[(1, _("1 mentee")), (2, _("2 mentees")), (3, _("3 mentees"))],
        coerce=int,
        required=False,
        help_text=_("Only for mentors."),
    )


class AnswerForm(forms.Form):
    month = forms.IntegerField(min_value=1, max_value=12)
    met = forms.TypedChoiceField(choices=[("1", "yes"), ("0", "no")], coerce=lambda v: v == "1")
