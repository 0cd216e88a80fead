from django.urls import path

from hearth.members import views

# The directory and profile pages keep their original names in the communities URLconf
# (communities:members, communities:profile), which point at these views.
app_name = "members"
urlpatterns = [
    path("profile/edit", views.profile_edit, name="profile-edit"),
    path("u/<str:username>/follow", views.follow, name="follow"),
    path("feed", views.feed, name="feed"),
    path("manage/profile/", views.manage_profile, name="manage-profile"),
    path(
        "manage/profile/questions/<id:question_id>/",
        views.manage_question,
        name="manage-question",
    ),
    path(
        "manage/profile/questions/<id:question_id>/delete",
        views.manage_question_delete,
        name="manage-question-delete",
    ),
]
