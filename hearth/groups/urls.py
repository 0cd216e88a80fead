from django.urls import path

from hearth.groups import views

app_name = "groups"
urlpatterns = [
    path("groups/", views.group_list, name="list"),
    path("groups/new", views.group_create, name="create"),
    path("groups/<slug:group_slug>/", views.group_detail, name="detail"),
    path("groups/<slug:group_slug>/edit", views.group_edit, name="edit"),
    path("groups/<slug:group_slug>/cover/<str:name>", views.group_cover, name="cover"),
    path("groups/<slug:group_slug>/join", views.group_join, name="join"),
    path("groups/<slug:group_slug>/leave", views.group_leave, name="leave"),
    path("groups/<slug:group_slug>/invite", views.group_invite, name="invite"),
    path("groups/<slug:group_slug>/categories", views.group_category_create, name="category"),
    path(
        "groups/<slug:group_slug>/requests/<id:request_id>/<str:decision>",
        views.group_review,
        name="review",
    ),
    path("groups/<slug:group_slug>/members/<id:member_id>/role", views.group_role, name="role"),
    path("manage/groups/", views.group_settings, name="settings"),
]
