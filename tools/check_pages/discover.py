"""Find the pages ``make check-pages`` measures in a freshly loaded demo, and the people to
sign in as, from the database rather than from names the demo happens to use today.

Run by ``tools.check_pages.run`` in the demo's environment (``HEARTH_DATA_DIR`` set, the demo
loaded); prints one JSON object. The member and staff users get a fresh random password so
the run can sign them in through the real login form: the data directory is a throwaway
one made for this run, never ``var/``."""

from __future__ import annotations

import json
import os
import re
import secrets
import sys

import django


def _die(message: str) -> None:
    sys.exit(f"check-pages: {message}")


def discover() -> dict:
    from django.urls import reverse

    from hearth.communities.models import (
        Community,
        Membership,
        MembershipStatus,
        Role,
        Visibility,
    )
    from hearth.conversations.models import Participant
    from hearth.discussions.models import Category, CategoryKind, ReadAccess, ReviewState, Topic
    from hearth.elections.models import Election
    from hearth.events.models import Event
    from hearth.governance.models import Proposal
    from hearth.groups.models import Group
    from hearth.groups.models import Visibility as GroupVisibility
    from hearth.members.models import MemberProfile
    from hearth.qa.models import Question

    community = (
        Community.objects.filter(visibility=Visibility.PUBLIC).order_by("-member_count").first()
    )
    if community is None:
        _die("the demo has no public community")
    slug = community.slug
    active = Membership.objects.filter(
        community=community, status=MembershipStatus.ACTIVE, user__is_active=True
    )

    # Staff: the community's highest role (owner, else admin), the one who sees every tab.
    staff = None
    for role in (Role.OWNER, Role.ADMIN):
        staff = active.filter(role=role).select_related("user").order_by("joined_at").first()
        if staff is not None:
            break
    if staff is None:
        _die(f"no owner or admin in {slug}")
    # Member: a plain member with the most conversations (so the inbox has something to show),
    # then the most trusted.
    in_conversations = Participant.objects.filter(community=community, left_at=None).values(
        "user_id"
    )
    member = (
        active.filter(role=Role.MEMBER, user_id__in=in_conversations)
        .select_related("user")
        .order_by("-trust_level", "joined_at")
        .first()
    ) or active.filter(role=Role.MEMBER).select_related("user").order_by("-trust_level").first()
    if member is None:
        _die(f"no plain member in {slug}")

    public = Category.objects.filter(community=community, read_access=ReadAccess.EVERYONE)
    visible_topics = Topic.objects.filter(
        community=community,
        category__in=public,
        deleted_at=None,
        merged_into=None,
        review_state=ReviewState.PUBLISHED,
    )

    def topic_url(topic) -> str:
        return reverse("discussions:topic", args=[slug, topic.slug, topic.pk])

    discussion = (
        visible_topics.filter(category__kind=CategoryKind.DISCUSSION)
        .order_by("-post_count", "-last_posted_at")
        .first()
    )
    question = (
        Question.objects.filter(
            community=community,
            topic__in=visible_topics.filter(category__kind=CategoryKind.QUESTIONS),
        )
        .select_related("topic")
        .order_by("-accepted_at", "-topic__post_count")
        .first()
    )
    category = (
        public.filter(kind=CategoryKind.DISCUSSION).order_by("-topic_count", "position").first()
    )
    ideas = public.filter(kind=CategoryKind.IDEAS).order_by("-topic_count").first()
    if discussion is None or question is None or category is None or ideas is None:
        _die(f"{slug} lacks a public discussion topic, Q&A topic, category or ideas board")

    # The next public event (its topic in a public category), and a public group.
    event = (
        Event.objects.filter(community=community, topic__in=visible_topics, cancelled_at=None)
        .order_by("-last_ends_at")
        .first()
    )
    group = (
        Group.objects.filter(community=community, visibility=GroupVisibility.PUBLIC)
        .order_by("-member_count")
        .first()
    )
    if event is None or group is None:
        _die(f"{slug} lacks a public event or a public group")
    # The latest election and rules proposal (the demo has a finished election, an adopted
    # proposal and an open one).
    election = Election.objects.filter(community=community).order_by("-pk").first()
    proposal = Proposal.objects.filter(community=community).order_by("-pk").first()
    if election is None or proposal is None:
        _die(f"{slug} lacks an election or a rules proposal")

    # A profile a visitor may see: the most helpful member who does not hide it.
    profile = (
        MemberProfile.objects.filter(
            community=community,
            hide_from_non_members=False,
            user__in=active.filter(role=Role.MEMBER).values("user_id"),
        )
        .select_related("user")
        .order_by("-helped_count", "user__username")
        .first()
    )
    profile_username = profile.user.username if profile else member.user.username
    # A search word that occurs in the discussion's title (the longest word of letters).
    words = sorted(re.findall(r"[A-Za-z]{4,}", discussion.title), key=len, reverse=True)
    query = words[0].lower() if words else "camera"

    users = {}
    for key, membership in (("member", member), ("staff", staff)):
        password = secrets.token_urlsafe(18)
        membership.user.set_password(password)
        membership.user.save(update_fields=["password"])
        users[key] = {
            "username": membership.user.username,
            "password": password,
            "role": membership.role,
        }

    c = {"community_slug": slug}
    return {
        "community": {"slug": slug, "name": community.name},
        "users": users,
        "urls": {
            "home": reverse("core:home"),
            "community_home": reverse("communities:home", kwargs=c),
            "topic": topic_url(discussion),
            "qa_topic": topic_url(question.topic),
            "category": reverse("discussions:category", args=[slug, category.slug]),
            "ideas": reverse("discussions:category", args=[slug, ideas.slug]),
            "roadmap": reverse("ideas:roadmap", kwargs=c),
            "profile": reverse("communities:profile", args=[slug, profile_username]),
            "directory": reverse("communities:members", kwargs=c),
            "search": reverse("search:community", kwargs=c) + f"?q={query}",
            "wizard": reverse("core:community-new"),
            "signup": reverse("account_signup") + "?next=" + reverse("communities:join", kwargs=c),
            "health": reverse("analytics:health", kwargs=c),
            "benefits": reverse("benefits:benefits", kwargs=c),
            "customers": reverse("customers:customers", kwargs=c),
            "rules_history": reverse("governance:history", kwargs=c),
            "proposal": reverse("governance:proposal", args=[slug, proposal.pk]),
            "election": reverse("elections:detail", args=[slug, election.pk]),
            "welcome_queue": reverse("onboarding:welcome-queue", kwargs=c),
            "messages": reverse("conversations:inbox", kwargs=c),
            "events": reverse("events:list", kwargs=c),
            "event": reverse("events:detail", args=[slug, event.pk]),
            "groups": reverse("groups:list", kwargs=c),
            "group": reverse("groups:detail", args=[slug, group.slug]),
        },
    }


def main() -> None:
    if not os.environ.get("HEARTH_DATA_DIR"):
        _die("HEARTH_DATA_DIR must name the run's own data directory")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")
    django.setup()
    print(json.dumps(discover()))


if __name__ == "__main__":
    main()
