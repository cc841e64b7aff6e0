"""The dashboard's filters: program, location and period, scoped to what the signed-in
person may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crosspaths import clock
from crosspaths.people.models import Location, Organization, Person
from crosspaths.people.permissions import manageable_programs, sees_organization_insights
from crosspaths.programs.models import Program
from crosspaths.request_numbers import whole_number

from .models import RoundFigures

ROLLING = {"3m": 91, "12m": 364}
DEFAULT_PERIOD = "12m"
QUARTERS_LISTED = 8


@dataclass(frozen=True)
class Period:
    key: str
    start: date
    end: date
    label: str

    @property
    def bucket(self) -> str:
        """Weekly points for up to half a year, monthly beyond."""
        return "week" if (self.end - self.start).days <= 190 else "month"


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - timedelta(days=1)
    return start, end


def quarter_label(year: int, quarter: int) -> str:
    return _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year}


def parse_quarter(key: str) -> tuple[int, int] | None:
    """'2026-q3' -> (2026, 3); anything else -> None."""
    year_text, _sep, quarter = key.lower().partition("-q")
    year = whole_number(year_text, digits=4)
    if year is None or quarter not in {"1", "2", "3", "4"} or not 2000 <= year <= 2100:
        return None
    return year, int(quarter)


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
    start, end = quarter_bounds(*quarter)
    return Period(f"{quarter[0]}-q{quarter[1]}", start, end, quarter_label(*quarter))


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
    keys = []
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
        programs = manageable_programs(person).order_by("name")
        self.fields["program"].queryset = programs
        if not sees_organization_insights(person):
            # Program managers see one of their programs at a time.
            self.fields["program"].required = True
            self.fields["program"].empty_label = None
        self.fields["location"].queryset = Location.objects.filter(organization=org)
        quarters = recent_quarters(organization=org, today=self.today)
        self.fields["period"].choices = [
            ("3m", _("Last 3 months")),
            ("12m", _("Last 12 months")),
            ("all", _("All time")),
            *[(key, quarter_label(*parse_quarter(key))) for key in quarters],  # type: ignore[misc]
        ]
        self.quarters = quarters

    def clean_period(self) -> str:
        key = self.cleaned_data.get("period") or DEFAULT_PERIOD
        if parse_quarter(key) is None and key not in ROLLING and key != "all":
            raise forms.ValidationError(_("Choose one of the listed periods."))
        return key

    def filters(self):
        """The valid choices as ``Filters`` (defaults where a choice is invalid, so the
        page still shows something next to the error)."""
        from .selectors import Filters

        data: dict = {}
        if self.is_bound:
            self.is_valid()  # keeps the fields that are valid in cleaned_data
            data = self.cleaned_data
        program = data.get("program")
        if program is None and not sees_organization_insights(self.person):
            program = self.fields["program"].queryset.first()
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
