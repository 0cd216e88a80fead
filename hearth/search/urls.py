from django.urls import path

from hearth.search import views

app_name = "search"
urlpatterns = [
    path("c/<slug:community_slug>/search", views.community_search, name="community"),
    path("c/<slug:community_slug>/similar", views.similar_topics, name="similar"),
    path("search", views.global_search, name="global"),
]
