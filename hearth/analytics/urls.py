from django.urls import path

from hearth.analytics import views
from hearth.api import views as api_views

app_name = "analytics"
urlpatterns = [
    path("health/", views.health, name="health"),
    path("health/export.csv", views.export_csv, name="health-export"),
    path("health/guide/", views.guide, name="health-guide"),
    path("health/<slug:metric>/", views.drilldown, name="health-drilldown"),
    path("manage/api-keys/", api_views.api_keys, name="api-keys"),
    path("manage/api-keys/<id:key_id>/revoke", api_views.api_key_revoke, name="api-key-revoke"),
    path("profile/api-keys/", api_views.my_api_keys, name="my-api-keys"),
    path(
        "profile/api-keys/<id:key_id>/revoke",
        api_views.my_api_key_revoke,
        name="my-api-key-revoke",
    ),
]
