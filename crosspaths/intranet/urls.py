"""/embed/: the intranet cards (framed by the organization's intranet pages);
/console/intranet/: their settings (admins)."""

from django.urls import path

from . import views

app_name = "intranet"
urlpatterns = [
    path("card/", views.card, name="card"),
    path("card/join/<int:pk>/", views.card_join, name="card_join"),
    path("card/pause/", views.card_pause, name="card_pause"),
    path("org/<str:key>/", views.organization_card, name="organization_card"),
]

console_urlpatterns = (
    [
        path("", views.embed_settings, name="settings"),
        path("renew/", views.embed_card_key_renew, name="card_key_renew"),
    ],
    "intranet_console",
)
