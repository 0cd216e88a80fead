from django.urls import path

from hearth.notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/read-all", views.read_all, name="read-all"),
    path("notifications/unread.json", views.unread_count, name="unread-count"),
    path("notifications/<id:notification_id>/open", views.open_notification, name="open"),
    path("notifications/<id:notification_id>/read", views.mark_read, name="read"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path(
        "c/<slug:community_slug>/notifications/",
        views.community_notification_list,
        name="community-list",
    ),
    path(
        "c/<slug:community_slug>/notifications/preferences",
        views.preferences,
        name="preferences",
    ),
    path(
        "c/<slug:community_slug>/manage/notifications/",
        views.community_defaults,
        name="community-defaults",
    ),
]
