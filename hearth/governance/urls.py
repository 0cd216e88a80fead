from django.urls import path

from hearth.governance import views

app_name = "governance"
urlpatterns = [
    path("rules/history", views.history, name="history"),
    path("rules/proposals/", views.proposal_list, name="proposals"),
    path("rules/proposals/new", views.proposal_new, name="proposal-new"),
    path("rules/proposals/<id:proposal_id>/", views.proposal_detail, name="proposal"),
    path("rules/proposals/<id:proposal_id>/vote", views.proposal_vote, name="proposal-vote"),
    path("rules/proposals/<id:proposal_id>/veto", views.proposal_veto, name="proposal-veto"),
    path("manage/governance/", views.settings_edit, name="settings"),
]
