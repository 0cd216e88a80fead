from django.urls import path

from hearth.moderation import views, views_filters

app_name = "moderation"
urlpatterns = [
    path("review/", views.review_queue, name="review"),
    path("review/posts/<id:review_id>/", views.review_post, name="review-post"),
    path("review/joins/<id:membership_id>/", views.review_join, name="review-join"),
    path("review/appeals/<id:appeal_id>/", views.review_appeal, name="review-appeal"),
    path("flag/post/<id:post_id>/", views.flag_post, name="flag-post"),
    path("flags/", views.my_flags, name="my-flags"),
    path("sanction/", views.my_sanctions, name="sanction"),
    path("sanction/<id:sanction_id>/appeal", views.appeal, name="appeal"),
    path("manage/sanctions/", views.sanctions_list, name="sanctions"),
    path("manage/sanctions/<id:sanction_id>/lift", views.sanction_lift, name="sanction-lift"),
    path(
        "manage/members/<id:membership_id>/sanction",
        views.sanction_member,
        name="sanction-member",
    ),
    path("manage/moderation/", views.settings_edit, name="settings"),
    path("manage/watched-words/", views_filters.watched_words_page, name="watched-words"),
    path(
        "manage/watched-words/<id:word_id>/remove",
        views_filters.watched_word_remove,
        name="watched-word-remove",
    ),
    path("manage/posting-limits/", views_filters.posting_limits, name="posting-limits"),
]
