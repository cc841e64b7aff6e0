from django.contrib import admin

from .models import TeamsInstallation, TeamsUser


@admin.register(TeamsInstallation)
class TeamsInstallationAdmin(admin.ModelAdmin):
    """Read-only: an organization's admins connect their tenant in the console."""

    list_display = ["organization", "tenant_id", "connected_at"]
    readonly_fields = ["organization", "tenant_id", "connected_by", "connected_at"]

    def has_add_permission(self, request):
        return False


@admin.register(TeamsUser)
class TeamsUserAdmin(admin.ModelAdmin):
    list_display = ["person", "organization", "user_id", "linked_at"]
    list_filter = ["organization"]
    raw_id_fields = ["person"]
