from django.urls import path

from hearth.qa import views

app_name = "qa"
urlpatterns = [
    path("unanswered", views.unanswered, name="unanswered"),
    path("p/<id:post_id>/accept", views.answer_accept, name="answer-accept"),
    path("p/<id:post_id>/vote", views.answer_vote, name="answer-vote"),
]
