"""``/api/v1/communities/{slug}/notifications…``: the caller's own notifications there.

Only a member key or the site's session has "own" notifications: a community key acts
for the community and gets ``403 member_key_required``. Every list goes through
``selectors.notification_list`` (the notifications policy), so what the member may no
longer read is absent here as on the page; marking read goes through ``services``."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from hearth.api.access import community_actor, member_only
from hearth.api.auth import API_AUTH
from hearth.api.cursor import CursorQuery, page
from hearth.api.errors import ApiError
from hearth.api.schemas import READ_ERRORS, WRITE_ERRORS, errors
from hearth.discussions.api import ID, AuthorOut
from hearth.notifications import display, selectors, services
from hearth.notifications.models import Notification

router = Router(tags=["notifications"], auth=API_AUTH)


class NotificationOut(Schema):
    id: int
    kind: str
    sentence: str = Field(..., description="What it is about, in one line of plain text.")
    actor: AuthorOut | None
    others_count: int = Field(..., description="How many more people did the same.")
    topic_id: int | None
    post_id: int | None
    created_at: datetime
    read_at: datetime | None
    is_read: bool

    @staticmethod
    def resolve_sentence(obj) -> str:
        return str(display.sentence(obj))


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_cursor: str | None


class NotificationQuery(CursorQuery):
    unread: bool = Field(False, description="Only the unread ones.")


class MarkedOut(Schema):
    marked: int = Field(..., description="How many notifications were marked read.")


def _member(request, slug: str):
    community, actor = community_actor(request, slug)
    member_only(request)
    if actor.user is None:  # pragma: no cover - authentication guarantees a user
        raise ApiError(403, _("Sign in to see your notifications."))
    return community, actor


@router.get("/{slug}/notifications", response={200: NotificationPage, **errors(*READ_ERRORS)})
def notification_list(request, slug: str, query: Query[NotificationQuery]):
    """Your notifications in this community, newest first (cursor-paginated)."""
    community, actor = _member(request, slug)
    notifications = selectors.notification_list(actor.user, community)
    if query.unread:
        notifications = notifications.filter(read_at__isnull=True)
    scope = f"notifications:{community.pk}:{actor.user.pk}"
    return page(notifications, ("-created_at", "-id"), query, scope=scope)


def _own(actor, community, notification_id: int) -> Notification:
    notification = selectors.notification_for(actor.user, notification_id)
    if notification.community_id != community.pk:
        raise Http404
    return notification


@router.post(
    "/{slug}/notifications/{notification_id}/read",
    response={200: NotificationOut, **errors(*WRITE_ERRORS)},
)
def notification_read(request, slug: str, notification_id: int = ID):
    """Mark one of your notifications read (again: nothing changes)."""
    community, actor = _member(request, slug)
    notification = _own(actor, community, notification_id)
    services.notification_mark_read(user=actor.user, notification=notification)
    return (
        selectors.notification_list(actor.user, community).filter(pk=notification.pk).first()
        or notification
    )


@router.post("/{slug}/notifications/read", response={200: MarkedOut, **errors(*WRITE_ERRORS)})
def notifications_read_all(request, slug: str):
    """Mark all your notifications in this community read."""
    community, actor = _member(request, slug)
    marked = services.notifications_mark_all_read(user=actor.user, community=community)
    return MarkedOut(marked=marked)
