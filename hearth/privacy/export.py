"""Building a member's "download my data" archive: a zip of JSON files, a README.txt that
describes them, and the files they uploaded (their avatar, their posts' images).

Everything here is read for one user and only through their own rows: their posts, their
votes, the conversations they take part in. Nothing another member wrote is included
except the messages of a conversation the member could read, and the titles of the topics
their own posts are in."""

from __future__ import annotations

import json
import posixpath
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

if TYPE_CHECKING:
    from hearth.accounts.models import User

CHUNK = 500

README = """\
Your data from Hearth
=====================

This archive holds what you wrote and set on {site} as the account "{username}",
prepared on {date} (UTC). Times are in UTC, in ISO 8601. Each .json file is one JSON
document, readable with any text editor or JSON viewer.

profile.json
    Your account: username, display name, email, bio, time zone, when you signed up and
    last signed in, your email addresses and the social accounts linked to the account.
    Hearth keeps no other login history.

memberships.json
    Every community you joined or asked to join: your role, status, trust level, when you
    asked and joined, the rules version you accepted, your answers to the join questions,
    and your profile in that community (bio, location, links, interests, answers to the
    profile questions, privacy choices).

topics.json
    The topics you started (questions and ideas are topics too): community, category,
    title, when, and whether it was deleted.

posts.json
    Every post you wrote (the first post of your topics included): community, category,
    topic title, its number in the topic, the text as you wrote it (Markdown), when it was
    written and last edited, and whether it was deleted or is waiting for review.

messages.json
    The direct-message conversations you take or took part in, with the messages you
    could read in them (those of others included, since they were written to you). A
    conversation you left holds the messages up to when you left.

votes.json
    Your votes on ideas and on answers.

reactions.json
    The reactions you gave to posts.

rsvps.json
    Your answers to events (going, maybe, not going, waitlisted), for which date, and
    whether staff marked you as having come.

flags.json
    The posts you flagged for the moderators, with the reason and what became of the flag.

notification_preferences.json
    How you chose to be notified in each community, your digest subscriptions, and whether
    other members may start conversations with you.

api_keys.json
    The API keys you created: names, the public prefix, when they were made, last used and
    revoked. Never the secret part (Hearth keeps only a hash of it).

files/
    The files you uploaded: your avatar (files/avatar/) and the images of your posts
    (files/attachments/<post id>/).
"""


CUSTOMER_MATCH = "The organisation matched you as a customer."


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _write_json(archive: zipfile.ZipFile, name: str, data: Any) -> None:
    archive.writestr(name, json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False))


def _community(obj) -> dict[str, str]:
    return {"slug": obj.community.slug, "name": obj.community.name}


def profile(user: User) -> dict[str, Any]:
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    return {
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "bio": user.bio,
        "time_zone": user.time_zone,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "avatar": f"files/avatar/{posixpath.basename(user.avatar.name)}" if user.avatar else None,
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("id")
        ],
        "social_accounts": [
            {
                "provider": a.provider,
                "uid": a.uid,
                "date_joined": _iso(a.date_joined),
                "last_login": _iso(a.last_login),
            }
            for a in SocialAccount.objects.filter(user=user).order_by("id")
        ],
    }


def memberships(user: User) -> list[dict[str, Any]]:
    from hearth.communities.models import Membership
    from hearth.customers.selectors import matched_communities
    from hearth.members.models import MemberProfile

    profiles = {
        p.membership_id: p
        for p in MemberProfile.objects.filter(user=user).prefetch_related(
            "interest_links__interest", "answers__question"
        )
    }
    # The organisation's customer list is theirs, not the member's: the export says only
    # whether it matched them, never what it holds.
    matched = matched_communities(user.pk)
    rows = []
    for m in Membership.objects.filter(user=user).select_related("community").order_by("id"):
        p = profiles.get(m.pk)
        rows.append(
            {
                "community": _community(m),
                "role": m.role,
                "status": m.status,
                "trust_level": m.trust_level,
                "requested_at": _iso(m.requested_at),
                "joined_at": _iso(m.joined_at),
                "rules_version_accepted": m.rules_version_accepted,
                "join_answers": m.join_answers,
                "source": m.source,
                "campaign": m.campaign,
                "profile": None
                if p is None
                else {
                    "bio": p.bio,
                    "location": p.location,
                    "links": p.links,
                    "interests": [link.interest.name for link in p.interest_links.all()],
                    "answers": [
                        {"question": a.question.text, "answer": a.value} for a in p.answers.all()
                    ],
                    "hide_from_non_members": p.hide_from_non_members,
                    "hide_from_directory": p.hide_from_directory,
                    "anonymous_in_analytics": p.anonymous_in_analytics,
                },
            }
            | ({"customer": CUSTOMER_MATCH} if m.community_id in matched else {})
        )
    return rows


