from django.urls import path

from hearth.discussions import views, views_staff

app_name = "discussions"
urlpatterns = [
    path("latest", views.latest, name="latest"),
    path("category/<slug:category_slug>/", views.category, name="category"),
    path("category/<slug:category_slug>/watch", views.category_watch, name="category-watch"),
    path("new-topic", views.topic_new, name="topic-new"),
    path("t/<str:topic_slug>/<id:topic_id>/", views.topic, name="topic"),
    path("t/<id:topic_id>/reply", views.reply, name="reply"),
    path("t/<id:topic_id>/posts", views.topic_posts_after, name="topic-posts-after"),
    path("t/<id:topic_id>/watch", views.topic_watch, name="topic-watch"),
    path("t/<id:topic_id>/state", views_staff.topic_state, name="topic-state"),
    path("t/<id:topic_id>/tools", views_staff.topic_tools, name="topic-tools"),
    path("t/<id:topic_id>/details", views_staff.topic_details, name="topic-details"),
    path("p/<id:post_id>/edit", views.post_edit, name="post-edit"),
    path("p/<id:post_id>/history", views.post_history, name="post-history"),
    path("p/<id:post_id>/delete", views.post_delete, name="post-delete"),
    path("p/<id:post_id>/restore", views.post_restore, name="post-restore"),
    path("p/<id:post_id>/react", views.post_react, name="post-react"),
    path("mentions", views.mention_search, name="mentions"),
    path("uploads/<id:attachment_id>/<str:filename>", views.attachment, name="attachment"),
    path("manage/categories/", views_staff.categories, name="manage-categories"),
    path("manage/categories/<id:category_id>/", views_staff.category_edit, name="category-edit"),
    path(
        "manage/categories/<id:category_id>/move", views_staff.category_move, name="category-move"
    ),
]
