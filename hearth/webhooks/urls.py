from django.urls import path

from hearth.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("manage/webhooks/", views.endpoints, name="list"),
    path("manage/webhooks/<id:endpoint_id>/", views.endpoint, name="endpoint"),
    path("manage/webhooks/<id:endpoint_id>/edit", views.endpoint_edit, name="edit"),
    path("manage/webhooks/<id:endpoint_id>/delete", views.endpoint_delete, name="delete"),
    path("manage/webhooks/<id:endpoint_id>/ping", views.endpoint_ping, name="ping"),
    path("manage/webhooks/<id:endpoint_id>/secret", views.endpoint_secret, name="secret"),
    path("manage/webhooks/deliveries/<id:delivery_id>/", views.delivery, name="delivery"),
    path(
        "manage/webhooks/deliveries/<id:delivery_id>/redeliver",
        views.redeliver,
        name="redeliver",
    ),
]
