from django.contrib.auth import views as auth_views
from django.urls import path

from . import (
    match_views,
    organization_views,
    preference_views,
    setup_views,
    signin_views,
    views,
)

urlpatterns = [
    path("", views.home, name="home"),
    # Signing in: an e-mail link by default, a password as an option.
    path("login/", signin_views.sign_in, name="login"),
    path("login/sent/", signin_views.sign_in_sent, name="sign_in_sent"),
    path("login/link/<str:token>/", signin_views.sign_in_link, name="sign_in_link"),
    path("login/password/", signin_views.PasswordSignInView.as_view(), name="password_login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/organizations/", organization_views.organizations, name="organizations"),
    path("setup/", setup_views.first_run, name="first_run"),
    # The person's own settings.
    path("start/", preference_views.onboarding, name="onboarding"),
    path("preferences/", preference_views.preferences, name="preferences"),
    path("preferences/blocked/", preference_views.blocked, name="blocked"),
    path("preferences/blocked/add/", preference_views.block, name="block"),
    path("preferences/blocked/<int:pk>/remove/", preference_views.unblock, name="unblock"),
    path("programs/", preference_views.programs, name="programs"),
    path("programs/<int:pk>/join/", preference_views.program_join, name="program_join"),
    path("programs/<int:pk>/leave/", preference_views.program_leave, name="program_leave"),
    path("programs/pause/", preference_views.pause, name="pause"),
    path("programs/resume/", preference_views.resume, name="resume"),
    # A match.
    path("matches/<int:pk>/", match_views.match_page, name="match"),
    path("matches/<int:pk>/confirm/", match_views.match_confirm_view, name="match_confirm"),
    path("matches/<int:pk>/propose/", match_views.match_propose_view, name="match_propose"),
    path("matches/<int:pk>/withdraw/", match_views.match_withdraw_view, name="match_withdraw"),
    path("matches/<int:pk>/calendar.ics", views.match_ics, name="match_ics"),
    path("matches/<int:pk>/check-in/", views.match_checkin, name="match_checkin"),
    path("people/<int:pk>/keep-in-touch/", views.keep_in_touch, name="keep_in_touch"),
]
