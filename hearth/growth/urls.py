from django.urls import path

from hearth.growth import views

app_name = "growth"
urlpatterns = [
    path("welcome", views.welcome, name="welcome"),
    path("manage/campaigns/", views.campaigns, name="campaigns"),
    path("manage/bulk-invites/", views.bulk_invites, name="bulk-invites"),
    path("manage/bulk-invites/<id:batch_id>/", views.bulk_invite, name="bulk-invite"),
    path(
        "manage/bulk-invites/<id:batch_id>/report.csv",
        views.bulk_invite_report,
        name="bulk-invite-report",
    ),
]
