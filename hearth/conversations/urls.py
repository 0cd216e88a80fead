from django.urls import path

from hearth.conversations import views

app_name = "conversations"
urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("messages/new", views.new_conversation, name="new"),
    path("messages/preferences", views.preferences, name="preferences"),
    path("messages/blocked", views.blocked, name="blocked"),
    path("messages/blocked/<id:user_id>/unblock", views.unblock, name="unblock"),
    path("messages/<id:conversation_id>/", views.conversation, name="conversation"),
    path("messages/<id:conversation_id>/leave", views.leave, name="leave"),
    path("messages/<id:conversation_id>/report", views.report, name="report"),
    path("manage/reports/messages/", views.reports, name="reports"),
    path("manage/reports/messages/<id:conversation_id>/", views.review, name="review"),
    path("manage/reports/messages/<id:conversation_id>/resolve", views.resolve, name="resolve"),
]
