"""The dashboard's filters: program, location and period, scoped to what the signed-in
person may see."""

from __future__ import annotations

from datetime import date, timedelta
from typing import cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crosspaths import clock
from crosspaths.people.models import Location, Organization, Person
from crosspaths.people.permissions import sees_organization_insights
from crosspaths.programs.models import Program
from crosspaths.programs.permissions import manageable_programs

from .figures.base import Filters
from .models import RoundFigures
from .periods import Period, parse_quarter, quarter_bounds, quarter_label, quarter_period

ROLLING = {"3m": 91, "12m": 364}
DEFAULT_PERIOD = "12m"
QUARTERS_LISTED = 8


def period_for(key: str, *, organization: Organization, today: date | None = None) -> Period:
    """The dates a period key stands for (``ValueError`` for an unknown key)."""
    today = today or clock.today()
    if key in ROLLING or key == "all":
        # Rolling periods start no earlier than the first figures: no empty months on the
        # charts of an organization that started recently.
        first = (
            RoundFigures.objects.filter(organization=organization)
            .order_by("date")
            .values_list("date", flat=True)
            .first()
        ) or today
        labels = {"3m": _("Last 3 months"), "12m": _("Last 12 months"), "all": _("All time")}
        start = today - timedelta(days=ROLLING.get(key, 0)) if key in ROLLING else first
        return Period(key, min(max(start, first), today), today, labels[key])
    quarter = parse_quarter(key)
    if quarter is None:
        raise ValueError(key)
    return quarter_period(*quarter)


def recent_quarters(*, organization: Organization, today: date | None = None) -> list[str]:
    """Keys of the quarters with figures, newest first (at most ``QUARTERS_LISTED``)."""
    today = today or clock.today()
    first = (
        RoundFigures.objects.filter(organization=organization)
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    if first is None:
        return []
    keys: list[str] = []
    year, quarter = today.year, (today.month - 1) // 3 + 1
    while len(keys) < QUARTERS_LISTED and quarter_bounds(year, quarter)[1] >= first:
        keys.append(f"{year}-q{quarter}")
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return keys


class InsightsFilterForm(forms.Form):
    program = forms.ModelChoiceField(
        label=gettext_lazy("Program"),
        queryset=Program.objects.none(),
        required=False,
        empty_label=gettext_lazy("All programs"),
    )
    location = forms.ModelChoiceField(
        label=gettext_lazy("Location"),
        queryset=Location.objects.none(),
        required=False,
        empty_label=gettext_lazy("All locations"),
    )
    period = forms.ChoiceField(label=gettext_lazy("Period"), required=False, initial=DEFAULT_PERIOD)

    def __init__(self, data=None, *, person: Person, today: date | None = None, **kwargs) -> None:
        if data is not None and not data.get("period"):
            data = data.copy()
            data["period"] = DEFAULT_PERIOD  # so the select shows the period in force
        super().__init__(data, **kwargs)
        self.person = person
        self.today = today or clock.today()
        org = person.organization
        programs = manageable_programs(person).visible().order_by("name")
        cast(forms.ModelChoiceField, self.fields["program"]).queryset = programs
        if not sees_organization_insights(person):
            # Program managers see one of their programs at a time.
            self.fields["program"].required = True
            cast(forms.ModelChoiceField, self.fields["program"]).empty_label = None
        cast(forms.ModelChoiceField, self.fields["location"]).queryset = Location.objects.filter(
            organization=org
        )
        quarters = recent_quarters(organization=org, today=self.today)
        cast(forms.ChoiceField, self.fields["period"]).choices = [
            ("3m", _("Last 3 months")),
            ("12m", _("Last 12 months")),
            ("all", _("All time")),
            *[(key, quarter_label(*parse_quarter(key))) for key in quarters],  # type: ignore[misc]  # a quarter key parses to (year, quarter)
        ]
        self.quarters = quarters

    def clean_period(self) -> str:
        key = self.cleaned_data.get("period") or DEFAULT_PERIOD
        if parse_quarter(key) is None and key not in ROLLING and key != "all":
            raise forms.ValidationError(_("Choose one of the listed periods."))
        return key

    def filters(self) -> Filters:
        """The valid choices as ``Filters`` (defaults where a choice is invalid, so the
        page still shows something next to the error)."""
        data: dict = {}
        if self.is_bound:
            self.is_valid()  # keeps the fields that are valid in cleaned_data
            data = self.cleaned_data
        program = data.get("program")
        if program is None and not sees_organization_insights(self.person):
            offered = cast(forms.ModelChoiceField, self.fields["program"]).queryset
            program = offered.first() if offered is not None else None  # set in __init__
        period_key = data.get("period") or DEFAULT_PERIOD
        org = self.person.organization
        return Filters(
            organization=org,
            program=program,
            location=data.get("location"),
            period=period_for(period_key, organization=org, today=self.today),
            organization_wide=sees_organization_insights(self.person),
            today=self.today,
        )
