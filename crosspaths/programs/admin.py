from django.contrib import admin

from .models import Enrollment, LeftOut, Match, MatchMember, Program, Round


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "organization",
        "format",
        "cadence",
        "weekday",
        "time",
        "group_size",
        "active",
    ]
    list_filter = ["organization", "format", "cadence", "active", "requires_review"]
    search_fields = ["name"]
    filter_horizontal = ["managers"]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["person", "program", "joined_at", "paused_until", "left_at"]
    list_filter = ["organization", "program"]
    search_fields = ["person__name", "person__email"]
    raw_id_fields = ["person", "program"]
    list_select_related = ["person", "program"]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["program", "date", "status", "organization", "published_at", "closed_at"]
    list_filter = ["organization", "status", "program"]
    date_hierarchy = "date"
    list_select_related = ["program", "organization"]


class MatchMemberInline(admin.TabularInline):
    model = MatchMember
    extra = 0
    raw_id_fields = ["person", "round"]


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ["id", "round", "organizer", "suggested_start", "score"]
    list_filter = ["organization", "round__program", "round__status"]
    raw_id_fields = ["round", "organizer", "location"]
    inlines = [MatchMemberInline]
    list_select_related = ["round__program", "organizer"]


@admin.register(LeftOut)
class LeftOutAdmin(admin.ModelAdmin):
    list_display = ["person", "round", "code", "reason"]
    list_filter = ["organization", "code"]
    raw_id_fields = ["person", "round"]
