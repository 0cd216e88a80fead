from django.urls import path

from hearth.discussions import views, views_staff

app_name = "discussions"
urlpatterns = [
    path("latest", views.latest, name="latest"),
    path("category/<slug:category_slug>/", views.category, name="category"),
    path("category/<slug:category_slug>/watch", views.category_watch, name="category-watch"),
    path("new-topic", views.topic_new, name="topic-new"),
    path("t/<str:topic_slug>/<int:topic_id>/", views.topic, name="topic"),
    path("t/<int:topic_id>/reply", views.reply, name="reply"),
    path("t/<int:topic_id>/watch", views.topic_watch, name="topic-watch"),
    path("t/<int:topic_id>/state", views_staff.topic_state, name="topic-state"),
    path("t/<int:topic_id>/tools", views_staff.topic_tools, name="topic-tools"),
    path("t/<int:topic_id>/details", views_staff.topic_details, name="topic-details"),
    path("p/<int:post_id>/edit", views.post_edit, name="post-edit"),
    path("p/<int:post_id>/history", views.post_history, name="post-history"),
    path("p/<int:post_id>/delete", views.post_delete, name="post-delete"),
    path("p/<int:post_id>/restore", views.post_restore, name="post-restore"),
    path("p/<int:post_id>/react", views.post_react, name="post-react"),
    path("mentions", views.mention_search, name="mentions"),
    path("manage/categories/", views_staff.categories, name="manage-categories"),
    path("manage/categories/<int:category_id>/", views_staff.category_edit, name="category-edit"),
    path(
        "manage/categories/<int:category_id>/move", views_staff.category_move, name="category-move"
    ),
]
