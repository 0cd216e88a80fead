"""Deleting a member's account.

The account row stays as a tombstone: username ``deleted-<n>``, no name, email, bio,
avatar or password, ``deleted_at`` set, inactive. Everything that pointed at the member
keeps pointing at that row, so:

- the interaction event log keeps every row with the same (now anonymous) actor and
  target: the health figures computed before and after the deletion are the same, except
  where a definition reads the *current* membership (leaving resets a staff role, as
  ``membership_leave`` does; the member no longer counts as a current member);
- what they wrote stays attributed to "A former member", or is removed, as each community
  chose (``PrivacySettings``); their direct messages are erased or kept the same way.

Personal data is erased: profile fields everywhere, avatar file, email addresses, social
accounts, API keys (revoked), pending emails, notifications, follows and blocks, reading
state, exports; sessions end (the password hash changes and the account is inactive).
No interaction event is recorded for the deletion itself: an event by the member would
count them as active on the day they left."""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from hearth.accounts.models import User
from hearth.communities.models import Community, Membership, MembershipStatus, Role
from hearth.privacy import policy
from hearth.privacy.models import (
    DataExport,
    DeletedMessages,
    DeletedPosts,
    PrivacySettings,
)

if TYPE_CHECKING:
    from django.core.files.storage import Storage

logger = logging.getLogger(__name__)

# Free text a member may have typed that services copy into an event's data.
_EVENT_TEXT_KEYS = ("reasons", "note", "text", "body")


class AccountAlreadyDeleted(Exception):
    """The account was deleted already (a second request, a double submit)."""


def tombstone_username(user: User) -> str:
    """``deleted-<id>``; should an account (made by the operator: sign-up refuses the
    prefix) hold that name or one that looks the same, a random tail is added."""
    from hearth.accounts import usernames

    name = f"deleted-{user.pk}"
    others = User.objects.exclude(pk=user.pk)
    while others.filter(username_key=usernames.key(name)).exists():
        name = f"deleted-{user.pk}-{secrets.token_hex(3)}"
    return name


def account_delete(*, user: User) -> User:
    """Delete the member's account (the caller has re-authenticated them). Raises
    AccountAlreadyDeleted for an account deleted before, PermissionDenied for the sole
    owner of a community. Files are removed once the transaction commits."""
    files: list[tuple[Storage, str]] = []
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_deleted:
            raise AccountAlreadyDeleted
        policy.ensure_delete_account(user)
        now = timezone.now()
        memberships = list(Membership.objects.filter(user=user))
        community_ids = {m.community_id for m in memberships} | _written_in(user)
        choices = {
            s.community_id: s
            for s in PrivacySettings.objects.filter(community_id__in=community_ids)
        }
        _leave_communities(memberships)
        _erase_profiles(user)
        for community_id in sorted(community_ids):
            choice = choices.get(community_id) or PrivacySettings(community_id=community_id)
            if choice.deleted_posts == DeletedPosts.REMOVE:
                files += _remove_posts(user, community_id, now)
            if choice.deleted_messages == DeletedMessages.ERASE:
                _erase_messages(user, community_id)
        _end_conversations(user, now)
        _forget_relations(user, now)
        _anonymise_events(user)
        files += _erase_exports(user)
        if user.avatar:
            files.append((user.avatar.storage, user.avatar.name))
        _erase_account(user, now)
        transaction.on_commit(lambda: _delete_files(files))
    return user


def _written_in(user: User) -> set[int]:
    """Communities the member wrote in without (any longer) a membership row."""
    from hearth.conversations.models import Message
    from hearth.discussions.models import Post

    return set(
        Post.objects.filter(author=user).values_list("community_id", flat=True).distinct()
    ) | set(Message.objects.filter(author=user).values_list("community_id", flat=True).distinct())


def _leave_communities(memberships: list[Membership]) -> None:
    """Leave every community as ``membership_leave`` does (role back to member), keeping
    the join date: cohorts and the funnel still count the member's past."""
    for m in memberships:
        was_active = m.status == MembershipStatus.ACTIVE
        if m.status in (
            MembershipStatus.ACTIVE,
            MembershipStatus.PENDING,
            MembershipStatus.SUSPENDED,
        ):
            m.status = MembershipStatus.LEFT
            m.role = Role.MEMBER
        m.join_answers = []
        m.save(update_fields=["status", "role", "join_answers", "updated_at"])
        if was_active:
            Community.objects.filter(pk=m.community_id).update(member_count=F("member_count") - 1)


def _erase_profiles(user: User) -> None:
    from hearth.members.models import MemberInterest, MemberProfile, ProfileAnswer

    profiles = MemberProfile.objects.filter(user=user)
    MemberInterest.objects.filter(profile__in=profiles).delete()
    ProfileAnswer.objects.filter(profile__in=profiles).delete()
    profiles.update(
        bio="",
        bio_html="",
        location="",
        links=[],
        hide_from_non_members=True,
        hide_from_directory=True,
    )


def _removed_notice() -> str:
    return format_html(
        "<p><em>{}</em></p>", _("This post was removed when its author deleted their account.")
    )


