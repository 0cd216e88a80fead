from django.urls import path

from hearth.elections import views

app_name = "elections"
urlpatterns = [
    path("elections/", views.election_list, name="list"),
    path("elections/new", views.election_new, name="new"),
    path("elections/<id:election_id>/", views.detail, name="detail"),
    path("elections/<id:election_id>/nominate", views.nominate, name="nominate"),
    path(
        "elections/<id:election_id>/candidates/<id:candidate_id>/answer",
        views.answer,
        name="answer",
    ),
    path(
        "elections/<id:election_id>/candidates/<id:candidate_id>/statement",
        views.statement,
        name="statement",
    ),
    path("elections/<id:election_id>/vote", views.vote, name="vote"),
    path("elections/<id:election_id>/extend", views.extend, name="extend"),
    path("elections/<id:election_id>/cancel", views.cancel, name="cancel"),
    path("elections/seats/<id:mandate_id>/recall", views.recall_new, name="recall-new"),
    path("elections/recalls/<id:recall_id>/", views.recall_detail, name="recall"),
    path("elections/recalls/<id:recall_id>/sign", views.recall_sign, name="recall-sign"),
    path("elections/recalls/<id:recall_id>/vote", views.recall_vote, name="recall-vote"),
]
