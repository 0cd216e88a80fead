from django.urls import path

from hearth.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("new", views.community_new, name="community-new"),
    path("new/slug-check", views.slug_check, name="slug-check"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
]
