"""Events (meet-ups and webinars), RSVPs with a waitlist, sent reminders, and each
community's rule for who may create events.

An event belongs to a discussion topic (created with it): whoever may read the topic may
see the event, so an event in a members-only category is members-only. A recurring event
is one row; its occurrences are computed (``hearth/events/recurrence.py``) and named by
their local date, which is what RSVPs, reminders and attendance refer to."""

import posixpath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hearth.core.models import CommunityOwned
from hearth.core.uploads import private_storage


class Recurrence(models.TextChoices):
    NONE = "", _("Does not repeat")
    WEEKLY = "weekly", _("Every week")
    MONTHLY = "monthly", _("Every month (same day of the month)")


class RsvpStatus(models.TextChoices):
    GOING = "going", _("Going")
    MAYBE = "maybe", _("Maybe")
    NOT_GOING = "not_going", _("Not going")
    WAITLISTED = "waitlisted", _("On the waitlist")


class Event(CommunityOwned):
    topic = models.OneToOneField(
        "discussions.Topic", on_delete=models.CASCADE, related_name="event"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    description_html = models.TextField(blank=True)
    # The first occurrence, in UTC; ``time_zone`` is where the wall-clock time was set.
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(_("time zone"), max_length=64)
    location = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    # Private: an event in a members-only place shows its cover only to who may see it.
    cover = models.ImageField(
        _("cover image"), upload_to="events/", blank=True, storage=private_storage
    )
    recurrence = models.CharField(
        _("repeats"), max_length=8, choices=Recurrence.choices, default="", blank=True
    )
    # The last local date an occurrence may fall on (inclusive).
    recurrence_until = models.DateField(_("repeats until"), null=True, blank=True)
    # Local dates of occurrences that do not take place.
    exceptions = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The last moment any occurrence ends (the series' end), for "upcoming" and "past".
    last_ends_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["community", "last_ends_at"], name="event_upcoming"),
            models.Index(fields=["community", "starts_at"], name="event_by_start"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def cover_name(self) -> str:
        """The cover's file name, part of its address so a new cover is a new URL."""
        return posixpath.basename(self.cover.name)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_recurring(self) -> bool:
        return bool(self.recurrence)


class Rsvp(CommunityOwned):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    occurrence = models.DateField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=12, choices=RsvpStatus.choices)
    # When the member last asked for a seat: the waitlist's order.
    queued_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    attended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "occurrence", "user"], name="rsvp_once_per_occurrence"
            )
        ]
        indexes = [
            models.Index(fields=["event", "occurrence", "status", "queued_at"], name="rsvp_queue")
        ]


class ReminderKind(models.TextChoices):
    DAY = "day", _("A day before")
    HOUR = "hour", _("An hour before")


class ReminderSent(CommunityOwned):
    """One row per reminder decided: inserting it is what makes a reminder go out once."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    occurrence = models.DateField()
    kind = models.CharField(max_length=4, choices=ReminderKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "occurrence", "kind"], name="event_reminder_once"
            )
        ]


class CalendarFeed(CommunityOwned):
    """A member's private calendar address: the token in its URL stands for the member, so
    a calendar app that cannot sign in gets the events the member may see. Resetting it
    makes a new token; the old address stops working at once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="calendar_feed_per_member"),
            models.UniqueConstraint(fields=["community", "token"], name="calendar_feed_token"),
        ]


class EventSettings(models.Model):
    """Per-community rules for events."""

    community = models.OneToOneField(
        "communities.Community", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    # Members from this trust level may create events; empty means staff only.
    create_trust_level = models.PositiveSmallIntegerField(
        _("members who may create events"), null=True, blank=True
    )

    def __str__(self) -> str:
        return f"events of {self.community_id}"
