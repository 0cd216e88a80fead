"""Permission decisions for events. An event is seen by whoever may read its discussion
topic (so an event in a members-only category is members-only, and a community the viewer
cannot see hides all its events)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hearth.communities import policy as community_policy
from hearth.communities.models import Community
from hearth.core.actor import Actor
from hearth.discussions import policy as discussion_policy
from hearth.events.models import Event, EventSettings
from hearth.events.recurrence import Occurrence


def _ensure(reason: str | None) -> None:
    if reason is not None:
        raise PermissionDenied(reason)


def can_see_event(actor: Actor, event: Event) -> bool:
    return (
        actor.community is not None
        and event.community_id == actor.community.pk
        and discussion_policy.can_read_topic(actor, event.topic)
        and (event.topic.deleted_at is None or actor.is_staff)
    )


def visible_events(actor: Actor, community: Community) -> QuerySet[Event]:
    """The events this actor may see: those whose topic they may read."""
    return Event.objects.filter(
        community=community, topic__in=discussion_policy.visible_topics(actor, community)
    )


def create_event_denial(actor: Actor, settings: EventSettings | None) -> str | None:
    if (reason := community_policy.participate_denial(actor)) is not None:
        return reason
    if actor.is_staff:
        return None
    level = settings.create_trust_level if settings is not None else None
    if level is None:
        return _("Only staff can create events in this community.")
    if actor.membership.trust_level < level:
        return _("Members from trust level %(level)s can create events here.") % {"level": level}
    return None


def can_create_event(actor: Actor, settings: EventSettings | None) -> bool:
    return create_event_denial(actor, settings) is None


def ensure_create_event(actor: Actor, settings: EventSettings | None) -> None:
    _ensure(create_event_denial(actor, settings))


def manage_event_denial(actor: Actor, event: Event) -> str | None:
    """Edit or cancel: staff, or the member who created it while they still take part."""
    if not can_see_event(actor, event):
        return _("That event does not exist.")
    if actor.is_staff:
        return None
    if (reason := community_policy.participate_denial(actor)) is not None:
        return reason
    if actor.user is None or event.created_by_id != actor.user.pk:
        return _("Only staff and the event's host can change it.")
    return None


def can_manage_event(actor: Actor, event: Event) -> bool:
    return manage_event_denial(actor, event) is None


def ensure_manage_event(actor: Actor, event: Event) -> None:
    _ensure(manage_event_denial(actor, event))


def rsvp_denial(actor: Actor, event: Event, occurrence: Occurrence, now: datetime) -> str | None:
    if not can_see_event(actor, event):
        return _("That event does not exist.")
    if (reason := community_policy.participate_denial(actor)) is not None:
        return reason
    if event.is_cancelled:
        return _("This event is cancelled.")
    if occurrence.starts_at <= now:
        return _("This event has already started: RSVPs are closed.")
    return None


def can_rsvp(actor: Actor, event: Event, occurrence: Occurrence, now: datetime) -> bool:
    return rsvp_denial(actor, event, occurrence, now) is None


def ensure_rsvp(actor: Actor, event: Event, occurrence: Occurrence, now: datetime) -> None:
    _ensure(rsvp_denial(actor, event, occurrence, now))


def attendance_denial(
    actor: Actor, event: Event, occurrence: Occurrence, now: datetime
) -> str | None:
    if not can_see_event(actor, event):
        return _("That event does not exist.")
    if not actor.is_staff:
        return _("Only staff can mark attendance.")
    if occurrence.starts_at > now:
        return _("Attendance can be marked once the event has started.")
    return None


def can_mark_attendance(actor: Actor, event: Event, occurrence: Occurrence, now: datetime) -> bool:
    return attendance_denial(actor, event, occurrence, now) is None


def ensure_mark_attendance(
    actor: Actor, event: Event, occurrence: Occurrence, now: datetime
) -> None:
    _ensure(attendance_denial(actor, event, occurrence, now))


def calendar_feed_denial(actor: Actor) -> str | None:
    if not actor.is_member:
        return _("Only members have a private calendar address.")
    return None


def ensure_calendar_feed(actor: Actor) -> None:
    _ensure(calendar_feed_denial(actor))


def can_manage_settings(actor: Actor) -> bool:
    return community_policy.can_manage_community(actor)


def ensure_manage_settings(actor: Actor) -> None:
    community_policy.ensure_manage_community(actor)
