"""The event form in the words of the people who run events."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from crosspaths.people.models import Department, Location, Organization
from crosspaths.programs.models import Program

from .models import MAX_ROTATIONS, MAX_TABLE_SIZE, Event


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "name",
            "date",
            "attendees",
            "program",
            "department",
            "location",
            "table_size",
            "rotations",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "attendees": forms.RadioSelect,
        }
        labels = {
            "program": _("Program"),
            "department": _("Department"),
            "location": _("Location"),
            "rotations": _("Rounds"),
        }
        help_texts = {
            "program": _("For everyone enrolled in a program; otherwise leave it empty."),
            "table_size": _(
                "When the attendees do not fill every table, a few tables get one more "
                "or one fewer."
            ),
            "rotations": _("How many times people change tables (1 to %(max)s).")
            % {"max": MAX_ROTATIONS},
        }
        error_messages = {
            "table_size": {
                "min_value": _("A table seats at least two people."),
                "max_value": _("A table seats at most %(max)s people.") % {"max": MAX_TABLE_SIZE},
            },
            "rotations": {
                "min_value": _("An event has at least one round."),
                "max_value": _("An event has at most %(max)s rounds.") % {"max": MAX_ROTATIONS},
            },
        }

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["program"]).queryset = Program.objects.filter(
            organization=organization
        ).order_by("name")
        cast(
            forms.ModelChoiceField, self.fields["department"]
        ).queryset = Department.objects.filter(organization=organization).order_by("name")
        cast(forms.ModelChoiceField, self.fields["location"]).queryset = Location.objects.filter(
            organization=organization
        ).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        needs = {
            Event.Attendees.ENROLLED: ("program", _("Choose the program whose people attend.")),
            Event.Attendees.DEPARTMENT: ("department", _("Choose the department that attends.")),
            Event.Attendees.LOCATION: ("location", _("Choose the location that attends.")),
        }
        field, message = needs.get(data.get("attendees"), (None, ""))  # type: ignore[arg-type]  # a missing choice is None, which has no entry either
        if field and not data.get(field):
            self.add_error(field, message)
        return data
