from django.urls import path

from hearth.onboarding import views, views_staff

app_name = "onboarding"
urlpatterns = [
    path("welcome/", views.welcome, name="welcome"),
    path("welcome/dismiss", views.welcome_dismiss, name="welcome-dismiss"),
    path("welcome-queue/", views.welcome_queue, name="welcome-queue"),
    path("welcome-queue/welcomer", views.welcomer_toggle, name="welcomer-toggle"),
    path("welcome-queue/<id:post_id>/reply", views.welcome_reply, name="welcome-reply"),
    path("manage/welcome/", views_staff.manage_welcome, name="manage-welcome"),
    path("manage/checklist/", views_staff.manage_checklist, name="manage-checklist"),
    path("manage/checklist/suggested", views_staff.checklist_suggested, name="checklist-suggested"),
    path(
        "manage/checklist/<id:item_id>/remove",
        views_staff.checklist_item_remove,
        name="checklist-item-remove",
    ),
    path(
        "manage/checklist/<id:item_id>/move",
        views_staff.checklist_item_move,
        name="checklist-item-move",
    ),
]
