from django.contrib import admin

from .models import CheckIn


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["member", "met", "rating", "created_at"]
    list_filter = ["organization", "met", "rating"]
    raw_id_fields = ["member"]
    list_select_related = ["member__person", "member__match__round__program"]
