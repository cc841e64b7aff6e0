from __future__ import annotations

from django import forms

from .models import JourneyPlan


class JourneyPlanForm(forms.ModelForm):
    class Meta:
        model = JourneyPlan
        fields = ["weeks", "buddy_min_tenure_days", "weekly_cap", "start_within_days", "active"]
