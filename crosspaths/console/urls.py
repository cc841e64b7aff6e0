"""URLs of the HR console (/console/). Every new pattern needs an entry in the tenant
isolation sweep's registry (tests/test_isolation.py), or that test fails."""

from django.urls import path

from . import views

app_name = "console"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("roster/", views.roster, name="roster"),
    path("roster/export.csv", views.roster_export, name="roster_export"),
    path("roster/uploads/<int:pk>/columns/", views.roster_mapping, name="roster_mapping"),
    path("roster/uploads/<int:pk>/", views.roster_preview, name="roster_preview"),
    path("roster/uploads/<int:pk>/apply/", views.roster_apply, name="roster_apply"),
    path("people/", views.people, name="people"),
    path("people/invite/", views.people_invite, name="people_invite"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("programs/", views.programs, name="programs"),
    path("programs/new/", views.program_new, name="program_new"),
    path("programs/<int:pk>/", views.program_detail, name="program"),
    path("programs/<int:pk>/edit/", views.program_edit, name="program_edit"),
    path("programs/<int:pk>/enroll/", views.program_enroll, name="program_enroll"),
    path("programs/<int:pk>/auto-enroll/", views.program_auto_enroll, name="program_auto_enroll"),
    path("programs/<int:pk>/rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/comments/", views.round_comments, name="round_comments"),
    path("rounds/<int:pk>/check/", views.round_check, name="round_check"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:pk>/publish/", views.round_publish, name="round_publish"),
    path("rounds/<int:pk>/rerun/", views.round_rerun, name="round_rerun"),
    path("rounds/<int:pk>/discard/", views.round_discard, name="round_discard"),
    path("jobs/<int:pk>/", views.round_job, name="round_job"),
    path("retention/", views.retention, name="retention"),
    path("audit/", views.audit, name="audit"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
]
