from typing import Any

from django import forms
from django.contrib import admin

from .models import Department, Location, Organization, Person, Team
from .preferences import timezone_choices
from .services import LastAdminError, admins_keep_one


class ZonePickerMixin:
    """The curated time-zone picker (common zones first, grouped by area, no
    deprecated aliases) instead of a text box, keeping a stored value that is not
    offered selectable."""

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)  # type: ignore[misc]  # a mixin: ModelAdmin comes after it
        current = getattr(obj, "timezone", "") or ""
        blank = [] if self.model is Organization else [("", "—")]  # type: ignore[attr-defined]  # a mixin: ModelAdmin comes after it
        form.base_fields["timezone"].widget = forms.Select(
            choices=blank + timezone_choices(current=current)
        )
        return form


@admin.register(Organization)
class OrganizationAdmin(ZonePickerMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "timezone", "language", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "organization"]
    list_filter = ["organization"]
    search_fields = ["name"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "department", "organization"]
    list_filter = ["organization"]
    search_fields = ["name"]
    list_select_related = ["department", "organization"]


@admin.register(Location)
class LocationAdmin(ZonePickerMixin, admin.ModelAdmin):
    list_display = ["name", "timezone", "country", "subdivision", "organization"]
    list_filter = ["organization"]
    search_fields = ["name"]


class PersonAdminForm(forms.ModelForm):
    """Operators obey the last-admin rule too. The admin's change view is one
    transaction, so the lock ``admins_keep_one`` takes holds until the save commits."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        old = self.instance  # not yet updated from the form (that happens after clean)
        was_admin = old.pk and old.role == Person.Role.ADMIN and old.active
        if was_admin and (data.get("role") != Person.Role.ADMIN or not data.get("active")):
            try:
                admins_keep_one(organization=old.organization, losing=[old.pk])
            except LastAdminError as e:
                raise forms.ValidationError(e.messages) from None
        return data


@admin.register(Person)
class PersonAdmin(ZonePickerMixin, admin.ModelAdmin):
    form = PersonAdminForm
    list_display = ["name", "email", "organization", "department", "location", "role", "active"]
    list_filter = ["organization", "active", "role", "department", "location"]
    search_fields = ["name", "email", "external_id"]
    list_select_related = ["organization", "department", "location"]
    raw_id_fields = ["user", "manager", "department", "team", "location"]
    readonly_fields = ["created_at", "updated_at"]


# BlockedPair is deliberately not registered: a 'please don't pair me with' list is
# private to the person who wrote it, and operators have no need to read it.
