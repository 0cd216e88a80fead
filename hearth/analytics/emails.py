"""The weekly health email to a community's staff: the headline figures of the last seven
days against the seven before, what moved, and the three members or posts that most need
someone's attention now (an unwelcomed newcomer, an unanswered question, a member whose
posts nobody answered)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.accounts.models import User
from hearth.analytics import display, rollups
from hearth.analytics.dashboard import Window, build_dashboard
from hearth.communities.models import STAFF_ROLES, Community, Membership, MembershipStatus
from hearth.discussions.models import Topic

ATTENTION_ITEMS = 3


@dataclass(frozen=True)
class AttentionItem:
    reason: str
    title: str
    url: str


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def attention_items(community: Community, dashboard) -> list[AttentionItem]:
    """Unwelcomed newcomers first, then unanswered questions, then members nobody answered."""
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
    questions = Topic.objects.filter(
        community=community, pk__in=report.support.unanswered[:ATTENTION_ITEMS], deleted_at=None
    )
    for topic in questions:
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


def staff_recipients(community: Community) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            community=community, status=MembershipStatus.ACTIVE, role__in=STAFF_ROLES
        ).select_related("user")
        if m.user.email and m.user.is_active
    ]


def weekly_email(
    community: Community, *, as_of: datetime | None = None
) -> EmailMultiAlternatives | None:
    """The email for the week ending at the last UTC midnight, or None without recipients."""
    recipients = staff_recipients(community)
    if not recipients:
        return None
    as_of = as_of or timezone.now()
    rollups.update(community)
    last_day = as_of.date() - timedelta(days=1)
    dashboard = build_dashboard(
        community, Window(last_day - timedelta(days=6), last_day), as_of=as_of
    )
    figures = display.headlines(dashboard)
    context = {
        "community": community,
        "dashboard": dashboard,
        "figures": figures,
        "moved": display.moved(figures),
        "attention": attention_items(community, dashboard),
        "dashboard_url": _absolute(reverse("analytics:health", args=[community.slug])),
    }
    subject = _("%(community)s this week: %(active)s active members") % {
        "community": community.name,
        "active": dashboard.report.active.total,
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("analytics/email/weekly.txt", context),
        to=[u.email for u in recipients],
    )
    message.attach_alternative(
        render_to_string("analytics/email/weekly.html", context), "text/html"
    )
    return message


def send_weekly_email(community: Community, *, as_of: datetime | None = None) -> int:
    """Send the email; returns how many staff members it went to."""
    message = weekly_email(community, as_of=as_of)
    if message is None:
        return 0
    message.send()
    return len(message.to)
