"""The program settings form: the model's own checks (``Program.clean``) run on save,
so a bad setting is refused with a message next to the field it concerns."""

from __future__ import annotations

from django import forms

from .models import Program


class ProgramForm(forms.ModelForm):
    """Set ``instance=Program(organization=...)`` (or an existing program) before
    validating: the organization's time zone is part of what is checked."""

    class Meta:
        model = Program
        fields = [
            "name",
            "description",
            "format",
            "cadence",
            "weekday",
            "time",
            "starts_on",
            "group_size",
            "cooldown_weeks",
            "requires_review",
            "active",
            "audience",
            "weights",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "time": forms.TimeInput(attrs={"type": "time"}),
        }
