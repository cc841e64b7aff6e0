"""Forms of the HR console: validation and plain-language labels; the writes are services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from crosspaths.matching.roster import ROSTER_COLUMNS
from crosspaths.people.models import Department, Location, Organization, Person
from crosspaths.programs.enrollments import AudienceFilter
from crosspaths.programs.models import VENUE_MAX, Match, Program
from crosspaths.request_numbers import ModelMultipleIdsField

from . import program_rules
from .models import AuditLog
from .roster_files import MAX_UPLOAD_BYTES
from .selectors import round_seat
from .services import HandEdit

COLUMN_LABELS = {
    "id": _("Roster id (required)"),
    "name": _("Name"),
    "email": _("E-mail"),
    "department": _("Department"),
    "team": _("Team"),
    "location": _("Location"),
    "level": _("Level"),
    "manager_id": _("Manager's roster id"),
    "start_date": _("Start date"),
    "timezone": _("Time zone"),
    "languages": _("Languages"),
    "interests": _("Interests"),
    "active": _("Active"),
    "title": _("Job title"),
    "language": _("Language of e-mails and pages"),
    "country": _("Country of the location (holidays), e.g. DE-BY"),
}


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file"),
        help_text=_(
            "CSV (UTF-8, comma or semicolon separated) or an Excel workbook (.xlsx); "
            "the first row names the columns."
        ),
    )

    def clean_file(self) -> Any:
        file = self.cleaned_data["file"]
        if file.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)d MB; split it or remove unused columns."),
                params={"limit": MAX_UPLOAD_BYTES // (1024 * 1024)},
            )
        return file


class RosterMappingForm(forms.Form):
    """One select per roster column: which column of the file feeds it."""

    def __init__(self, *args: Any, headers: list[str], mapping: dict[str, str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the file —")), *((h, h) for h in headers if h)]
        for column in ROSTER_COLUMNS:
            self.fields[column] = forms.ChoiceField(
                label=COLUMN_LABELS[column],
                choices=choices,
                required=column == "id",
                initial=mapping.get(column, ""),
                error_messages={
                    "required": _("Choose the column that holds each person's roster id.")
                },
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        used: dict[str, str] = {}
        for column in ROSTER_COLUMNS:
            header = data.get(column)
            if not header:
                continue
            if header in used:
                self.add_error(
                    column,
                    _("'%(header)s' already feeds “%(other)s”; a column can feed only one.")
                    % {"header": header, "other": COLUMN_LABELS[used[header]]},
                )
            else:
                used[header] = column
        return data

    def mapping(self) -> dict[str, str]:
        return {c: self.cleaned_data[c] for c in ROSTER_COLUMNS if self.cleaned_data.get(c)}


class RosterApplyForm(forms.Form):
    """The preview's one form: the choice about missing people, and Apply. Submitting
    it with another choice than the one previewed stores the choice and shows the new
    preview instead of applying, so the box and what Apply does never disagree."""

    deactivate_missing = forms.BooleanField(
        label=_("Deactivate people who are not in this file"),
        help_text=_(
            "Leave unticked for a partial file (for example one department). Deactivated "
            "people are no longer matched; their history is kept."
        ),
        required=False,
    )
    # Ticked, it carries the number of people the admin agreed to deactivate.
    confirm_deactivations = forms.IntegerField(required=False, min_value=0)
    # The preview's figures: applying refuses when the people changed since.
    new = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    updated = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    unchanged = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    deactivated = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def expected(self) -> dict[str, int]:
        return {k: self.cleaned_data[k] for k in ("new", "updated", "unchanged", "deactivated")}


class PeopleFilterForm(forms.Form):
    STATUS_CHOICES = [
        ("", _("Everyone active")),
        ("not_invited", _("Not invited yet")),
        ("invited", _("Invited, not joined")),
        ("joined", _("Joined")),
        ("inactive", _("Deactivated")),
    ]
    q = forms.CharField(label=_("Name or e-mail"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("All departments"),
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["department"]
        ).queryset = Department.objects.filter(organization=organization)


class InviteForm(forms.Form):
    """Whom to invite: the people ticked, or everyone active who was never invited."""

    person = ModelMultipleIdsField(queryset=Person.objects.none(), required=False)
    everyone = forms.BooleanField(required=False)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.organization = organization
        cast(forms.ModelChoiceField, self.fields["person"]).queryset = Person.objects.filter(
            organization=organization
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("everyone") and not data.get("person"):
            raise forms.ValidationError(_("Tick the people to invite first."))
        return data

    def people(self) -> Any:
        if self.cleaned_data.get("everyone"):
            return Person.objects.filter(organization=self.organization, invited_at__isnull=True)
        return Person.objects.filter(
            organization=self.organization, pk__in=[p.pk for p in self.cleaned_data["person"]]
        )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Person.Role.choices)


class ActivityForm(forms.Form):
    """Deactivate or reactivate someone by hand (the person page's second form)."""

    active = forms.TypedChoiceField(
        choices=[("1", _("Reactivate")), ("0", _("Deactivate"))], coerce=lambda v: v == "1"
    )


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[("", _("All actions")), *AuditLog.Action.choices],
        required=False,
    )
    actor = forms.ModelChoiceField(
        label=_("Who"), queryset=Person.objects.none(), required=False, empty_label=_("Anyone")
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(label=_("Text"), required=False, max_length=200)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["actor"]).queryset = Person.objects.filter(
            organization=organization, role__in=[Person.Role.ADMIN, Person.Role.PROGRAM_MANAGER]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end date is before the start date."))
        return data


def _model_field(name: str, **kwargs: Any) -> forms.Field:
    field = Program._meta.get_field(name).formfield(**kwargs)  # type: ignore[union-attr]  # a Program column, not a reverse relation
    assert field is not None
    return field


class ProgramForm(forms.Form):
    """A program's settings in the words of the people who run it."""

    name = _model_field("name")
    description = _model_field("description", widget=forms.Textarea(attrs={"rows": 3}))
    format = _model_field("format")
    cadence = _model_field("cadence")
    weekday = _model_field("weekday")
    time = _model_field("time", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    starts_on = _model_field("starts_on", widget=forms.DateInput(attrs={"type": "date"}))
    group_size = _model_field(
        "group_size",
        min_value=2,
        max_value=12,
        error_messages={
            "min_value": _("A group needs at least two people."),
            "max_value": _("A group has at most twelve people."),
        },
        help_text=_("2 for pairs; up to 12 for tables at an event."),
    )
    cooldown_weeks = _model_field(
        "cooldown_weeks",
        min_value=0,
        max_value=520,
        error_messages={"max_value": _("At most 520 weeks (ten years).")},
    )
    holdout_percent = _model_field(
        "holdout_percent",
        required=False,  # empty: nobody held out
        min_value=0,
        max_value=50,
        error_messages={"max_value": _("Hold out at most %(limit_value)s %% of the pairs.")},
    )
    requires_review = forms.TypedChoiceField(
        label=_("When a round is ready"),
        choices=[
            ("0", _("Publish it automatically")),
            ("1", _("Wait for a program manager or admin to review and publish it")),
        ],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="0",
    )
    active = _model_field(
        "active", help_text=_("Inactive programs run no rounds; their history stays.")
    )
    audience_departments = ModelMultipleIdsField(
        label=_("Departments"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every department."),
    )
    audience_locations = ModelMultipleIdsField(
        label=_("Locations"),
        queryset=Location.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every location."),
    )
    level_min = forms.IntegerField(label=_("Lowest level"), required=False, min_value=0)
    level_max = forms.IntegerField(label=_("Highest level"), required=False, min_value=0)
    started_within_days = forms.IntegerField(
        label=_("Started within the last … days"),
        required=False,
        min_value=1,
        max_value=3650,
        help_text=_("For example 90 for the new hires of the last 90 days; empty: anyone."),
    )
    venues = forms.CharField(
        label=_("Where groups meet"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For in-person formats, one line per location: the location's name, a colon, "
            "and the place, e.g. “Munich: Kantine 3rd floor, 12:30”. It is in the "
            "introduction, on the match page and in the calendar invitation."
        ),
    )
    managers = ModelMultipleIdsField(
        label=_("Program managers"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "People with the program manager role who may run this program; give the role "
            "on the People page."
        ),
    )

    def __init__(
        self,
        *args: Any,
        organization: Organization,
        program: Program | None = None,
        can_assign_managers: bool = False,
        **kwargs: Any,
    ):
        self.program = program
        initial = kwargs.pop("initial", None) or {}
        if program is not None:
            initial = {**self.initial_from(program), **initial}
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["audience_departments"]
        ).queryset = Department.objects.filter(organization=organization)
        cast(
            forms.ModelChoiceField, self.fields["audience_locations"]
        ).queryset = Location.objects.filter(organization=organization)
        self.locations = dict(
            Location.objects.filter(organization=organization).values_list("pk", "name")
        )
        if program is not None and "venues" not in self.initial:
            self.initial["venues"] = "\n".join(
                f"{self.locations[int(k)]}: {v}"
                for k, v in sorted((program.venues or {}).items())
                if str(k).isdigit() and int(k) in self.locations
            )
        if can_assign_managers:
            cast(forms.ModelChoiceField, self.fields["managers"]).queryset = Person.objects.filter(
                organization=organization, role=Person.Role.PROGRAM_MANAGER
            )
        else:
            del self.fields["managers"]
        stored = program.weights if program is not None else {}
        for key in program_rules.SENTENCES:
            self.fields[f"pref_{key}"] = forms.ChoiceField(
                label=program_rules.SENTENCES[key],
                choices=program_rules.LEVEL_CHOICES,
                widget=forms.RadioSelect,
                initial=program_rules.weight_level(key, stored),
            )

    @staticmethod
    def initial_from(program: Program) -> dict[str, Any]:
        audience = program.audience or {}
        data: dict[str, Any] = {
            name: getattr(program, name)
            for name in (
                "name",
                "description",
                "format",
                "cadence",
                "weekday",
                "time",
                "starts_on",
                "group_size",
                "cooldown_weeks",
                "holdout_percent",
                "active",
            )
        }
        data["requires_review"] = "1" if program.requires_review else "0"
        data["audience_departments"] = audience.get("departments", [])
        data["audience_locations"] = audience.get("locations", [])
        data["level_min"] = audience.get("level_min")
        data["level_max"] = audience.get("level_max")
        data["started_within_days"] = audience.get("started_within_days")
        if program.pk:
            data["managers"] = list(program.managers.values_list("pk", flat=True))
        return data

    def clean_venues(self) -> dict[str, str]:
        """ "Munich: Kantine 3rd floor, 12:30" lines into {location id: place}; a line
        that names no location of the organization is refused with its number."""
        by_name = {name.casefold(): pk for pk, name in self.locations.items()}
        out: dict[str, str] = {}
        errors = []
        for number, line in enumerate(self.cleaned_data.get("venues", "").splitlines(), 1):
            if not line.strip():
                continue
            name, colon, place = line.partition(":")
            pk = by_name.get(name.strip().casefold())
            if not colon or not place.strip():
                errors.append(
                    _("Line %(n)s: write the location, a colon and the place.") % {"n": number}
                )
            elif pk is None:
                errors.append(
                    _("Line %(n)s: “%(name)s” is not one of your locations (%(known)s).")
                    % {
                        "n": number,
                        "name": name.strip(),
                        "known": ", ".join(sorted(self.locations.values())) or "-",
                    }
                )
            elif len(place.strip()) > VENUE_MAX:
                errors.append(
                    _("Line %(n)s: at most %(max)s characters for the place.")
                    % {"n": number, "max": VENUE_MAX}
                )
            else:
                out[str(pk)] = place.strip()
        if errors:
            raise forms.ValidationError(errors)
        return out

    def preference_fields(self) -> list[forms.BoundField]:
        return [self[f"pref_{key}"] for key in program_rules.SENTENCES]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("level_min"), data.get("level_max")
        if low is not None and high is not None and low > high:
            self.add_error("level_max", _("The highest level must not be below the lowest level."))
        return data

    def audience(self) -> dict[str, Any]:
        data = self.cleaned_data
        audience: dict[str, Any] = {}
        if data.get("audience_departments"):
            audience["departments"] = sorted(d.pk for d in data["audience_departments"])
        if data.get("audience_locations"):
            audience["locations"] = sorted(loc.pk for loc in data["audience_locations"])
        for key in ("level_min", "level_max", "started_within_days"):
            if data.get(key) is not None:
                audience[key] = data[key]
        return audience

    def weights(self) -> dict[str, float]:
        """Every weight from its answer; a stored custom value survives when its answer
        was left as it was."""
        stored = self.program.weights if self.program is not None else {}
        out: dict[str, float] = {}
        for key in program_rules.SENTENCES:
            level = self.cleaned_data[f"pref_{key}"]
            if key in stored and program_rules.weight_level(key, stored) == level:
                out[key] = float(stored[key])
            else:
                out[key] = program_rules.weight_value(key, level)
        return out

    def program_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in (
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
            )
        }
        fields["holdout_percent"] = data.get("holdout_percent") or 0
        fields["audience"] = self.audience()
        fields["venues"] = self.cleaned_data.get("venues") or {}
        fields["weights"] = self.weights()
        return fields


class RoundDraftForm(forms.Form):
    on = forms.DateField(
        label=_("Round date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Nobody is told anything until you publish."),
    )


class HandEditForm(forms.Form):
    """Swap two people, move someone into another group, or take someone out.

    People are named by e-mail and groups by their number, and each is looked up in
    this round only, so nothing outside it can be named; the form never lists the
    round's people (at 100,000 people that list alone was megabytes)."""

    SWAP, MOVE, OUT = "swap", "move", "out"

    person = forms.CharField(
        label=_("Person (e-mail)"),
        max_length=254,
        widget=forms.TextInput(attrs={"type": "email", "autocomplete": "off"}),
    )
    action = forms.ChoiceField(
        label=_("Change"),
        choices=[
            (SWAP, _("Swap with someone")),
            (MOVE, _("Move into a group")),
            (OUT, _("Take out of this round")),
        ],
        initial=SWAP,
        widget=forms.RadioSelect,
    )
    other = forms.CharField(
        label=_("Swap with (e-mail)"),
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"type": "email", "autocomplete": "off"}),
    )
    group = forms.IntegerField(label=_("Move into group number"), min_value=1, required=False)

    def __init__(self, *args: Any, round: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.round = round
        self.person_obj: Person | None = None
        self.other_obj: Person | None = None
        self.match_obj: Any = None

    def _seat(self, field: str) -> Person | None:
        email = self.cleaned_data.get(field) or ""
        seat = round_seat(rnd=self.round, email=email)
        if seat is None:
            # Not echoed back: the page must not repeat an address from outside the
            # round (the isolation sweep checks that no answer shows it).
            data = cast(QueryDict, self.data).copy()  # a posted form: request.POST
            data[self.add_prefix(field)] = ""
            self.data = data
            self.add_error(field, _("Nobody in this round has the e-mail address you gave."))
            return None
        return seat[0]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "person" in data:
            self.person_obj = self._seat("person")
        action = data.get("action")
        if action == self.SWAP:
            if not data.get("other"):
                self.add_error("other", _("Give the e-mail of the person to swap with."))
            else:
                self.other_obj = self._seat("other")
                if self.other_obj is not None and self.other_obj == self.person_obj:
                    self.add_error("other", _("Choose someone else to swap with."))
        elif action == self.MOVE:
            number = data.get("group")
            if number is None:
                self.add_error("group", _("Give the number of the group."))
            else:
                self.match_obj = (
                    Match.objects.filter(
                        round=self.round, organization_id=self.round.organization_id
                    )
                    .order_by("id")[number - 1 : number]
                    .first()
                )
                if self.match_obj is None:
                    self.add_error(
                        "group",
                        _("This round has no group %(number)d.") % {"number": number},
                    )
        return data

    def edit(self) -> Any:
        action = self.cleaned_data["action"]
        if self.person_obj is None:  # clean() found the seat, or the form is invalid
            raise ValueError("edit() of an invalid hand edit form")
        if action == self.OUT:
            return HandEdit(person=self.person_obj, kind=HandEdit.OUT)
        if action == self.SWAP:
            return HandEdit(person=self.person_obj, kind=HandEdit.SWAP, other=self.other_obj)
        return HandEdit(person=self.person_obj, kind=HandEdit.MOVE, match=self.match_obj)


class RetentionForm(forms.Form):
    """How long check-in comments are kept; empty keeps them for good."""

    checkin_comment_months = forms.IntegerField(
        label=_("Keep check-in comments for (months)"),
        required=False,
        min_value=1,
        max_value=120,
        help_text=_(
            "Comments older than this are deleted every night, for good. Leave it empty to "
            "keep them. Ratings and whether people met are kept either way."
        ),
    )


class AudienceForm(forms.Form):
    """Whom to enroll in a program at once: filters that combine; none means everyone."""

    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("Every department"),
    )
    location = forms.ModelChoiceField(
        label=_("Location"),
        queryset=Location.objects.none(),
        required=False,
        empty_label=_("Every location"),
    )
    started_from = forms.DateField(
        label=_("Start date from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("New hires: people whose start date is on or after this day."),
    )
    started_until = forms.DateField(
        label=_("Start date until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["department"]
        ).queryset = Department.objects.filter(organization=organization)
        cast(forms.ModelChoiceField, self.fields["location"]).queryset = Location.objects.filter(
            organization=organization
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("started_from"), data.get("started_until")
        if start and end and start > end:
            self.add_error(
                "started_until", _("The end of the range is before its start; swap the dates.")
            )
        return data

    def audience(self) -> AudienceFilter:
        data = self.cleaned_data
        return AudienceFilter(
            department_id=data["department"].pk if data.get("department") else None,
            location_id=data["location"].pk if data.get("location") else None,
            started_from=data.get("started_from"),
            started_until=data.get("started_until"),
        )
