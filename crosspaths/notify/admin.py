from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ChannelChoice, ChatAccount, Message, OrganizationChannels
from .services import message_requeue


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The outbox as operators see it: what is queued, what failed and why."""

    list_display = [
        "id",
        "kind",
        "channel",
        "person",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", "kind", "channel", "organization"]
    search_fields = ["person__email", "person__name", "dedupe_key"]
    raw_id_fields = ["person", "match"]
    list_select_related = ["person"]
    readonly_fields = [
        "organization",
        "kind",
        "channel",
        "person",
        "group_members",
        "conversation",
        "match",
        "dedupe_key",
        "status",
        "attempts",
        "next_attempt_at",
        "lease_until",
        "last_error",
        "sent_at",
        "created_at",
    ]
    actions = ["send_again"]
    date_hierarchy = "created_at"

    @admin.display(description=_("last error"))
    def short_error(self, obj: Message) -> str:
        return obj.last_error[:120]

    @admin.action(description=_("Send again (failed or skipped messages)"))
    def send_again(self, request, queryset):
        count = message_requeue(messages=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d message is queued again.",
                "%(count)d messages are queued again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(OrganizationChannels)
class OrganizationChannelsAdmin(admin.ModelAdmin):
    """Which channels an organization delivers on (until the console offers it)."""

    list_display = ["organization", "channels"]
    raw_id_fields = ["organization"]


@admin.register(ChatAccount)
class ChatAccountAdmin(admin.ModelAdmin):
    list_display = ["person", "channel", "external_id", "linked_at"]
    list_filter = ["channel", "organization"]
    search_fields = ["person__email", "external_id"]
    raw_id_fields = ["organization", "person"]


@admin.register(ChannelChoice)
class ChannelChoiceAdmin(admin.ModelAdmin):
    list_display = ["person", "channel"]
    list_filter = ["channel"]
    raw_id_fields = ["organization", "person"]
