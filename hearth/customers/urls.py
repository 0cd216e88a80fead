from django.urls import path

from hearth.customers import views

app_name = "customers"
urlpatterns = [
    path("health/customers/", views.customers, name="customers"),
    path("health/customers/figures.csv", views.export_csv, name="export"),
    path("health/customers/delete", views.delete, name="delete"),
    path("health/customers/upload/<id:staged_id>/", views.mapping, name="mapping"),
    path("health/customers/upload/<id:staged_id>/cancel", views.cancel, name="cancel"),
    path("health/customers/imports/<id:import_id>/", views.import_result, name="import"),
    path(
        "health/customers/imports/<id:import_id>/errors.csv",
        views.import_errors_csv,
        name="import-errors",
    ),
    path("health/customers/members/<slug:kind>/", views.drilldown, name="drilldown"),
]
