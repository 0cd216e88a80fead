from django.urls import path

from hearth.live import views

app_name = "live"
urlpatterns = [
    path("live", views.user_stream, name="user-stream"),
    path("c/<slug:community_slug>/live", views.community_stream, name="community-stream"),
]
