from django.urls import path

from hearth.accounts import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile_edit, name="profile-edit"),
    # Same path as allauth's account_login, which reverse() still uses; this one resolves
    # first (hearth.urls includes these before allauth's).
    path("login/", views.LoginView.as_view(), name="login"),
]
