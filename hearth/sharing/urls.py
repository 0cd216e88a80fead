from django.urls import path

from hearth.sharing import feeds, views

app_name = "sharing"
urlpatterns = [
    path("sitemap.xml", views.sitemap_index, name="sitemap"),
    path("sitemap-pages.xml", views.sitemap_pages, name="sitemap-pages"),
    path("sitemap-topics-<id:number>.xml", views.sitemap_topics, name="sitemap-topics"),
    path("sitemap-members-<id:number>.xml", views.sitemap_members, name="sitemap-members"),
    path("latest.rss", feeds.LatestTopicsFeed(), name="latest-feed"),
    path(
        "category/<slug:category_slug>/latest.rss",
        feeds.CategoryTopicsFeed(),
        name="category-feed",
    ),
    path("card.png", views.community_card, name="community-card"),
    path("card/t/<id:topic_id>.png", views.topic_card, name="topic-card"),
    path("card/u/<str:username>.png", views.profile_card, name="profile-card"),
    path("embed/latest", views.embed_latest, name="embed-latest"),
    path("embed/t/<id:topic_id>", views.embed_topic, name="embed-topic"),
    path("manage/embed/", views.embed_settings, name="embed-settings"),
]
