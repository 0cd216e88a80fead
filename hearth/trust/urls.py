from django.urls import path

from hearth.trust import views

app_name = "trust"
urlpatterns = [
    path("manage/trust/", views.settings_edit, name="settings"),
    path("u/<str:username>/trust/", views.member, name="member"),
]
