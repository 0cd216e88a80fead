"""The weekly health email to a community's staff: the headline figures of the last seven
days against the seven before, what moved, and the three members or posts that most need
someone's attention now (an unwelcomed newcomer, an unanswered question, a member whose
posts nobody answered).

Each staff member gets their own copy: the figures are the same for all, but a question is
named only to those who may read its category (a moderator is not shown an admins-only
title)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.accounts.models import User
from hearth.analytics import display, policy, rollups
from hearth.analytics.dashboard import Window, build_dashboard
from hearth.communities.models import STAFF_ROLES, Community, Membership, MembershipStatus
from hearth.core.actor import Actor
from hearth.discussions import policy as discussion_policy
from hearth.discussions.models import Topic

ATTENTION_ITEMS = 3


@dataclass(frozen=True)
class AttentionItem:
    reason: str
    title: str
    url: str


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def readable_unanswered(actor: Actor, community: Community, dashboard) -> list[Topic]:
    """The window's unanswered questions ``actor`` may read, oldest first."""
    unanswered = dashboard.report.support.unanswered
    topics = discussion_policy.visible_topics(actor, community).filter(pk__in=unanswered)
    by_id = {t.pk: t for t in topics}
    return [by_id[pk] for pk in unanswered if pk in by_id]


def attention_items(community: Community, dashboard, questions: list[Topic]) -> list[AttentionItem]:
    """Unwelcomed newcomers first, then the unanswered ``questions`` (those the recipient
    may read), then members nobody answered."""
    report = dashboard.report
    items: list[AttentionItem] = []
    users = User.objects.in_bulk(
        [
            *report.newcomers.unwelcomed[:ATTENTION_ITEMS],
            *report.never_answered.members[:ATTENTION_ITEMS],
        ]
    )
    for user_id in report.newcomers.unwelcomed:
        if user_id in users:
            user = users[user_id]
            items.append(
                AttentionItem(
                    _("New member without a reply after 24 hours"),
                    user.name,
                    _absolute(reverse("communities:profile", args=[community.slug, user.username])),
                )
            )
    for topic in questions[:ATTENTION_ITEMS]:
        items.append(
            AttentionItem(
                _("Question nobody has answered"),
                topic.title,
                _absolute(
                    reverse("discussions:topic", args=[community.slug, topic.slug, topic.pk])
                ),
            )
        )
    for user_id in report.never_answered.members:
        if user_id in users:
            user = users[user_id]
            items.append(
                AttentionItem(
                    _("Posted this week and got no reply or reaction"),
                    user.name,
                    _absolute(reverse("communities:profile", args=[community.slug, user.username])),
                )
            )
    return items[:ATTENTION_ITEMS]


def staff_recipients(community: Community) -> list[Actor]:
    """The community's active staff with an email address, each as the actor they read as."""
    return [
        Actor(user=m.user, community=community, membership=m)
        for m in Membership.objects.filter(
            community=community, status=MembershipStatus.ACTIVE, role__in=STAFF_ROLES
        ).select_related("user")
        if m.user.email and m.user.is_active
    ]


def weekly_emails(
    community: Community, *, as_of: datetime | None = None
) -> list[EmailMultiAlternatives]:
    """One email per staff member for the week ending at the last UTC midnight."""
    recipients = staff_recipients(community)
    if not recipients:
        return []
    as_of = as_of or timezone.now()
    rollups.update(community)
    last_day = as_of.date() - timedelta(days=1)
    dashboard = build_dashboard(
        community, Window(last_day - timedelta(days=6), last_day), as_of=as_of
    )
    figures = display.headlines(dashboard)
    subject = _("%(community)s this week: %(active)s active members") % {
        "community": community.name,
        "active": dashboard.report.active.total,
    }
    from hearth.notifications.emails import HEALTH, unsubscribe_headers
    from hearth.notifications.models import DigestSubscription

    opted_out = set(
        DigestSubscription.objects.filter(community=community, health_email=False).values_list(
            "user_id", flat=True
        )
    )
    messages = []
    benefits = None
    for actor in recipients:
        if actor.user.pk in opted_out:
            continue
        if benefits is None and policy.can_view_business_figures(actor):
            # The benefits app reads the figures; only those allowed them get the section.
            from hearth.benefits.emails import weekly_benefits

            benefits = weekly_benefits(community, dashboard.window)
        unsubscribe_url, headers = unsubscribe_headers(actor.user, community, HEALTH)
        questions = readable_unanswered(actor, community, dashboard)
        context = {
            "community": community,
            "dashboard": dashboard,
            "figures": figures,
            "moved": display.moved(figures),
            "attention": attention_items(community, dashboard, questions),
            "unlisted_questions": len(dashboard.report.support.unanswered) - len(questions),
            "dashboard_url": _absolute(reverse("analytics:health", args=[community.slug])),
            "unsubscribe_url": unsubscribe_url,
            "benefits": benefits if policy.can_view_business_figures(actor) else None,
        }
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("analytics/email/weekly.txt", context),
            to=[actor.user.email],
            headers=headers,
        )
        message.attach_alternative(
            render_to_string("analytics/email/weekly.html", context), "text/html"
        )
        messages.append(message)
    return messages


def send_weekly_email(community: Community, *, as_of: datetime | None = None) -> int:
    """Send each staff member their email; returns how many were sent."""
    messages = weekly_emails(community, as_of=as_of)
    if not messages:
        return 0
    return get_connection().send_messages(messages)
