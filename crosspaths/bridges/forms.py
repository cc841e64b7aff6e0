"""The console's team-bridge forms, in plain language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from crosspaths.people.models import Organization, Person, Team
from crosspaths.programs.models import Program

ZONES_SHOWN = 3


class TeamChoice(forms.ModelMultipleChoiceField):
    """Teams labelled with their department, size and time zones ("Platform
    (Engineering) · 8 people · Asia/Singapore, Europe/Berlin"): the zones are what
    decides who can meet whom."""

    about: dict[int, tuple[int, list[str]]] = {}

    def label_from_instance(self, obj: Team) -> str:
        dept = obj.department.name if obj.department_id and obj.department else ""
        label = f"{obj.name} ({dept})" if dept else obj.name
        count, zones = self.about.get(obj.pk, (0, []))
        people = ngettext("%(count)s person", "%(count)s people", count) % {"count": count}
        shown = ", ".join(zones[:ZONES_SHOWN])
        if len(zones) > ZONES_SHOWN:
            shown += f" +{len(zones) - ZONES_SHOWN}"
        return " · ".join(x for x in (label, people, shown) if x)


def team_facts(organization: Organization) -> dict[int, tuple[int, list[str]]]:
    """Per team of the organization: active members and their time zones (one query)."""
    rows = Person.objects.filter(
        organization=organization, active=True, team__isnull=False
    ).values_list("team_id", "timezone", "location__timezone")
    counts: dict[int, int] = {}
    zones: dict[int, set[str]] = {}
    for team_id, tz, loc_tz in rows:
        counts[team_id] = counts.get(team_id, 0) + 1
        zones.setdefault(team_id, set()).add(tz or loc_tz or organization.timezone)
    return {pk: (n, sorted(zones[pk])) for pk, n in counts.items()}


class BridgeTeamsForm(forms.Form):
    teams = TeamChoice(
        label=_("Which teams should meet each other?"),
        queryset=Team.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Pick two or more. Each round pairs one person of one team with one person of "
            "another, never two of the same team."
        ),
        error_messages={"required": _("Pick at least two teams.")},
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["teams"]
        assert isinstance(field, TeamChoice)
        field.queryset = Team.objects.filter(organization=organization).select_related("department")
        field.about = team_facts(organization)

    def clean_teams(self) -> list[Team]:
        teams = list(self.cleaned_data["teams"])
        if len(teams) < 2:
            raise forms.ValidationError(_("A bridge joins at least two teams; pick two or more."))
        return teams


class BridgeForm(BridgeTeamsForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("What members see, e.g. “Berlin meets Singapore”."),
    )
    cadence = forms.ChoiceField(
        label=_("How often?"),
        choices=[c for c in Program.Cadence.choices if c[0] != Program.Cadence.ONCE],
        initial=Program.Cadence.BIWEEKLY,
        widget=forms.RadioSelect,
    )
    weekday = forms.TypedChoiceField(
        label=_("On which day do the pairs go out?"),
        choices=Program.Weekday.choices,
        coerce=int,
        initial=Program.Weekday.MONDAY,
    )
    starts_on = forms.DateField(
        label=_("First round on or after"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    field_order = ["name", "teams", "cadence", "weekday", "starts_on"]
