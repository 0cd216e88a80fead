from django.urls import path

from hearth.recognition import views

app_name = "recognition"
urlpatterns = [
    path("badges/", views.badges, name="badges"),
    path("badges/<id:badge_id>/", views.badge, name="badge"),
    path("leaderboard", views.leaderboard, name="leaderboard"),
    path("manage/badges/", views.manage_badges, name="manage-badges"),
    path("manage/badges/new", views.badge_create, name="badge-create"),
    path("manage/badges/grant", views.badge_grant, name="badge-grant"),
    path("manage/reputation/", views.manage_reputation, name="manage-reputation"),
    path("manage/highlights/", views.manage_highlights, name="manage-highlights"),
    path("manage/highlights/spotlight", views.spotlight_set, name="spotlight-set"),
    path("manage/highlights/spotlight/end", views.spotlight_end, name="spotlight-end"),
    path("manage/highlights/feature", views.feature_add, name="feature-add"),
    path(
        "manage/highlights/feature/<id:feature_id>/remove",
        views.feature_remove,
        name="feature-remove",
    ),
]
