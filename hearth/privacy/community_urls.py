from django.urls import path

from hearth.privacy import views

app_name = "privacy-community"
urlpatterns = [
    path("manage/privacy/", views.community_settings, name="settings"),
]