def topics(user: User) -> Iterator[dict[str, Any]]:
    from hearth.discussions.models import Topic

    queryset = (
        Topic.objects.filter(author=user).select_related("community", "category").order_by("id")
    )
    for t in queryset.iterator(chunk_size=CHUNK):
        yield {
            "id": t.pk,
            "community": _community(t),
            "category": t.category.name,
            "title": t.title,
            "created_at": _iso(t.created_at),
            "deleted": t.deleted_at is not None,
        }


def _posts(user: User):
    from hearth.discussions.models import Post

    return (
        Post.objects.filter(author=user)
        .select_related("community", "topic__category")
        .order_by("id")
    )


def posts(user: User) -> Iterator[dict[str, Any]]:
    for p in _posts(user).iterator(chunk_size=CHUNK):
        yield {
            "id": p.pk,
            "community": _community(p),
            "category": p.topic.category.name,
            "topic": {"id": p.topic_id, "title": p.topic.title},
            "number": p.number,
            "body": p.body,
            "created_at": _iso(p.created_at),
            "edited_at": _iso(p.edited_at),
            "deleted": p.deleted_at is not None,
            "review_state": p.review_state or "published",
        }


def messages(user: User) -> list[dict[str, Any]]:
    """The conversations the member is in, with the messages they could read: all of an
    ongoing conversation, those up to their leaving of one they left."""
    from hearth.conversations.models import Message, Participant

    conversations = []
    participations = (
        Participant.objects.filter(user=user)
        .select_related("conversation", "community")
        .order_by("conversation_id")
    )
    for part in participations:
        conversation = part.conversation
        readable = Message.objects.filter(conversation=conversation)
        if part.left_at is not None:
            readable = readable.filter(created_at__lte=part.left_at)
        people = Participant.objects.filter(conversation=conversation).select_related("user")
        conversations.append(
            {
                "id": conversation.pk,
                "community": _community(part),
                "subject": conversation.subject,
                "joined_at": _iso(part.joined_at),
                "left_at": _iso(part.left_at),
                "participants": [p.user.username for p in people.order_by("joined_at", "id")],
                "messages": [
                    {
                        "from": "you"
                        if m.author_id == user.pk
                        else (m.author.username if m.author else None),
                        "body": m.body,
                        "sent_at": _iso(m.created_at),
                    }
                    for m in readable.select_related("author").order_by("created_at", "id")
                ],
            }
        )
    return conversations


def votes(user: User) -> dict[str, list[dict[str, Any]]]:
    from hearth.ideas.models import IdeaVote
    from hearth.qa.models import AnswerVote

    return {
        "ideas": [
            {
                "community": _community(v),
                "idea": {"id": v.idea_id, "title": v.idea.topic.title},
                "voted_at": _iso(v.created_at),
            }
            for v in IdeaVote.objects.filter(user=user)
            .select_related("community", "idea__topic")
            .order_by("id")
        ],
        "answers": [
            {
                "community": _community(v),
                "topic": {"id": v.post.topic_id, "title": v.post.topic.title},
                "post": v.post_id,
                "voted_at": _iso(v.created_at),
            }
            for v in AnswerVote.objects.filter(user=user)
            .select_related("community", "post__topic")
            .order_by("id")
        ],
    }


def rsvps(user: User) -> list[dict[str, Any]]:
    from hearth.events.models import Rsvp

    return [
        {
            "community": _community(r),
            "event": {"id": r.event_id, "title": r.event.title},
            "date": r.occurrence.isoformat(),
            "answer": r.status,
            "answered_at": _iso(r.updated_at),
            "attended_at": _iso(r.attended_at),
        }
        for r in Rsvp.objects.filter(user=user).select_related("community", "event").order_by("id")
    ]


