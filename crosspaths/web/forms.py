"""Forms of the participant pages. They validate and shape input; the writes are
the services in people.preferences and programs.enrollments."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext_lazy as _

from crosspaths.people.models import Department, Location, Person, Team
from crosspaths.people.preferences import (
    DAY_PART_NAMES,
    DAY_PARTS,
    SPOKEN_LANGUAGES,
    Preferences,
    availability_from_day_parts,
    day_parts_from_availability,
    interests_clean,
    timezone_choices,
)
from crosspaths.programs.models import Program
from crosspaths.request_numbers import ModelMultipleIdsField


class EmailAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, asking for the e-mail address (our usernames are e-mails)."""

    username = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class SignInLinkForm(forms.Form):
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


def day_part_key(weekday: int, part: str) -> str:
    return f"{weekday}-{part}"


class PreferencesForm(forms.Form):
    """What only the person knows. For people HR does not sync, also their department,
    team, location and title (``profile_fields``)."""

    profile_fields = ("department", "team", "location", "title")

    languages = forms.MultipleChoiceField(
        label=_("Languages you can hold a conversation in"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one language you can talk in.")},
    )
    timezone = forms.ChoiceField(
        label=_("Your time zone"),
        help_text=_("Suggested times are shown in this zone."),
    )
    interests = forms.CharField(
        label=_("Your interests"),
        required=False,
        max_length=1000,
        help_text=_("Separate them with commas, for example: chess, hiking, jazz."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    suggested_interests = forms.MultipleChoiceField(
        label=_("Popular with your colleagues"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    availability = forms.MultipleChoiceField(
        label=_("When you are usually free for a meeting"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Tick the parts of the week that usually work; leave it empty if any time in working hours does."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language for e-mails and pages"),
        choices=settings.LANGUAGES,
    )

    def __init__(self, *args: Any, person: Person, suggestions: list[str], **kwargs: Any) -> None:
        self.person = person
        kwargs.setdefault("initial", self.initial_for(person))
        super().__init__(*args, **kwargs)
        known = list(SPOKEN_LANGUAGES) + [c for c in person.languages if c not in SPOKEN_LANGUAGES]
        cast(forms.ChoiceField, self.fields["languages"]).choices = [
            (c, SPOKEN_LANGUAGES.get(c, c)) for c in known
        ]
        # The zones of the person's location and organization lead (no extra query).
        cast(forms.ChoiceField, self.fields["timezone"]).choices = timezone_choices(
            current=person.effective_timezone,
            first=[person.effective_timezone, person.organization.timezone],
        )
        cast(forms.ChoiceField, self.fields["suggested_interests"]).choices = [
            (s, s) for s in suggestions
        ]
        cast(forms.ChoiceField, self.fields["availability"]).choices = [
            (day_part_key(day, part), f"{WEEKDAYS[day]}, {DAY_PART_NAMES[part]}")
            for day in range(7)
            for part, _start, _end in DAY_PARTS
        ]
        if not person.roster_synced:
            org = person.organization_id
            self.fields["department"] = forms.ModelChoiceField(
                label=_("Department"),
                queryset=Department.objects.filter(organization_id=org),
                required=False,
            )
            self.fields["team"] = forms.ModelChoiceField(
                label=_("Team"), queryset=Team.objects.filter(organization_id=org), required=False
            )
            self.fields["location"] = forms.ModelChoiceField(
                label=_("Location"),
                queryset=Location.objects.filter(organization_id=org),
                required=False,
            )
            self.fields["title"] = forms.CharField(label=_("Title"), required=False, max_length=200)

    @staticmethod
    def initial_for(person: Person) -> dict[str, Any]:
        return {
            "languages": person.languages,
            "timezone": person.effective_timezone,
            "interests": ", ".join(person.interests),
            "availability": [
                day_part_key(day, part)
                for day, part in sorted(day_parts_from_availability(person.availability))
            ],
            "language": person.language
            or translation.get_language()
            or person.organization.language,
            "department": person.department_id,
            "team": person.team_id,
            "location": person.location_id,
            "title": person.title,
        }

    @property
    def editable_profile(self) -> bool:
        return "department" in self.fields

    def profile_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.profile_fields if name in self.fields]

    def availability_grid(self) -> list[dict[str, Any]]:
        """Rows of the weekly grid for the template: one per weekday, a box per part."""
        ticked = set(self["availability"].value() or [])
        rows = []
        for day in range(7):
            cells = []
            for part, start, end in DAY_PARTS:
                key = day_part_key(day, part)
                cells.append(
                    {
                        "key": key,
                        "id": f"id_availability_{key}",
                        "checked": key in ticked,
                        "label": f"{WEEKDAYS[day]}, {DAY_PART_NAMES[part]} ({start}–{end})",  # noqa: RUF001
                    }
                )
            rows.append({"day": WEEKDAYS[day], "short": WEEKDAYS_ABBR[day], "cells": cells})
        return rows

    def day_parts(self) -> list[dict[str, Any]]:
        return [{"name": DAY_PART_NAMES[p], "start": s, "end": e} for p, s, e in DAY_PARTS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        typed = (data.get("interests") or "").split(",")
        try:
            data["interest_list"] = interests_clean([*typed, *data.get("suggested_interests", [])])
        except ValidationError as error:
            self.add_error("interests", error)
        parts = []
        for key in data.get("availability", []):
            day, _sep, part = key.partition("-")
            parts.append((int(day), part))
        data["windows"] = availability_from_day_parts(parts)
        return data

    def preferences(self) -> Preferences:
        data = self.cleaned_data
        return Preferences(
            languages=data["languages"],
            timezone=data["timezone"],
            interests=data["interest_list"],
            availability=data["windows"],
            language=data["language"],
        )

    def profile(self) -> dict[str, Any] | None:
        if not self.editable_profile:
            return None
        return {name: self.cleaned_data.get(name) for name in self.profile_fields} | {
            "title": self.cleaned_data.get("title") or ""
        }


class OnboardingForm(PreferencesForm):
    """The one-minute onboarding: preferences plus which programs to join."""

    programs = ModelMultipleIdsField(
        label=_("Programs to join"),
        queryset=Program.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, programs: list[Program], joined: set[int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = cast(ModelMultipleIdsField, self.fields["programs"])
        field.queryset = Program.objects.filter(pk__in=[p.pk for p in programs])
        # Not self.programs: that name is the form field's.
        self.open_programs = programs
        if not self.is_bound:
            # Everything open is ticked for a newcomer: joining is the point of coming here.
            self.initial["programs"] = list(joined) if joined else [p.pk for p in programs]

    def program_rows(self) -> list[dict[str, Any]]:
        ticked = {str(v) for v in (self["programs"].value() or [])}
        return [
            {"program": p, "id": f"id_programs_{p.pk}", "checked": str(p.pk) in ticked}
            for p in self.open_programs
        ]


class PauseForm(forms.Form):
    until = forms.DateField(
        label=_("Pause until (and including)"),
        # A date input takes ISO dates whatever the page's language.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Choose the last day you want to be left out."),
            "invalid": _("Enter a date such as 2026-12-24."),
        },
    )


class ColleagueSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or e-mail of a colleague"),
        min_length=2,
        max_length=100,
        error_messages={"min_length": _("Type at least two letters.")},
    )


class ProposeTimeForm(forms.Form):
    """The organizer's new time: one of the free slots offered (``slot``, an ISO
    moment), or a day and time they type, read in their own time zone."""

    slot = forms.ChoiceField(
        label=_("A time that suits everyone"), required=False, widget=forms.RadioSelect
    )
    day = forms.DateField(
        label=_("Or another day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    at = forms.TimeField(
        label=_("at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )

    def __init__(self, *args: Any, slots: list[Any], zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        cast(forms.ChoiceField, self.fields["slot"]).choices = [
            (s.isoformat(), label) for s, label in slots
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        slot, day, at = data.get("slot"), data.get("day"), data.get("at")
        if self.errors:
            return data
        if slot and (day or at):
            raise ValidationError(_("Choose one of the times or type one, not both."))
        if slot:
            data["start"] = datetime.fromisoformat(slot)
        elif day and at:
            data["start"] = datetime.combine(day, at, tzinfo=ZoneInfo(self.zone))
        else:
            raise ValidationError(_("Choose one of the times, or give a day and a time."))
        return data
