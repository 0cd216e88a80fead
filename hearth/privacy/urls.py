from django.urls import path

from hearth.privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.home, name="home"),
    path("export/", views.export_request, name="export-request"),
    path("exports/<id:export_id>/download/", views.export_download, name="export-download"),
    path("delete/", views.account_delete, name="account-delete"),
    path("deleted/", views.account_deleted, name="account-deleted"),
]