def reactions(user: User) -> list[dict[str, Any]]:
    from hearth.discussions.models import Reaction

    return [
        {
            "community": _community(r),
            "topic": {"id": r.post.topic_id, "title": r.post.topic.title},
            "post": r.post_id,
            "reaction": r.kind,
            "at": _iso(r.created_at),
        }
        for r in Reaction.objects.filter(user=user)
        .select_related("community", "post__topic")
        .order_by("id")
    ]


def flags(user: User) -> list[dict[str, Any]]:
    from hearth.moderation.models import Flag

    return [
        {
            "community": _community(f),
            "topic": {"id": f.post.topic_id, "title": f.post.topic.title},
            "post": f.post_id,
            "reason": f.reason,
            "rule": f.rule,
            "details": f.detail,
            "status": f.status,
            "flagged_at": _iso(f.created_at),
            "resolved_at": _iso(f.resolved_at),
        }
        for f in Flag.objects.filter(flagger=user)
        .select_related("community", "post__topic")
        .order_by("id")
    ]


def notification_preferences(user: User) -> dict[str, list[dict[str, Any]]]:
    from hearth.conversations.models import MessagingPreference
    from hearth.notifications.models import DigestSubscription, Preference

    return {
        "channels": [
            {"community": _community(p), "kind": p.kind, "channel": p.channel}
            for p in Preference.objects.filter(user=user).select_related("community").order_by("id")
        ],
        "digests": [
            {
                "community": _community(d),
                "frequency": d.frequency,
                "health_email": d.health_email,
                "last_sent_at": _iso(d.last_sent_at),
            }
            for d in DigestSubscription.objects.filter(user=user)
            .select_related("community")
            .order_by("id")
        ],
        "direct_messages": [
            {"community": _community(p), "accepts_messages": p.accepts_messages}
            for p in MessagingPreference.objects.filter(user=user)
            .select_related("community")
            .order_by("id")
        ],
    }


def api_keys(user: User) -> list[dict[str, Any]]:
    from hearth.api.models import ApiKey

    return [
        {
            "community": _community(k),
            "name": k.name,
            "prefix": k.prefix,
            # Kind and scopes where this install's keys have them (hearth.api).
            "kind": getattr(k, "kind", None),
            "scopes": getattr(k, "scopes", None),
            "created_at": _iso(k.created_at),
            "last_used_at": _iso(k.last_used_at),
            "revoked_at": _iso(k.revoked_at),
        }
        for k in ApiKey.objects.filter(created_by=user).select_related("community").order_by("id")
    ]


def _attachments(user: User) -> Iterable:
    from hearth.discussions.models import Attachment

    return Attachment.objects.filter(post__author=user).exclude(file="").order_by("id").iterator()


def _copy(archive: zipfile.ZipFile, file, arcname: str) -> None:
    try:
        with file.storage.open(file.name, "rb") as source, archive.open(arcname, "w") as target:
            while chunk := source.read(1 << 16):
                target.write(chunk)
    except FileNotFoundError:
        pass  # a file gone from the disk is left out, not a failed export


def write_archive(user: User, out: IO[bytes], *, site: str = "") -> None:
    """Write the member's archive as a zip to ``out``."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            README.format(
                site=site or "Hearth",
                username=user.username,
                date=timezone.now().strftime("%Y-%m-%d %H:%M"),
            ),
        )
        _write_json(archive, "profile.json", profile(user))
        _write_json(archive, "memberships.json", memberships(user))
        _write_json(archive, "topics.json", list(topics(user)))
        _write_json(archive, "posts.json", list(posts(user)))
        _write_json(archive, "messages.json", messages(user))
        _write_json(archive, "votes.json", votes(user))
        _write_json(archive, "reactions.json", reactions(user))
        _write_json(archive, "rsvps.json", rsvps(user))
        _write_json(archive, "flags.json", flags(user))
        _write_json(archive, "notification_preferences.json", notification_preferences(user))
        _write_json(archive, "api_keys.json", api_keys(user))
        if user.avatar:
            _copy(archive, user.avatar, f"files/avatar/{posixpath.basename(user.avatar.name)}")
        for attachment in _attachments(user):
            _copy(
                archive,
                attachment.file,
                f"files/attachments/{attachment.post_id}/{attachment.filename}",
            )
