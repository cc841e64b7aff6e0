from django.urls import path

from . import views

urlpatterns = [
    path("account/data/", views.my_data, name="my_data"),
    path("account/data.json", views.my_data_json, name="my_data_json"),
    path("console/people/<int:pk>/data.json", views.person_data_download, name="person_data"),
    path("console/people/<int:pk>/erase/", views.person_erase_by_admin, name="person_erase"),
]
