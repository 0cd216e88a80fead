from django.urls import path

from hearth.benefits import views

app_name = "benefits"
urlpatterns = [
    path("health/benefits/", views.benefits, name="benefits"),
    path("health/benefits/export.csv", views.export_csv, name="export"),
    path("health/benefits/settings/", views.benefit_settings, name="settings"),
    path("health/benefits/<slug:figure>/", views.drilldown, name="drilldown"),
]
