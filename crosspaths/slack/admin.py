from django.contrib import admin

from .models import SlackInstallation, SlackLink


@admin.register(SlackInstallation)
class SlackInstallationAdmin(admin.ModelAdmin):
    """Read-only: installations are made by OAuth in the console; the token never shows."""

    list_display = ["organization", "team_name", "team_id", "installed_at"]
    exclude = ["bot_token_encrypted"]
    readonly_fields = [
        "organization",
        "team_id",
        "team_name",
        "app_id",
        "bot_user_id",
        "scopes",
        "installed_by",
        "installed_at",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(SlackLink)
class SlackLinkAdmin(admin.ModelAdmin):
    list_display = ["person", "organization", "user_id", "checked_at"]
    list_filter = ["organization"]
    raw_id_fields = ["person"]
