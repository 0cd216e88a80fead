"""Under ``/c/<community_slug>/compat/``: a Discourse client's ``host`` is that base."""

from django.urls import path

from hearth.compat import views

app_name = "compat"
urlpatterns = [
    path("latest.json", views.latest, name="latest"),
    path("c/<id:category_id>.json", views.category_topics, name="category-topics"),
    path(
        "c/<str:category_slug>/<id:category_id>.json",
        views.category_topics,
        name="category-topics-slug",
    ),
    path("t/<id:topic_id>.json", views.topic, name="topic"),
    path("t/<id:topic_id>/posts.json", views.topic_posts, name="topic-posts"),
    path("t/<str:topic_slug>/<id:topic_id>.json", views.topic_by_slug, name="topic-slug"),
    path("posts", views.posts, name="posts-bare"),
    path("posts.json", views.posts, name="posts"),
    path("posts/<id:post_id>.json", views.post, name="post"),
    path("categories.json", views.categories, name="categories"),
    path("u/<str:username>.json", views.user, name="user"),
    path("users/<str:username>.json", views.user, name="user-long"),
    path("search.json", views.search, name="search"),
    path("search/query.json", views.search, name="search-query"),
]