def _remove_posts(user: User, community_id: int, now) -> list[tuple[Storage, str]]:
    """Take the member's posts in one community out of sight, text erased. A topic they
    started stays when others replied to it (its first post then says it was removed);
    otherwise the topic goes with it. Returns the attachment files to delete."""
    from hearth.discussions.models import Attachment, Category, Post, PostRevision, Topic
    from hearth.discussions.services import _is_counted, _recount
    from hearth.search import index

    files = []
    posts = list(
        Post.objects.select_for_update()
        .filter(community_id=community_id, author=user, deleted_at__isnull=True)
        .select_related("topic")
        .order_by("id")
    )
    touched: dict[int, Topic] = {}
    for post in posts:
        topic = post.topic
        touched[topic.pk] = topic
        others_replied = (
            post.number == 1
            and Post.objects.filter(topic=topic, deleted_at__isnull=True)
            .exclude(author=user)
            .exists()
        )
        if others_replied:
            post.body, post.html = "", _removed_notice()
            post.save(update_fields=["body", "html"])
            index.index_post(post, topic)
        else:
            was_counted = _is_counted(post)
            post.deleted_at, post.body, post.html = now, "", ""
            post.save(update_fields=["deleted_at", "body", "html"])
            if post.number == 1:
                Topic.objects.filter(pk=topic.pk).update(
                    deleted_at=now, title=_("A removed topic"), slug="removed"
                )
                topic.deleted_at = now
                Category.objects.filter(pk=topic.category_id).update(
                    topic_count=F("topic_count") - 1
                )
            if was_counted:
                Category.objects.filter(pk=topic.category_id).update(post_count=F("post_count") - 1)
            index.unindex_post(post)
        for attachment in Attachment.objects.filter(post=post):
            files.append((attachment.file.storage, attachment.file.name))
            attachment.delete()
    PostRevision.objects.filter(post__in=[p.pk for p in posts]).delete()
    for topic in touched.values():
        _recount(topic)
    return files


def _erase_messages(user: User, community_id: int) -> None:
    from hearth.conversations.models import Message

    notice = format_html(
        "<p><em>{}</em></p>", _("This message was erased when its author deleted their account.")
    )
    Message.objects.filter(community_id=community_id, author=user).update(body="", body_html=notice)


def _end_conversations(user: User, now) -> None:
    from hearth.conversations.models import Participant

    Participant.objects.filter(user=user, left_at__isnull=True).update(left_at=now, unread_count=0)


def _forget_relations(user: User, now) -> None:
    """Rows that exist only for the member (their settings, reading state, follows, …)
    go; API keys are revoked."""
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    from hearth.api.models import ApiKey
    from hearth.conversations.models import Block, MessagingPreference
    from hearth.discussions.models import TopicRead, Watch
    from hearth.members.models import Follow
    from hearth.moderation.models import Appeal
    from hearth.notifications.models import (
        DigestSubscription,
        Notification,
        OutboxEmail,
        Preference,
    )
    from hearth.onboarding.models import WelcomeDismissal, Welcomer
    from hearth.recognition.models import Spotlight

    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()  # their tokens go with them
    ApiKey.objects.filter(created_by=user, revoked_at__isnull=True).update(revoked_at=now)
    Follow.objects.filter(Q(follower=user) | Q(followed=user)).delete()
    Block.objects.filter(Q(blocker=user) | Q(blocked=user)).delete()
    MessagingPreference.objects.filter(user=user).delete()
    TopicRead.objects.filter(user=user).delete()
    Watch.objects.filter(user=user).delete()
    OutboxEmail.objects.filter(recipient=user).delete()
    Notification.objects.filter(recipient=user).delete()
    Preference.objects.filter(user=user).delete()
    DigestSubscription.objects.filter(user=user).delete()
    WelcomeDismissal.objects.filter(user=user).delete()
    Welcomer.objects.filter(user=user).delete()
    Spotlight.objects.filter(user=user).delete()
    Appeal.objects.filter(user=user).update(text="")


def _anonymise_events(user: User) -> None:
    """Keep every event (the analytics count them) with the tombstone as its actor, and
    drop free text the member typed that a service copied into an event's data."""
    from hearth.core.models import InteractionEvent

    events = InteractionEvent.objects.filter(actor=user).exclude(data={})
    for event in events.iterator():
        if any(key in event.data for key in _EVENT_TEXT_KEYS):
            data = {k: v for k, v in event.data.items() if k not in _EVENT_TEXT_KEYS}
            InteractionEvent.objects.filter(pk=event.pk).update(data=data)


def _erase_exports(user: User) -> list[tuple[Storage, str]]:
    files = [(e.file.storage, e.file.name) for e in DataExport.objects.filter(user=user) if e.file]
    DataExport.objects.filter(user=user).delete()
    return files


def _erase_account(user: User, now) -> None:
    user.username = tombstone_username(user)
    user.display_name = ""
    user.first_name = ""
    user.last_name = ""
    user.email = ""
    user.bio = ""
    user.avatar = ""
    user.time_zone = "UTC"
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.deleted_at = now
    user.set_unusable_password()  # a new hash: every session of the account ends
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


def _delete_files(files: list[tuple[Storage, str]]) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("Could not remove %s of a deleted account", name)
