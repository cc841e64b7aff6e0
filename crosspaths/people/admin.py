from django.contrib import admin

from .models import Department, Location, Organization, Person, Team


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
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
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "timezone", "organization"]
    list_filter = ["organization"]
    search_fields = ["name"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "organization", "department", "location", "role", "active"]
    list_filter = ["organization", "active", "role", "department", "location"]
    search_fields = ["name", "email", "external_id"]
    list_select_related = ["organization", "department", "location"]
    raw_id_fields = ["user", "manager", "department", "team", "location"]
    readonly_fields = ["created_at", "updated_at"]


# BlockedPair is deliberately not registered: a 'please don't pair me with' list is
# private to the person who wrote it, and operators have no need to read it.
