from django.urls import path

from hearth.ideas import views

app_name = "ideas"
urlpatterns = [
    path("ideas/roadmap", views.roadmap, name="roadmap"),
    path("ideas/export.csv", views.export, name="export"),
    path("manage/ideas/", views.board_settings, name="board-settings"),
    path("t/<id:topic_id>/vote", views.vote, name="vote"),
    path("t/<id:topic_id>/status", views.set_status, name="status"),
    path("t/<id:topic_id>/merge", views.merge, name="merge"),
]
