from django.urls import path

from hearth.communities import views, views_staff
from hearth.members import views as member_views

app_name = "communities"
urlpatterns = [
    path("", views.home, name="home"),
    path("rules", views.rules, name="rules"),
    path("join", views.join, name="join"),
    path("leave", views.leave, name="leave"),
    path("invites/", views.my_invites, name="invites"),
    path("invites/<id:invite_id>/revoke", views.my_invite_revoke, name="my-invite-revoke"),
    path("members/", member_views.directory, name="members"),
    path("u/<str:username>/", member_views.profile, name="profile"),
    path("manage/requests/", views_staff.requests_list, name="manage-requests"),
    path(
        "manage/requests/<id:membership_id>/approve",
        views_staff.request_approve,
        name="request-approve",
    ),
    path(
        "manage/requests/<id:membership_id>/decline",
        views_staff.request_decline,
        name="request-decline",
    ),
    path("manage/members/", views_staff.members_list, name="manage-members"),
    path("manage/members/<id:membership_id>/role", views_staff.member_role, name="member-role"),
    path(
        "manage/members/<id:membership_id>/analytics-access",
        views_staff.member_analytics_access,
        name="member-analytics-access",
    ),
    path("manage/members/<id:membership_id>/ban", views_staff.member_ban, name="member-ban"),
    path("manage/members/<id:membership_id>/unban", views_staff.member_unban, name="member-unban"),
    path("manage/settings/", views_staff.settings_edit, name="manage-settings"),
    path("manage/rules/", views_staff.rules_edit, name="manage-rules"),
    path("manage/invites/", views_staff.invites_list, name="manage-invites"),
    path("manage/invites/<id:invite_id>/revoke", views_staff.invite_revoke, name="invite-revoke"),
    path("manage/log/", views_staff.staff_log, name="manage-log"),
]
