from django.urls import path

from hearth.events import views, views_calendar

app_name = "events"
urlpatterns = [
    path("events/", views.event_list, name="list"),
    path("events/month/", views.month, name="month"),
    path("events/new", views.event_new, name="new"),
    path("events/calendar.ics", views_calendar.feed, name="feed"),
    path("events/calendar/", views_calendar.calendar_address, name="calendar-address"),
    path("events/calendar/<slug:token>.ics", views_calendar.private_feed, name="private-feed"),
    path("events/<id:event_id>/", views.detail, name="detail"),
    path("events/<id:event_id>/edit", views.edit, name="edit"),
    path("events/<id:event_id>/cover/<str:name>", views.cover, name="cover"),
    path("events/<id:event_id>/cancel", views.cancel, name="cancel"),
    path("events/<id:event_id>/rsvp", views.rsvp, name="rsvp"),
    path("events/<id:event_id>/attendance", views.attendance, name="attendance"),
    path("events/<id:event_id>/event.ics", views_calendar.event_ics, name="ics"),
    path("manage/events/", views.event_settings, name="settings"),
]
